import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from '../application/ports/logger.js';

export interface RunningServer {
  readonly server: http.Server;
  readonly port: number;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes every connection. */
  close(graceMs: number): Promise<void>;
}

const CLIENT_ERRORS: Readonly<Record<string, readonly [number, string]>> = {
  HPE_HEADER_OVERFLOW: [431, 'the request headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'the request was not received in time'],
};

export async function listen(app: Express, port: number, host?: string): Promise<RunningServer> {
  const server = http.createServer(app);
  const inFlight = new Set<http.ServerResponse>();
  let closing = false;
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    // Once draining, each answer closes its connection, so a keep-alive client cannot hold shutdown open.
    if (closing) res.shouldKeepAlive = false;
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  // Behind a load balancer the idle timeout must outlive the balancer's, or it sees resets.
  server.keepAliveTimeout = 65_000;
  // A client gets 10 s to send its headers and 15 s for its whole request (a 16 KiB body at most).
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  // Requests Node cannot even parse still get the documented JSON error shape.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, message] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'the request is not valid HTTP/1.1'];
    const body = JSON.stringify({ statusCode: String(status), error: http.STATUS_CODES[status], message });
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  server.listen(port, host);
  await once(server, 'listening');
  return {
    server,
    port: (server.address() as AddressInfo).port,
    async close(graceMs: number) {
      closing = true;
      for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      timer.unref();
      await closed;
      clearTimeout(timer);
    },
  };
}

/** SIGTERM or SIGINT: mark the service as shutting down, drain, exit 0. A second signal forces the exit. */
export function handleShutdownSignals(options: {
  logger: Logger;
  beginShutdown: () => void;
  close: () => Promise<void>;
}): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      options.logger.warn('second signal: exiting now', { signal });
      process.exit(1);
    }
    stopping = true;
    options.beginShutdown();
    options.logger.info('shutting down: finishing in-flight requests', { signal });
    options
      .close()
      .then(() => {
        options.logger.info('stopped');
        process.exitCode = 0;
      })
      .catch((error: unknown) => {
        options.logger.error('shutdown failed', { error: error instanceof Error ? error.message : String(error) });
        process.exitCode = 1;
      })
      .finally(() => setImmediate(() => process.exit()));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
