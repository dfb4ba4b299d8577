/**
 * MCP over Streamable HTTP at /mcp. Each session (from its `initialize`) gets
 * its own server bound to the bearer token that opened it and to that token's
 * role; later requests of the session must carry the same token. The session's
 * REST calls go back to this same API over the local socket the request came
 * in on, with the caller's token (see whoosh-mcp.ts for why).
 */
import { createHash, randomUUID } from 'node:crypto';
import express, { type Request, type Router } from 'express';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { WhooshClient } from '../../cli/api-client';
import type { Authenticator } from '../auth';
import type { ApiContext } from '../context';
import { HttpError } from '../errors';
import { createMcpSession, type McpSession } from './whoosh-mcp';

export const MCP_PATH = '/mcp';
const MAX_SESSIONS = 200;
const IDLE_MS = 30 * 60_000;

interface Entry {
  readonly transport: StreamableHTTPServerTransport;
  readonly session: McpSession;
  readonly tokenDigest: string;
  lastSeen: number;
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** This server as seen from itself: the address and port the request arrived on. */
function selfUrl(req: Request): string {
  const raw = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const host = raw.includes(':') ? `[${raw}]` : raw;
  return `http://${host}:${req.socket.localPort}`;
}

export interface McpHttpOptions {
  readonly pollMs?: number;
}

export function mcpRouter(ctx: ApiContext, authenticate: Authenticator, opts: McpHttpOptions = {}): Router {
  const sessions = new Map<string, Entry>();
  const log = ctx.logger.child({ component: 'mcp' });
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const e of sessions.values()) if (now - e.lastSeen > IDLE_MS) void e.transport.close();
  }, 60_000);
  sweep.unref();

  const router = express.Router();
  router.all('/', async (req, res, next) => {
    try {
      const principal = await authenticate(req.headers.authorization);
      if (!principal) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        throw new HttpError(401, 'unauthorized', 'A valid bearer token is required');
      }
      const token = /^Bearer\s+(\S+)/i.exec(req.headers.authorization!)![1]!;
      const sessionId = req.headers['mcp-session-id'];
      if (typeof sessionId === 'string') {
        const entry = sessions.get(sessionId);
        if (!entry) throw new HttpError(404, 'not_found', 'No such MCP session; initialize a new one');
        if (entry.tokenDigest !== digest(token)) throw new HttpError(403, 'forbidden', 'This MCP session belongs to another token');
        entry.lastSeen = Date.now();
        await entry.transport.handleRequest(req, res, req.body);
        return;
      }
      if (req.method !== 'POST' || !isInitializeRequest(req.body)) throw new HttpError(400, 'invalid_request', 'Start with an initialize request, or send the Mcp-Session-Id header');
      if (sessions.size >= MAX_SESSIONS) throw new HttpError(503, 'unavailable', 'Too many MCP sessions; close one or retry later');

      const session = createMcpSession({
        client: new WhooshClient({ baseUrl: selfUrl(req), token }),
        role: principal.role,
        dashboardUrl: ctx.config.server.public_url ?? `${req.protocol}://${req.get('host')}`,
        pollMs: opts.pollMs,
        onError: (err) => log.warn({ err }, 'MCP session could not read the pipelines'),
      });
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void sessions.set(id, { transport, session, tokenDigest: digest(token), lastSeen: Date.now() }),
      });
      transport.onclose = () => {
        session.stop();
        if (transport.sessionId) sessions.delete(transport.sessionId);
      };
      await session.server.connect(transport);
      log.debug({ user: principal.name, role: principal.role }, 'MCP session opened');
      await transport.handleRequest(req, res, req.body);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
