/**
 * Credentials pipelines refer to by id (n8n's `credentials: { <type>: { id,
 * name } }`): admins create and delete them; nobody reads their data back —
 * the list shows names and types, and only activities open the secret.
 */
import { z } from 'zod';
import { createCredential, deleteCredential, listCredentials } from '../../activities/credentials/credential-store';
import { CREDENTIAL_TYPES, credentialDataSchemas } from '../../domain/credentials';
import { resolveEncryptionKey } from '../../infra/encryption-key';
import type { ApiContext } from '../context';
import { HttpError } from '../errors';
import { route } from '../route';

const summary = z.object({ id: z.string(), name: z.string(), type: z.enum(CREDENTIAL_TYPES), createdBy: z.string(), createdAt: z.string() });

const base = {
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, at most 64').optional().describe('Keep the id an imported n8n document uses; default: a new one'),
  name: z.string().min(1).max(200),
};
const createBody = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('httpHeaderAuth'), data: credentialDataSchemas.httpHeaderAuth }).strict(),
  z.object({ ...base, type: z.literal('httpBasicAuth'), data: credentialDataSchemas.httpBasicAuth }).strict(),
  z.object({ ...base, type: z.literal('httpBearerAuth'), data: credentialDataSchemas.httpBearerAuth }).strict(),
  z.object({ ...base, type: z.literal('forgeToken'), data: credentialDataSchemas.forgeToken }).strict(),
]);

const idParams = z.object({ id: z.string().min(1).max(64) });

export function credentialRoutes(ctx: ApiContext) {
  let key: Buffer | undefined;
  const encryptionKey = () => (key ??= resolveEncryptionKey(ctx.config));
  return [
    route({
      method: 'get',
      path: '/api/v1/credentials',
      summary: 'Stored credentials: id, name and type (never their data)',
      tag: 'credentials',
      auth: 'admin',
      responses: { 200: { description: 'The credentials, by name', schema: z.object({ items: z.array(summary) }) } },
      handler: async () => ({ status: 200, body: { items: await listCredentials(ctx.pool) } }),
    }),
    route({
      method: 'post',
      path: '/api/v1/credentials',
      summary: 'Store a credential, encrypted (AES-256-GCM); the answer never contains its data',
      tag: 'credentials',
      auth: 'admin',
      body: createBody,
      responses: { 201: { description: 'Stored', schema: summary }, 409: { description: 'The id or the name is taken' } },
      handler: async ({ body, principal }) => {
        const created = await createCredential(ctx.pool, encryptionKey(), { ...body, createdBy: principal!.name });
        if (!created) throw new HttpError(409, 'conflict', `A credential with this ${body.id ? 'id or ' : ''}name exists`);
        return { status: 201, body: created };
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/credentials/:id',
      summary: 'Delete a credential (nodes naming it fail from then on)',
      tag: 'credentials',
      auth: 'admin',
      params: idParams,
      responses: { 204: { description: 'Deleted' }, 404: { description: 'No such credential' } },
      handler: async ({ params }) => {
        if (!(await deleteCredential(ctx.pool, params.id))) throw new HttpError(404, 'not_found', `No credential ${params.id}`);
        return { status: 204 };
      },
    }),
  ];
}
