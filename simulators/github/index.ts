export * from './github-simulator';
