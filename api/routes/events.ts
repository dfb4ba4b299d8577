/**
 * Live updates for the dashboard as server-sent events: a client names the
 * topics its page shows and hears `change` whenever one of them changes, then
 * refetches that data through the REST API. The stream carries no data of its
 * own, so it needs no authorization beyond the viewer role.
 *
 * Browsers' EventSource cannot send headers, so this route alone also takes the
 * token as `?access_token=` (the request log leaves these requests out, so the
 * token is not written there).
 */
import { z } from 'zod';
import { createAuthenticator, hasRole } from '../auth';
import type { ApiContext } from '../context';
import { HttpError } from '../errors';
import { route } from '../route';
import { ChangeFeed, TooManyTopicsError, UnknownTopicError } from '../services/change-feed';
import { EXECUTION_PREFIX, LIST_TOPICS, topicResolver } from '../services/change-topics';

export const EVENTS_PATH = '/api/v1/events';
const MAX_TOPICS_PER_CLIENT = 20;
/** A comment line now and then keeps proxies from closing an idle stream and finds clients that left. */
const PING_MS = 20_000;
/** EventSource waits this long before reconnecting after the stream drops (an API restart). */
const RETRY_MS = 2000;

const topicsQuery = z
  .object({
    topic: z
      .union([z.string(), z.array(z.string())])
      .transform((t) => (Array.isArray(t) ? t : [t]))
      .pipe(z.array(z.string().min(1).max(1100)).min(1).max(MAX_TOPICS_PER_CLIENT))
      .describe(`Repeat for each topic: ${LIST_TOPICS.join(', ')}, or ${EXECUTION_PREFIX}<workflowId>`),
    access_token: z.string().min(1).max(4096).optional().describe('The bearer token, for clients that cannot set headers (EventSource)'),
  })
  .strict();

const frame = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export function eventRoutes(ctx: ApiContext) {
  const authenticate = createAuthenticator(ctx.config.security, ctx.adminToken);
  const log = ctx.logger.child({ component: 'live' });
  const feed = new ChangeFeed({
    resolve: topicResolver(ctx),
    onError: (topic, err) => log.debug({ err, topic }, 'reading a live topic failed; will try again'),
  });

  return [
    route({
      method: 'get',
      path: EVENTS_PATH,
      summary:
        'Server-sent events: `change` with `{ topic }` whenever a watched topic changes (then refetch it). ' +
        'Needs a viewer token, as `Authorization: Bearer` or, for EventSource, `?access_token=`.',
      tag: 'live',
      // Authenticated below, since the token may come in the query.
      auth: 'public',
      query: topicsQuery,
      responses: {
        200: { description: 'A text/event-stream: `ready` once the topics are watched, then `change` events' },
        401: { description: 'Missing or invalid token' },
        503: { description: 'The feed watches as many topics as it may' },
      },
      handler: async ({ query, req }, res) => {
        const principal = await authenticate(req.headers.authorization ?? (query.access_token ? `Bearer ${query.access_token}` : undefined));
        if (!principal) {
          res.setHeader('WWW-Authenticate', 'Bearer');
          throw new HttpError(401, 'unauthorized', 'A valid bearer token is required (header or access_token)');
        }
        if (!hasRole(principal, 'viewer')) throw new HttpError(403, 'forbidden', 'This needs the viewer role');
        const topics = [...new Set(query.topic)];
        try {
          feed.validate(topics);
        } catch (err) {
          if (err instanceof UnknownTopicError) throw new HttpError(400, 'invalid_request', err.message, [{ path: 'query.topic', message: err.message }]);
          if (err instanceof TooManyTopicsError) throw new HttpError(503, 'unavailable', err.message);
          throw err;
        }

        res.writeHead(200, {
          'Content-Type': 'text/event-stream; charset=utf-8',
          'Cache-Control': 'no-cache, no-transform',
          Connection: 'keep-alive',
          'X-Accel-Buffering': 'no',
        });
        res.write(`retry: ${RETRY_MS}\n\n`);

        let closed = false;
        let unsubscribe: (() => void) | undefined;
        const ping = setInterval(() => res.write(': ping\n\n'), PING_MS);
        ping.unref();
        req.on('close', () => {
          closed = true;
          clearInterval(ping);
          unsubscribe?.();
        });

        try {
          unsubscribe = await feed.subscribe(topics, (topic) => res.write(frame('change', { topic })));
        } catch (err) {
          log.warn({ err }, 'could not start a live subscription');
          res.end(frame('failure', { message: 'could not watch these topics; reconnecting' }));
          return;
        }
        if (closed) {
          unsubscribe();
          return;
        }
        res.write(frame('ready', { topics }));
      },
    }),
  ];
}
