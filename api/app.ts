/**
 * The express app: security middleware, the routes, the OpenAPI document and
 * its docs page, and the built dashboard. No business logic lives here.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import cors from 'cors';
import express, { type Express } from 'express';
import { rateLimit, type AugmentedRequest } from 'express-rate-limit';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import swaggerUi from 'swagger-ui-express';
import { createAuthenticator } from './auth';
import type { ApiContext } from './context';
import { errorHandler, HttpError, notFound, whileDbDown } from './errors';
import { newRegistry, openApiDocument } from './openapi';
import { MCP_PATH, mcpRouter } from './mcp/mcp-http';
import { mountRoute } from './route';
import { agentRoutes } from './routes/agents';
import { councilRoutes } from './routes/councils';
import { EVENTS_PATH, eventRoutes } from './routes/events';
import { healthRoutes } from './routes/health';
import { credentialRoutes } from './routes/credentials';
import { pipelineApprovalRoutes } from './routes/pipeline-approvals';
import { pipelineEditorRoutes } from './routes/pipeline-editor';
import { pipelineCatalogRoutes } from './routes/pipeline-catalog';
import { pipelineRunRoutes } from './routes/pipeline-runs';
import { pipelineRoutes } from './routes/pipelines';
import { repositoryRoutes } from './routes/repositories';
import { statsRoutes } from './routes/stats';
import { systemRoutes } from './routes/system';
import { executionRoutes } from './routes/executions';
import { teamRoutes } from './routes/teams';
import { pipelineWebhookRouter } from './webhooks/pipeline-webhooks';
import { waitWebhookRouter } from './webhooks/wait-webhooks';
import { refuseNonUtf8, webhookRouter } from './webhooks/receiver';

/** `url` with the value of every `access_token` query parameter (any case) replaced: tokens never reach a log. */
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(/([?&])(access_token)=[^&#]*/gi, '$1$2=[redacted]');
}

/** The dashboard's own addresses (ui/src/lib/router.ts). */
const DASHBOARD_PATHS = ['/', '/teams', '/teams/:id', '/councils', '/councils/:id', '/executions', '/executions/:id', '/agents', '/repositories', '/pipelines', '/pipelines/:id'];

export function createApp(ctx: ApiContext): Express {
  const { config, logger } = ctx;
  const app = express();
  app.disable('x-powered-by');
  // `/API/V1/Events` is not `/api/v1/events`: one spelling per route, so filters on paths hold.
  app.set('case sensitive routing', true);
  app.use(
    helmet({
      contentSecurityPolicy: { directives: { 'connect-src': ["'self'"], 'img-src': ["'self'", 'data:'] } },
    }),
  );
  app.use(
    pinoHttp({
      logger: logger.child({ component: 'api' }),
      autoLogging: { ignore: (req) => (req.url?.startsWith('/health') || req.url?.startsWith(EVENTS_PATH)) ?? false },
      // Short lines: method, path (tokens redacted) and the client, never the headers.
      serializers: {
        req: (req: { id?: unknown; method?: string; url?: string; remoteAddress?: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url), remoteAddress: req.remoteAddress }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(['/api', '/health'], cors({ origin: config.security.cors_origins, credentials: false, maxAge: 600 }));
  // Webhooks read their raw bytes (for the signature), so they come before the JSON parser.
  app.use('/webhooks', webhookRouter(ctx));
  // Pipelines' own Webhook nodes, outside /api (n8n's addresses); the body is theirs to read.
  app.use('/webhook', pipelineWebhookRouter(ctx, false));
  app.use('/webhook-test', pipelineWebhookRouter(ctx, true));
  app.use('/webhook-waiting', waitWebhookRouter(ctx));
  app.use('/api/v1', whileDbDown(ctx.dbHealth));
  app.use((req, _res, next) => {
    refuseNonUtf8(req);
    next();
  });
  app.use(express.json({ limit: config.server.body_limit, type: 'application/json' }));
  app.use(
    '/api/v1',
    rateLimit({
      windowMs: 60_000,
      limit: config.security.rate_limit_per_minute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (req, res, next, options) => {
        const reset = (req as Partial<AugmentedRequest>).rateLimit?.resetTime?.getTime() ?? Date.now() + options.windowMs;
        res.setHeader('Retry-After', String(Math.max(1, Math.ceil((reset - Date.now()) / 1000))));
        next(new HttpError(429, 'rate_limited', 'Too many requests; retry after the time in Retry-After'));
      },
    }),
  );

  const registry = newRegistry();
  const authenticate = createAuthenticator(config.security, ctx.adminToken);
  const router = express.Router({ caseSensitive: true });
  const defs = [...healthRoutes(ctx), ...systemRoutes(ctx), ...agentRoutes(ctx), ...repositoryRoutes(ctx), ...teamRoutes(ctx), ...councilRoutes(ctx), ...pipelineEditorRoutes(ctx), ...pipelineRoutes(ctx), ...pipelineCatalogRoutes(ctx), ...pipelineRunRoutes(ctx), ...pipelineApprovalRoutes(ctx), ...credentialRoutes(ctx), ...executionRoutes(ctx), ...statsRoutes(ctx), ...eventRoutes(ctx)];
  // A known path asked with a method it does not declare: 405 with the ones it does, as the OpenAPI
  // document says. Checked before the routes, and a literal path wins over a parameter
  // (`GET /teams/analyze` is not `GET /teams/:id`).
  const known = [...new Set(defs.map((d) => d.path))].map((p) => ({
    literal: !p.includes(':'),
    pattern: new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}/?$`),
    methods: new Set(defs.filter((d) => d.path === p).flatMap((d) => (d.method === 'get' ? ['GET', 'HEAD'] : [d.method.toUpperCase()]))),
  }));
  router.use((req, res, next) => {
    if (req.method === 'OPTIONS') return next();
    const matching = known.filter((k) => k.pattern.test(req.path));
    const literal = matching.filter((k) => k.literal);
    const allowed = new Set((literal.length > 0 ? literal : matching).flatMap((k) => [...k.methods]));
    if (matching.length === 0 || allowed.has(req.method)) return next();
    const allow = [...allowed].join(', ');
    res.setHeader('Allow', allow);
    next(new HttpError(405, 'method_not_allowed', `${req.method} is not allowed on ${req.path}; use ${allow}`));
  });
  for (const def of defs) mountRoute(router, registry, authenticate, def);
  app.use(router);
  // MCP for AI assistants: the same tokens and roles as the REST API (api/mcp/).
  app.use(MCP_PATH, mcpRouter(ctx, authenticate, { pollMs: ctx.mcpPollMs }));

  const document = openApiDocument(registry, ctx.version);
  app.get('/api/openapi.json', (_req, res) => void res.json(document));
  app.use('/api/docs', swaggerUi.serve, swaggerUi.setup(document, { customSiteTitle: 'WHOOSH API' }));
  app.use(['/api', '/health', '/webhooks', '/webhook', '/webhook-test'], notFound);

  if (ctx.uiDir && existsSync(path.join(ctx.uiDir, 'index.html'))) {
    const index = path.join(ctx.uiDir, 'index.html');
    app.use(express.static(ctx.uiDir, { index: false, maxAge: '1h' }));
    // The dashboard routes on the client: its own addresses get its shell; any other path is a JSON 404.
    app.get(DASHBOARD_PATHS, (_req, res) => res.setHeader('Cache-Control', 'no-cache').sendFile(index));
  } else {
    app.get('/', (_req, res) => {
      res.type('text/plain').send('WHOOSH API is running. The dashboard is not built: run `npm run build`. API docs: /api/docs\n');
    });
  }
  app.use(notFound);
  app.use(errorHandler(logger, ctx.dbHealth));
  return app;
}
