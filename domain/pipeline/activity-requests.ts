/**
 * Step.request and ResumeResult.result of the nodes run as activities: HTTP
 * Request, Crypto, whoosh.forge and whoosh.docker.
 */
import type { CredentialRef } from '../credentials';
import type { JsonObject, JsonValue } from './n8n-document';

// ---------------------------------------------------------------- HTTP Request

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export type HttpBody =
  | { readonly type: 'json'; readonly json: JsonValue }
  /** application/x-www-form-urlencoded, fields in order (repeated names allowed). */
  | { readonly type: 'form'; readonly fields: [string, string][] }
  /** multipart/form-data with text fields only. */
  | { readonly type: 'multipart'; readonly fields: [string, string][] }
  | { readonly type: 'raw'; readonly contentType: string; readonly text: string }
  | { readonly type: 'binary'; readonly contentType: string; readonly base64: string };

/** One request of an HTTP Request node, every expression resolved (one per input item). */
export interface HttpRequestSpec {
  readonly method: HttpMethod;
  readonly url: string;
  /** Query parameters in order (repeated names allowed). */
  readonly query: [string, string][];
  readonly headers: Record<string, string>;
  readonly body?: HttpBody;
  /** 'file': the activity returns the body base64-encoded; 'text'/'json'/'autodetect': as text unless the content type is binary. */
  readonly responseFormat: 'autodetect' | 'json' | 'text' | 'file';
  /** options.response.neverError: a status ≥ 400 is a normal answer, not a failure (so not retried either). */
  readonly neverError?: boolean;
  readonly timeoutMs: number;
  readonly followRedirects: boolean;
  readonly maxRedirects: number;
  readonly allowUnauthorizedCerts: boolean;
  readonly proxy?: string;
}

/** Step.request of an HTTP Request node. */
export interface HttpRequestActivity {
  readonly requests: HttpRequestSpec[];
  /** options.batching: at most batchSize requests, then a pause of intervalMs (batchSize -1: all at once). */
  readonly batching?: { readonly batchSize: number; readonly intervalMs: number };
  /** The credential whose headers each request gets, opened by the activity (never resolved here). */
  readonly credential?: CredentialRef;
}

/** What the activity returns for one request, in the order of HttpRequestActivity.requests. */
export type HttpResponseResult =
  | {
      readonly ok: true;
      readonly statusCode: number;
      readonly statusMessage: string;
      readonly headers: Record<string, string>;
      readonly body: { readonly encoding: 'text'; readonly text: string } | { readonly encoding: 'base64'; readonly base64: string };
      readonly contentType?: string;
    }
  /** The request could not be made (connection refused, timeout, DNS...): n8n fails that item with this message. */
  | { readonly ok: false; readonly message: string; readonly code?: string };

/** ResumeResult.result of an HTTP Request node. */
export interface HttpActivityResult {
  readonly responses: HttpResponseResult[];
}

// ---------------------------------------------------------------- Crypto

/**
 * Step.request of a Crypto node (nodeType n8n-nodes-base.crypto): hashes and
 * HMACs need node:crypto, which the pure core may not import, and "generate"
 * is random; so the node is an activity without side effects. One entry per item.
 */
export interface CryptoActivity {
  readonly operations: (
    | { readonly action: 'hash'; readonly algorithm: CryptoAlgorithm; readonly value: string; readonly encoding: 'hex' | 'base64' }
    | { readonly action: 'hmac'; readonly algorithm: CryptoAlgorithm; readonly value: string; readonly secret: string; readonly encoding: 'hex' | 'base64' }
    /** uuid: a v4 UUID; hex/base64/ascii: that many random characters in that encoding. */
    | { readonly action: 'generate'; readonly encoding: 'uuid' | 'hex' | 'base64' | 'ascii'; readonly length: number }
  )[];
}

export type CryptoAlgorithm = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512' | 'sha3-256' | 'sha3-384' | 'sha3-512';

/** ResumeResult.result of a Crypto node: one string per operation, in order. */
export interface CryptoActivityResult {
  readonly values: string[];
}

// ---------------------------------------------------------------- whoosh.forge

export type ForgeNodeOperation =
  | { readonly op: 'getIssue' | 'closeIssue'; readonly number: number }
  | { readonly op: 'createIssue'; readonly title: string; readonly body: string; readonly labels: string[]; readonly marker: string }
  | { readonly op: 'editIssue'; readonly number: number; readonly title?: string; readonly body?: string; readonly state?: 'open' | 'closed' }
  | { readonly op: 'comment'; readonly number: number; readonly body: string; readonly marker: string }
  | { readonly op: 'addLabels' | 'removeLabels'; readonly number: number; readonly labels: string[] }
  | { readonly op: 'getPullRequestDiff'; readonly number: number }
  | { readonly op: 'reviewPullRequest'; readonly number: number; readonly body: string; readonly event: 'approve' | 'requestChanges' | 'comment' };

/** Step.request of a whoosh.forge node: one operation per item. */
export interface ForgeNodeActivity {
  readonly repository: { readonly owner: string; readonly name: string };
  readonly operations: ForgeNodeOperation[];
  /** A forgeToken credential to act with instead of the repository's token (opened by the activity). */
  readonly credential?: CredentialRef;
}

export interface ForgeNodeResult {
  readonly results: ({ readonly ok: true; readonly json: JsonObject } | { readonly ok: false; readonly message: string })[];
}

// ---------------------------------------------------------------- whoosh.docker

/** One container run of a whoosh.docker node (one per item); `key` labels it, so a retry finds it. */
export interface DockerNodeJob {
  readonly key: string;
  readonly executionId: string;
  readonly image: string;
  readonly command?: string[];
  readonly env: Record<string, string>;
  readonly labels: Record<string, string>;
  readonly limits: { readonly nanoCpus?: number; readonly memoryBytes?: number; readonly pids?: number };
}

export interface DockerNodeActivity {
  readonly jobs: DockerNodeJob[];
}

export interface DockerNodeResult {
  readonly results: { readonly containerId: string; readonly exitCode: number; readonly stdout: string; readonly stderr: string; readonly reused: boolean }[];
}
