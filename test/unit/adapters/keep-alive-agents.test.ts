import { expect } from 'chai';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { keepAliveAgents } from '../../../src/adapters/provider-http/keep-alive-agents.js';

describe('keep-alive agents for provider calls', () => {
  it("close an idle connection before the server's announced Keep-Alive timeout, and reuse a busy one", async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    server.keepAliveTimeout = 2000; // announced as `Keep-Alive: timeout=2`
    const connections: Array<{ openedAt: number; endedAt?: number }> = [];
    server.on('connection', (socket) => {
      const connection: { openedAt: number; endedAt?: number } = { openedAt: Date.now() };
      connections.push(connection);
      socket.on('end', () => (connection.endedAt = Date.now())); // the client's FIN
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const agent = keepAliveAgents().http;
    const get = () =>
      new Promise<void>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
      });
    try {
      await get();
      await get();
      expect(connections).to.have.length(1);
      await new Promise((resolve) => setTimeout(resolve, 1600));
      // The client hung up first (about 1 s after the last answer), well before the server's 2 s would close it.
      expect(connections[0]?.endedAt, 'the client closed its idle socket').to.be.a('number');
    } finally {
      agent.destroy();
      server.close();
    }
  });
});
