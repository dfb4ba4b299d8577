import { SignJWT } from 'jose';
import { createAuthenticator, hasRole } from '../../api/auth';
import { configSchema } from '../../infra/config';

const secret = 'x'.repeat(40);
const security = configSchema.parse({
  security: {
    jwt_secret: secret,
    tokens: [
      { name: 'ci-bot', token: 'operator-token-0123456789', role: 'operator' },
      { name: 'wallboard', token: 'viewer-token-0123456789', role: 'viewer' },
    ],
  },
}).security;
const authenticate = createAuthenticator(security, 'admin-token-0123456789');

const jwt = (claims: Record<string, unknown>, key = secret, expires = '5m') =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuedAt().setExpirationTime(expires).sign(new TextEncoder().encode(key));

test('service tokens carry their configured role', async () => {
  await expect(authenticate('Bearer operator-token-0123456789')).resolves.toEqual({ name: 'ci-bot', role: 'operator', via: 'token' });
  await expect(authenticate('bearer viewer-token-0123456789')).resolves.toMatchObject({ role: 'viewer' });
  await expect(authenticate('Bearer admin-token-0123456789')).resolves.toMatchObject({ name: 'admin', role: 'admin' });
});

test('missing, malformed and unknown tokens are refused', async () => {
  for (const header of [undefined, '', 'Basic abc', 'Bearer', 'Bearer wrong-token-0123456789', 'Bearer operator-token-012345678']) {
    await expect(authenticate(header)).resolves.toBeUndefined();
  }
});

test('JWTs signed with the secret carry the role claim', async () => {
  await expect(authenticate(`Bearer ${await jwt({ role: 'operator' })}`)).resolves.toEqual({ name: 'alice', role: 'operator', via: 'jwt' });
});

test('JWTs with a wrong key, no valid role, or past expiry are refused', async () => {
  await expect(authenticate(`Bearer ${await jwt({ role: 'admin' }, 'y'.repeat(40))}`)).resolves.toBeUndefined();
  await expect(authenticate(`Bearer ${await jwt({ role: 'root' })}`)).resolves.toBeUndefined();
  await expect(authenticate(`Bearer ${await jwt({})}`)).resolves.toBeUndefined();
  await expect(authenticate(`Bearer ${await jwt({ role: 'admin' }, secret, '-1m')}`)).resolves.toBeUndefined();
});

test('without a JWT secret, JWTs are refused', async () => {
  const noJwt = createAuthenticator(configSchema.parse({}).security);
  await expect(noJwt(`Bearer ${await jwt({ role: 'admin' })}`)).resolves.toBeUndefined();
});

test('roles are ordered admin > operator > viewer', () => {
  const p = (role: 'admin' | 'operator' | 'viewer') => ({ name: 'x', role, via: 'token' as const });
  expect(hasRole(p('admin'), 'operator')).toBe(true);
  expect(hasRole(p('operator'), 'operator')).toBe(true);
  expect(hasRole(p('viewer'), 'operator')).toBe(false);
  expect(hasRole(p('operator'), 'admin')).toBe(false);
});

test('JWTs without exp, or living longer than security.jwt_max_lifetime_seconds, are refused', async () => {
  const key = new TextEncoder().encode(secret);
  const forever = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory').setIssuedAt().sign(key);
  await expect(authenticate(`Bearer ${forever}`)).resolves.toBeUndefined();
  const tenYears = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory').setIssuedAt().setExpirationTime('3650d').sign(key);
  await expect(authenticate(`Bearer ${tenYears}`)).resolves.toBeUndefined();
  const noIat = await new SignJWT({ role: 'viewer' }).setProtectedHeader({ alg: 'HS256' }).setSubject('bob').setExpirationTime('1h').sign(key);
  await expect(authenticate(`Bearer ${noIat}`)).resolves.toMatchObject({ role: 'viewer' });
  const capped = createAuthenticator({ ...security, jwt_max_lifetime_seconds: 60 });
  await expect(capped(`Bearer ${await jwt({ role: 'viewer' })}`)).resolves.toBeUndefined();
});
