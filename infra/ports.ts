import net from 'node:net';

/** Asks the OS for a port nobody listens on right now. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** True when something already accepts connections on host:port. */
export async function isPortInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EADDRINUSE' || err.code === 'EACCES'));
    server.listen(port, host, () => server.close(() => resolve(false)));
  });
}

export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly what: string,
    readonly setting: string,
  ) {
    super(`Port ${port} (${what}) is already in use: stop whatever listens there, or set ${setting} to another port.`);
    this.name = 'PortInUseError';
  }
}

export async function assertPortFree(port: number, what: string, setting: string, host = '127.0.0.1'): Promise<void> {
  if (await isPortInUse(port, host)) throw new PortInUseError(port, what, setting);
}
