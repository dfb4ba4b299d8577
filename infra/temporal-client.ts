/**
 * Connections to Temporal from the config: the embedded dev server, or an
 * external cluster / Temporal Cloud with TLS, mTLS or an API key.
 */
import { readFileSync } from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import { SEARCH_ATTRIBUTES, type WhooshSearchAttributeKey } from '../domain/search-attributes';
import type { WhooshConfig } from './config';

type TemporalSettings = WhooshConfig['temporal'];

function tlsOptions(t: TemporalSettings): ConnectionOptions['tls'] {
  const tls = t.tls;
  const wantTls = tls.enabled ?? (t.api_key !== undefined || tls.client_cert_path !== undefined || tls.server_ca_cert_path !== undefined);
  if (!wantTls) return undefined;
  return {
    serverNameOverride: tls.server_name,
    serverRootCACertificate: tls.server_ca_cert_path ? readFileSync(tls.server_ca_cert_path) : undefined,
    clientCertPair:
      tls.client_cert_path && tls.client_key_path
        ? { crt: readFileSync(tls.client_cert_path), key: readFileSync(tls.client_key_path) }
        : undefined,
  };
}

export function connectionOptions(t: TemporalSettings, address: string): ConnectionOptions & NativeConnectionOptions {
  return { address, tls: tlsOptions(t), apiKey: t.api_key };
}

/**
 * gRPC backs off up to two minutes between reconnects by default; after an
 * outage the API (and its webhook relay) should find Temporal within seconds.
 */
export const CLIENT_CHANNEL_ARGS = { 'grpc.initial_reconnect_backoff_ms': 500, 'grpc.max_reconnect_backoff_ms': 5000 };

export async function connectClient(t: TemporalSettings, address: string): Promise<Client> {
  const connection = await Connection.connect({ ...connectionOptions(t, address), channelArgs: CLIENT_CHANNEL_ARGS });
  return new Client({ connection, namespace: t.namespace });
}

export async function connectWorker(t: TemporalSettings, address: string): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(t, address));
}

/**
 * Registers WHOOSH's search attributes on a server that lacks them (an
 * external cluster; the dev server gets them as launch flags). Idempotent.
 */
export async function ensureSearchAttributes(
  client: Client,
  keys: readonly WhooshSearchAttributeKey[] = SEARCH_ATTRIBUTES,
): Promise<string[]> {
  const { customAttributes } = await client.connection.operatorService.listSearchAttributes({ namespace: client.options.namespace });
  const missing = keys.filter((k) => !(k.name in (customAttributes ?? {})));
  if (missing.length === 0) return [];
  await client.connection.operatorService.addSearchAttributes({
    namespace: client.options.namespace,
    searchAttributes: Object.fromEntries(missing.map((k) => [k.name, temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${k.type}` as const]])),
  });
  return missing.map((k) => k.name);
}
