/** Small Markdown builders shared by the council's artifact and comment renderers; text goes through forge-text. */
import { COUNCIL_ROLES, type CouncilRoleId } from './compose-council';
import { cell, safeText } from '../../domain/forge-text';

export const heading = (level: number, text: string): string => `${'#'.repeat(Math.min(6, Math.max(1, level)))} ${text}`;
export const bullets = (items: readonly string[]): string => items.map((i) => `- ${safeText(i).replace(/\s*\r?\n\s*/g, ' ')}`).join('\n');
export const table = (head: readonly string[], rows: readonly (readonly string[])[]): string =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
/** A section, or nothing when it would be empty. */
export const section = (level: number, title: string, body: string): string => (body === '' ? '' : `${heading(level, title)}\n\n${body}`);
export const join = (...parts: string[]): string => parts.filter((p) => p !== '').join('\n\n');
export const roleTitle = (role: CouncilRoleId): string => COUNCIL_ROLES[role].title;
export const points = (n: number): string => plural(n, 'point');

