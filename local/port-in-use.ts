/**
 * A local server whose port is taken: `npm start` says which port and which option picks
 * another, instead of dying on an unhandled EADDRINUSE error event.
 */
import { ShelfwatchError } from '../shared/errors/index.ts';

/** The local servers with a port of their own, and the `npm start` option that sets it. */
export const PORT_OPTIONS = { api: '--api-port', shop: '--shop-port' } as const;
export type LocalServer = keyof typeof PORT_OPTIONS;

const SERVER_NAMES: Record<LocalServer, string> = { api: 'the API and web page', shop: 'the demo shop' };

export class PortInUseError extends ShelfwatchError {
  readonly server: LocalServer;
  readonly port: number;

  constructor(server: LocalServer, port: number, options?: ErrorOptions) {
    super(
      'conflict',
      'PORT_IN_USE',
      `port ${port} (${SERVER_NAMES[server]}) is already in use on 127.0.0.1: stop what listens there, ` +
        `or pick another port with ${PORT_OPTIONS[server]} <port> (${PORT_OPTIONS[server]} 0: any free port)`,
      options,
    );
    this.server = server;
    this.port = port;
  }
}

/** Starts a server; an EADDRINUSE from it becomes a PortInUseError naming the server. */
export async function startOnPort<T>(server: LocalServer, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE') {
      throw new PortInUseError(server, port, { cause: error });
    }
    throw error;
  }
}
