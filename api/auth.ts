/**
 * Bearer-token authentication. A token is either a service token from the
 * config (the admin token included) or a JWT signed with the configured HS256
 * secret whose `role` claim is admin, operator or viewer, with an `exp` at most
 * `security.jwt_max_lifetime_seconds` after its `iat` (or after now, without
 * one). Roles are ordered: admin ⊃ operator ⊃ viewer.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { jwtVerify } from 'jose';
import { roleAtLeast, ROLES, type Role } from '../domain/roles';
import type { WhooshConfig } from '../infra/config';

export interface Principal {
  readonly name: string;
  readonly role: Role;
  readonly via: 'token' | 'jwt';
}

export function hasRole(principal: Principal, needed: Role): boolean {
  return roleAtLeast(principal.role, needed);
}

interface StoredToken {
  readonly name: string;
  readonly role: Role;
  readonly digest: Buffer;
}

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

export type Authenticator = (authorization: string | undefined) => Promise<Principal | undefined>;

/** `adminToken` is the effective admin token (configured or generated). */
export function createAuthenticator(security: WhooshConfig['security'], adminToken?: string): Authenticator {
  const tokens: StoredToken[] = security.tokens.map((t) => ({ name: t.name, role: t.role, digest: digest(t.token!) }));
  if (adminToken !== undefined) tokens.push({ name: 'admin', role: 'admin', digest: digest(adminToken) });
  const jwtKey = security.jwt_secret !== undefined ? new TextEncoder().encode(security.jwt_secret) : undefined;

  return async (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return undefined;
    const presented = match[1]!;
    const presentedDigest = digest(presented);
    // Compare against every token so timing does not reveal which one matched.
    let found: StoredToken | undefined;
    for (const t of tokens) if (timingSafeEqual(t.digest, presentedDigest)) found = t;
    if (found) return { name: found.name, role: found.role, via: 'token' };

    if (jwtKey === undefined || presented.split('.').length !== 3) return undefined;
    try {
      // A JWT without exp would be valid forever; one that lives longer than the cap is refused too.
      const { payload } = await jwtVerify(presented, jwtKey, { algorithms: ['HS256'], requiredClaims: ['exp'] });
      const issued = payload.iat ?? Math.floor(Date.now() / 1000);
      if (payload.exp! - issued > security.jwt_max_lifetime_seconds) return undefined;
      const role = payload.role;
      if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return undefined;
      return { name: typeof payload.sub === 'string' ? payload.sub : 'jwt', role: role as Role, via: 'jwt' };
    } catch {
      return undefined;
    }
  };
}
