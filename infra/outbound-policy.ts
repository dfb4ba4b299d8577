/**
 * Which hosts WHOOSH may be told (over the API) to reach: forge base URLs and
 * agent-node endpoints. An operator's token is no licence to point WHOOSH's
 * stored forge token, or its LLM traffic, at any host they like, so every URL
 * an API caller gives is resolved and checked against `security.outbound_allow`:
 *
 * - `any` (the default): every address except loopback, link-local and
 *   unspecified ones (the host's own services and cloud metadata endpoints);
 * - `loopback`, `link-local`: those ranges, which are refused unless listed;
 * - a network in CIDR form (`10.0.0.0/8`, `fd00::/8`) or one address;
 * - a host name (`gitea.lan`) or a domain wildcard (`*.example.com`).
 *
 * A URL passes when its host name is listed, or when every address it
 * resolves to is allowed. URLs in whoosh.yaml are the operator's own and are
 * not checked.
 *
 * The check is made twice: when the URL is given (`createOutboundPolicy`, so
 * the caller hears why at once), and on every connection a client opens to it
 * (`guardedFetch`), because a name may resolve elsewhere later: a host that
 * answered with a LAN address at registration and with 127.0.0.1 afterwards
 * (DNS rebinding) is refused when the connection is made, on the very address
 * the socket would connect to, redirects included.
 */
import { lookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { Agent } from 'undici';
import ipaddr from 'ipaddr.js';

type Addr = ipaddr.IPv4 | ipaddr.IPv6;

export interface OutboundPolicy {
  /** Undefined when `url` may be reached; otherwise why not, in one sentence. */
  refusal(url: string): Promise<string | undefined>;
}

const GUARDED_RANGES: Record<string, 'loopback' | 'link-local'> = { loopback: 'loopback', linkLocal: 'link-local', unspecified: 'loopback' };

/** The range keyword an address falls in when it needs an explicit allowance. */
function guardedRange(addr: Addr): 'loopback' | 'link-local' | undefined {
  const plain = addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() ? (addr as ipaddr.IPv6).toIPv4Address() : addr;
  return GUARDED_RANGES[plain.range()];
}

interface Rules {
  any: boolean;
  readonly ranges: Set<string>;
  readonly networks: [Addr, number][];
  readonly hosts: Set<string>;
  readonly domains: string[];
}

/** Throws a RangeError naming the entry that is none of the forms above (config validation uses it). */
export function compileOutboundRules(entries: readonly string[]): Rules {
  const rules: Rules = { any: false, ranges: new Set(), networks: [], hosts: new Set(), domains: [] };
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (entry === 'any') rules.any = true;
    else if (entry === 'loopback' || entry === 'link-local') rules.ranges.add(entry);
    else if (entry.startsWith('*.') && /^[a-z0-9.-]+$/.test(entry.slice(2))) rules.domains.push(entry.slice(1));
    else if (entry.includes('/')) {
      try {
        rules.networks.push(ipaddr.parseCIDR(entry));
      } catch {
        throw new RangeError(`"${raw}" is not a network in CIDR form`);
      }
    } else if (ipaddr.isValid(entry)) {
      const addr = ipaddr.parse(entry);
      rules.networks.push([addr, addr.kind() === 'ipv4' ? 32 : 128]);
    } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry)) rules.hosts.add(entry);
    else throw new RangeError(`"${raw}" is not any, loopback, link-local, a network, an address or a host name`);
  }
  return rules;
}

function inNetwork(addr: Addr, [net, bits]: [Addr, number]): boolean {
  const a = addr.kind() === net.kind() ? addr : addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() ? (addr as ipaddr.IPv6).toIPv4Address() : undefined;
  return a !== undefined && a.match(net, bits);
}

function addressAllowed(rules: Rules, addr: Addr): boolean {
  if (rules.networks.some((n) => inNetwork(addr, n))) return true;
  const guarded = guardedRange(addr);
  if (guarded !== undefined) return rules.ranges.has(guarded);
  return rules.any;
}

export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Whether the rules name `host` itself (then its addresses are not checked). */
function hostListed(rules: Rules, host: string): boolean {
  return rules.hosts.has(host) || rules.domains.some((d) => host.endsWith(d));
}

/** Why `host` may not be reached at `addresses`, or undefined when it may. */
function addressRefusal(rules: Rules, host: string, addresses: readonly string[]): string | undefined {
  for (const a of addresses) {
    const addr = ipaddr.parse(a);
    if (!addressAllowed(rules, addr)) {
      const guarded = guardedRange(addr);
      const what = guarded !== undefined ? `a ${guarded} address (${a})` : `an address (${a}) outside security.outbound_allow`;
      return `${host} is ${what}; allow it in security.outbound_allow (WHOOSH_OUTBOUND_ALLOW)`;
    }
  }
  return undefined;
}

const bareHost = (hostname: string): string => hostname.toLowerCase().replace(/^\[|\]$/g, '');

export function createOutboundPolicy(entries: readonly string[], resolve: Resolver = systemResolver): OutboundPolicy {
  const rules = compileOutboundRules(entries);
  return {
    async refusal(url) {
      let host: string;
      try {
        host = bareHost(new URL(url).hostname);
      } catch {
        return 'it is not a URL';
      }
      if (hostListed(rules, host)) return undefined;
      let addresses: string[];
      try {
        addresses = ipaddr.isValid(host) ? [host] : await resolve(host);
      } catch {
        return `its host ${host} does not resolve`;
      }
      return addressRefusal(rules, host, addresses);
    },
  };
}

/** The error a guarded connection fails with; `isOutboundRefusal` recognises it (and its text, which some clients keep alone). */
export class OutboundRefusedError extends Error {
  readonly code = OUTBOUND_REFUSED;
  constructor(reason: string) {
    super(`connection refused by security.outbound_allow: ${reason}`);
    this.name = 'OutboundRefusedError';
  }
}

export const OUTBOUND_REFUSED = 'EOUTBOUNDREFUSED';

/** Whether `err`, or an error in its cause chain, is a refused connection (duck-typed: fetch's errors come from another realm under jest). */
export function isOutboundRefusal(err: unknown): boolean {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (code === OUTBOUND_REFUSED || (typeof message === 'string' && message.includes('connection refused by security.outbound_allow'))) return true;
  }
  return false;
}

type Dispatcher = NonNullable<RequestInit['dispatcher']>;
/** A socket's `lookup` option (net.connect's signature). */
type ConnectLookup = (hostname: string, options: LookupOptions, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void) => void;

/**
 * An undici dispatcher that holds every connection it opens to the rules: a
 * host name is resolved by its own lookup, which refuses when an address it
 * would hand the socket is not allowed (so the address checked is the one
 * connected to); an address literal, which sockets do not look up, is checked
 * when the request (or a redirect) is dispatched.
 */
function guardedDispatcher(rules: Rules, resolve: Resolver): Dispatcher {
  const lookup: ConnectLookup = (hostname, options, callback) => {
    const host = bareHost(hostname);
    resolve(host).then(
      (all) => {
        const family = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
        const addresses = all.map((address) => ({ address, family: ipaddr.parse(address).kind() === 'ipv4' ? 4 : 6 })).filter((a) => family === 0 || a.family === family);
        if (addresses.length === 0) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }), '');
        const refusal = hostListed(rules, host) ? undefined : addressRefusal(rules, host, addresses.map((a) => a.address));
        if (refusal) return callback(new OutboundRefusedError(refusal), '');
        if (options.all) return callback(null, addresses);
        return callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), ''),
    );
  };
  class GuardedAgent extends Agent {
    override dispatch(options: Parameters<Agent['dispatch']>[0], handler: Parameters<Agent['dispatch']>[1]): boolean {
      const host = bareHost(new URL(String(options.origin)).hostname);
      if (ipaddr.isValid(host) && !hostListed(rules, host)) {
        const refusal = addressRefusal(rules, host, [host]);
        if (refusal) throw new OutboundRefusedError(refusal);
      }
      return super.dispatch(options, handler);
    }
  }
  // undici's Agent, the same major version as the one inside Node's fetch, so Node's fetch takes it as its dispatcher.
  return new GuardedAgent({ connect: { lookup } }) as unknown as Dispatcher;
}

const guardedFetches = new Map<string, typeof fetch>();

/**
 * A fetch whose every connection is held to `entries` (security.outbound_allow):
 * what clients of URLs given over the API (forges, agent nodes) are handed.
 * One per policy for the system resolver, so connections are pooled across
 * clients; `resolve` is for tests.
 */
export function guardedFetch(entries: readonly string[], resolve?: Resolver): typeof fetch {
  const key = entries.join('\n');
  const known = resolve === undefined ? guardedFetches.get(key) : undefined;
  if (known) return known;
  const rules = compileOutboundRules(entries);
  let dispatcher: Dispatcher | undefined;
  const guarded = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    dispatcher ??= guardedDispatcher(rules, resolve ?? systemResolver);
    return fetch(input, { ...init, dispatcher });
  }) as typeof fetch;
  if (resolve === undefined) guardedFetches.set(key, guarded);
  return guarded;
}
