export * from './gitea-simulator';
