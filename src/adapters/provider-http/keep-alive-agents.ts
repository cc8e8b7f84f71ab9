import http from 'node:http';
import https from 'node:https';

// An idle socket is closed after this long, or 1 s before the server's announced Keep-Alive timeout when it
// sends one (Node reads the hint, but only to shorten a timeout the agent already has).
const IDLE_SOCKET_TIMEOUT_MS = 30_000;

/**
 * Keep-alive agents for calls to a provider: connections are reused (no handshake per message), the most recent
 * first, and closed by us before the server closes them, so no message goes out on a socket that is shutting
 * down (that reset would leave its outcome unknown).
 */
export function keepAliveAgents(): { readonly http: http.Agent; readonly https: https.Agent } {
  const options = { keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo' as const, timeout: IDLE_SOCKET_TIMEOUT_MS };
  return { http: new http.Agent(options), https: new https.Agent(options) };
}
