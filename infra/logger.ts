/**
 * One pino logger for the process. Children carry the component name, and
 * workflow/run ids where there are any (the worker's log bridge adds them).
 */
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export function createLogger(level: string = process.env.WHOOSH_LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'whoosh' },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.token', '*.password'], censor: '[redacted]' },
  });
}
