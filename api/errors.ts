/**
 * Errors the API answers with, and the one error handler that turns anything
 * thrown into `{ error: { code, message, ... } }` without leaking stack traces.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isDbUnavailable, type DbHealth } from '../infra/db';
import type { Logger } from '../infra/logger';

export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'bad_gateway'
  | 'method_not_allowed'
  | 'unavailable'
  | 'timeout'
  | 'internal';

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
  /** The pipeline node a problem is about (validation of stored pipelines). */
  readonly node?: string | null;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound: RequestHandler = (req, _res, next) => {
  // originalUrl: under app.use('/api', ...) req.path has lost its mount point.
  const path = (req.originalUrl.split('?')[0] ?? '').slice(0, 200);
  next(new HttpError(404, 'not_found', `No route for ${req.method} ${path}`));
};

/** body-parser marks its errors with `type` and `status`; a body it could not inflate or decode has only a 4xx status. */
function fromBodyParser(err: { type?: string; status?: number; expose?: boolean }): HttpError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new HttpError(413, 'payload_too_large', 'Request body is larger than the limit');
    case 'entity.parse.failed':
      return new HttpError(400, 'invalid_request', 'Request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'unsupported_media_type', 'Unsupported body encoding');
    default:
      // Any other client error of express's or body-parser's (a body that does not inflate, a path
      // parameter that is not valid percent-encoded UTF-8): a 400, never a 500.
      if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
        return new HttpError(400, 'invalid_request', 'Request could not be read (bad encoding, compression or percent-encoding)');
      }
      return undefined;
  }
}

/** 503 at once while Postgres is known to be away, instead of waiting on the pool for a connection that will fail. */
export function whileDbDown(dbHealth: DbHealth | undefined): RequestHandler {
  return (_req, res, next) => {
    if (dbHealth === undefined || dbHealth.up) return next();
    res.setHeader('Retry-After', '2');
    next(new HttpError(503, 'unavailable', 'The database is unavailable; retry shortly'));
  };
}

export function errorHandler(logger: Logger, dbHealth?: DbHealth): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (isDbUnavailable(err)) {
      dbHealth?.failed(err);
      res.setHeader('Retry-After', '2');
      res.status(503).json({ error: { code: 'unavailable', message: 'The database is unavailable; retry shortly' } });
      return;
    }
    const known = err instanceof HttpError ? err : fromBodyParser(err as { type?: string });
    if (known) {
      res.status(known.status).json({ error: { code: known.code, message: known.message, ...(known.issues ? { issues: known.issues } : {}) } });
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, 'unhandled API error');
    res.status(500).json({ error: { code: 'internal', message: 'Internal server error' } });
  };
}
