/**
 * One definition per route: its zod schemas validate the request and generate
 * the OpenAPI document, so the docs cannot drift from what the API accepts.
 * Handlers receive parsed input and return `{ status, body }`; the adapter
 * below only maps that onto express.
 */
import { type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import type { Role } from '../infra/config';
import { hasRole, type Authenticator, type Principal } from './auth';
import { HttpError, type FieldIssue } from './errors';

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch';

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly principal: Principal | undefined;
  readonly req: Request;
}

export interface RouteDef<P = unknown, Q = unknown, B = unknown> {
  readonly method: Method;
  /** Express-style path (`/api/v1/things/:id`). */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /** `public` needs no token; a role needs a token with at least that role. */
  readonly auth: 'public' | Role;
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  readonly body?: z.ZodType<B>;
  readonly responses: Record<number, { description: string; schema?: z.ZodType }>;
  readonly handler: (input: RouteInput<P, Q, B>, res: Response) => Promise<Reply | void>;
}

/** Keeps the type parameters of one route together while a list holds many. */
export function route<P = unknown, Q = unknown, B = unknown>(def: RouteDef<P, Q, B>): RouteDef {
  return def as unknown as RouteDef;
}

export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string(), node: z.string().nullable().optional() })).optional(),
  }),
});

function issuesOf(where: string, error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));
}

/** A string Postgres cannot store (NUL) or that is not Unicode (a lone surrogate), anywhere in `value`: its path. */
function unstorable(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value) ? path : undefined;
  if (depth > 32 || value === null || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value)) {
    const found = unstorable(k, path, depth + 1) ?? unstorable(v, `${path}.${k}`, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string, issues: FieldIssue[]): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  issues.push(...issuesOf(where, result.error));
  return undefined as T;
}

export function mountRoute(router: Router, registry: OpenAPIRegistry, authenticate: Authenticator, def: RouteDef): void {
  const handler: RequestHandler = async (req, res, next) => {
    try {
      let principal: Principal | undefined;
      if (def.auth !== 'public') {
        principal = await authenticate(req.headers.authorization);
        if (!principal) {
          res.setHeader('WWW-Authenticate', 'Bearer');
          throw new HttpError(401, 'unauthorized', 'A valid bearer token is required');
        }
        if (!hasRole(principal, def.auth)) throw new HttpError(403, 'forbidden', `This action needs the ${def.auth} role`);
      }
      if (def.body && req.headers['content-type'] !== undefined && !req.is('application/json')) {
        throw new HttpError(415, 'unsupported_media_type', 'Request body must be application/json');
      }
      for (const [where, value] of [['params', req.params], ['query', req.query], ['body', req.body]] as const) {
        const bad = unstorable(value, where);
        if (bad !== undefined) throw new HttpError(400, 'invalid_request', 'Request did not validate', [{ path: bad, message: 'must not hold NUL characters or lone surrogates' }]);
      }
      const issues: FieldIssue[] = [];
      const params = parse(def.params, req.params, 'params', issues);
      const query = parse(def.query, { ...req.query }, 'query', issues);
      const body = parse(def.body, req.body ?? {}, 'body', issues);
      if (issues.length > 0) throw new HttpError(400, 'invalid_request', 'Request did not validate', issues);
      const reply = await def.handler({ params, query, body, principal, req }, res);
      if (!reply || res.headersSent) return;
      for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
      if (reply.body === undefined) res.status(reply.status).end();
      else res.status(reply.status).json(reply.body);
    } catch (err) {
      next(err);
    }
  };
  router[def.method](def.path, handler);

  const responses = Object.fromEntries(
    Object.entries(def.responses).map(([status, r]) => [
      status,
      { description: r.description, ...(r.schema ? { content: { 'application/json': { schema: r.schema } } } : {}) },
    ]),
  );
  if (def.auth !== 'public') {
    responses['401'] ??= { description: 'Missing or invalid bearer token', content: { 'application/json': { schema: errorSchema } } };
    responses['403'] ??= { description: `Needs the ${def.auth} role`, content: { 'application/json': { schema: errorSchema } } };
  }
  if (def.params || def.query || def.body) {
    responses['400'] ??= { description: 'Invalid request (field errors in `issues`)', content: { 'application/json': { schema: errorSchema } } };
  }
  registry.registerPath({
    method: def.method,
    path: def.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
    summary: def.summary,
    tags: [def.tag],
    security: def.auth === 'public' ? [] : [{ bearer: [] }],
    request: {
      ...(def.params ? { params: def.params as never } : {}),
      ...(def.query ? { query: def.query as never } : {}),
      // Required unless an empty object is a valid body (a missing body is read as `{}`).
      ...(def.body ? { body: { required: !def.body.safeParse({}).success, content: { 'application/json': { schema: def.body } } } } : {}),
    },
    responses,
  });
}
