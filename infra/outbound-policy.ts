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
 */
import { lookup } from 'node:dns/promises';
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

export function createOutboundPolicy(entries: readonly string[], resolve: Resolver = systemResolver): OutboundPolicy {
  const rules = compileOutboundRules(entries);
  return {
    async refusal(url) {
      let host: string;
      try {
        host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
      } catch {
        return 'it is not a URL';
      }
      if (rules.hosts.has(host) || rules.domains.some((d) => host.endsWith(d))) return undefined;
      let addresses: string[];
      try {
        addresses = ipaddr.isValid(host) ? [host] : await resolve(host);
      } catch {
        return `its host ${host} does not resolve`;
      }
      for (const a of addresses) {
        const addr = ipaddr.parse(a);
        if (!addressAllowed(rules, addr)) {
          const guarded = guardedRange(addr);
          const what = guarded !== undefined ? `a ${guarded} address (${a})` : `an address (${a}) outside security.outbound_allow`;
          return `${host} is ${what}; allow it in security.outbound_allow (WHOOSH_OUTBOUND_ALLOW)`;
        }
      }
      return undefined;
    },
  };
}
