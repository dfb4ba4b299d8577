/**
 * The one error the Docker adapter throws for a daemon that refused or could
 * not be reached. dockerode (through docker-modem) rejects with a plain Error
 * carrying `statusCode`, `reason` and `json` (the parsed body, or a Buffer when
 * it was not JSON, or null for streamed answers) when the daemon answered, and
 * with Node's own network error (`code: 'ECONNREFUSED'`, no `statusCode`) when
 * it did not; this module turns both into a DockerError.
 */

/** Docker answered with an error, or could not be reached. */
export class DockerError extends Error {
  constructor(
    message: string,
    /** The daemon's HTTP status; undefined when there was no answer. */
    readonly status: number | undefined,
    /** 5xx answers and network failures; 4xx answers are final. */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'DockerError';
  }
}

interface ModemError {
  statusCode?: unknown;
  json?: unknown;
  message?: unknown;
  code?: unknown;
}

/** The HTTP status dockerode saw, if the daemon answered at all. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as ModemError | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Docker's own `{"message": ...}` text, without docker-modem's "(HTTP code 409) unexpected - " wrapping. */
export function daemonMessage(error: unknown): string {
  const { json, message } = (error ?? {}) as ModemError;
  if (typeof json === 'object' && json !== null && !Buffer.isBuffer(json)) {
    const text = (json as { message?: unknown }).message;
    if (typeof text === 'string' && text !== '') return text;
  }
  if (Buffer.isBuffer(json) && json.length > 0) return json.toString('utf8').trim();
  const raw = typeof message === 'string' ? message : String(error);
  return raw.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

/** The DockerError for a failed dockerode call; `what` says what was being done ("create container whoosh-t1-dev"). */
export function toDockerError(what: string, error: unknown): DockerError {
  if (error instanceof DockerError) return error;
  const status = statusOf(error);
  if (status === undefined) {
    const code = (error as ModemError | null)?.code;
    const detail = daemonMessage(error);
    return new DockerError(`Docker ${what}: ${typeof code === 'string' && !detail.includes(code) ? `${code} ` : ''}${detail}`, undefined, true);
  }
  return new DockerError(`Docker ${what}: HTTP ${status} ${daemonMessage(error)}`, status, status >= 500);
}
