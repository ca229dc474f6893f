import type { Runtime } from './create-runtime.ts';

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Stops listening and closes the runtime. Idempotent. */
  close(): Promise<void>;
}

/**
 * Listens on the configured host and port. The app itself never listens: this is the one place.
 *
 * @example
 * ```ts
 * const server = await startServer(runtime);
 * console.log(`API on ${server.url}/v1`);
 * await server.close();
 * ```
 */
export async function startServer(runtime: Runtime): Promise<RunningServer> {
  const { app, config } = runtime;
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return { url: `http://${shownHost}:${port}`, close: () => runtime.close() };
}
