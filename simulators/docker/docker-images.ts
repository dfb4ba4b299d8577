/** The image routes: a pull streams progress lines (and can fail mid-stream under HTTP 200), an inspect knows only what was pulled. */
import { createHash } from 'node:crypto';
import { HttpError } from '../sim-http';
import type { Answer, EngineState } from './docker-state';

/** POST /images/create?fromImage=…&tag=… */
export function pullImage(engine: EngineState, q: URLSearchParams): Answer {
  const from = q.get('fromImage');
  if (!from) throw new HttpError(400, 'fromImage is required');
  const tag = q.get('tag') ?? '';
  const ref = normalizeImage(tag === '' ? from : tag.startsWith('sha256:') ? `${from}@${tag}` : `${from}:${tag}`);
  const shownTag = tag || 'latest';
  const layer = createHash('sha256').update(ref).digest('hex').slice(0, 12);
  const refused = engine.refusedPulls.get(ref);
  return {
    status: 200,
    stream: async (res) => {
      const line = (value: unknown): void => {
        if (!res.destroyed) res.write(`${JSON.stringify(value)}\r\n`);
      };
      line({ status: `Pulling from ${repositoryOf(ref)}`, id: shownTag });
      line({ status: 'Pulling fs layer', progressDetail: {}, id: layer });
      line({ status: 'Downloading', progressDetail: { current: 1024, total: 4096 }, progress: '[============>                                      ]  1.024kB/4.096kB', id: layer });
      await new Promise((resolve) => setImmediate(resolve));
      if (refused !== undefined) {
        line({ errorDetail: { message: refused }, error: refused });
        return;
      }
      line({ status: 'Download complete', progressDetail: {}, id: layer });
      line({ status: 'Pull complete', progressDetail: {}, id: layer });
      line({ status: `Digest: sha256:${createHash('sha256').update(`digest:${ref}`).digest('hex')}` });
      line({ status: `Status: Downloaded newer image for ${ref}` });
      engine.pulled.add(ref);
    },
  };
}

/** GET /images/{name}/json */
export function inspectImage(engine: EngineState, name: string): Answer {
  const ref = normalizeImage(name);
  if (!engine.pulled.has(ref)) throw new HttpError(404, `No such image: ${name}`);
  return {
    status: 200,
    body: { Id: imageId(ref), RepoTags: [ref], RepoDigests: [], Created: '2025-01-01T00:00:00Z', Size: 4096, Os: 'linux', Architecture: 'amd64', Config: {} },
  };
}

/** `alpine` → `alpine:latest`, `docker.io/library/alpine:3` → `alpine:3`; digests stay. */
export function normalizeImage(ref: string): string {
  const short = ref.replace(/^docker\.io\/(library\/)?/, '').replace(/^index\.docker\.io\/(library\/)?/, '');
  if (short.includes('@')) return short;
  const lastSegment = short.split('/').pop() ?? short;
  return lastSegment.includes(':') ? short : `${short}:latest`;
}

export function imageId(ref: string): string {
  return `sha256:${createHash('sha256').update(`image:${ref}`).digest('hex')}`;
}

function repositoryOf(ref: string): string {
  const name = ref.split('@')[0] ?? ref;
  const colon = name.lastIndexOf(':');
  const repo = colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
  return repo.includes('/') ? repo : `library/${repo}`;
}
