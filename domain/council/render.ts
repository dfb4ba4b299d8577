/**
 * Markdown for everything the council shows people: each artifact (for the
 * API, the dashboard and the issue), the one summary comment on the brief,
 * the reminder and expiry comments, and the task issues an approved plan
 * becomes.
 *
 * Every body WHOOSH posts ends with a hidden marker naming the council and
 * what the body is (`<!-- whoosh:council:<councilId>:summary-r1 -->`). An
 * activity retried after a timeout cannot know whether its first attempt
 * reached the forge; it looks for the marker before posting again, so
 * nothing is posted twice.
 *
 * Text written by models or people is rendered defensively, through
 * domain/forge-text (no live HTML, no unsafe links, no `@mentions`, no broken
 * tables); markers come from domain/markers. Pure and deterministic.
 */
export * from './council-markers';
export * from './render-artifacts';
export * from './render-comments';
export { cell, safeText } from '../../domain/forge-text';
