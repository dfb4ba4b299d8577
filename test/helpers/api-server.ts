import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp } from '../../api/app';
import type { ApiContext } from '../../api/context';

export interface RunningApi {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the real express app on a free port. */
export async function serveApi(ctx: ApiContext): Promise<RunningApi> {
  const app = createApp(ctx);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Response bodies in tests are checked field by field, so `any` is the honest type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const readJson = (res: Response): Promise<any> => res.json();
