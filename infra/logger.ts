/**
 * One pino logger for the process. Children carry the component name, and
 * workflow/run ids where there are any (the worker's log bridge adds them).
 */
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

/**
 * JSON lines for machines (a pipe, a file, a log collector); on a terminal, short
 * coloured lines (time, level, message, a few fields) so the ready block stays readable.
 */
export function createLogger(level: string = process.env.WHOOSH_LOG_LEVEL ?? 'info', tty = process.stdout.isTTY === true): Logger {
  const options = {
    level,
    base: { service: 'whoosh' },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.token', '*.password'], censor: '[redacted]' },
  };
  if (!tty) return pino(options);
  return pino(
    options,
    pretty({
      colorize: true,
      translateTime: 'HH:MM:ss',
      ignore: 'pid,hostname,service,req,res,responseTime',
      singleLine: true,
      destination: 1,
      sync: true,
      // A request in one line: what, where, how it ended.
      messageFormat: (log, messageKey) => {
        const req = log.req as { method?: string; url?: string } | undefined;
        const res = log.res as { statusCode?: number } | undefined;
        const msg = String(log[messageKey] ?? '');
        return req ? `${req.method ?? ''} ${req.url ?? ''} → ${res?.statusCode ?? '?'}${typeof log.responseTime === 'number' ? ` ${log.responseTime} ms` : ''}` : msg;
      },
    }),
  );
}
