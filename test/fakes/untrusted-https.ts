/**
 * A loopback HTTPS listener whose certificate no trusted CA signed (test/fixtures/tls:
 * untrusted-server.pem, signed by other-ca.pem, which nothing trusts), standing in for any
 * server the action must refuse: 1Password's sign-in, the token exchange, the ID-token endpoint.
 * It counts TCP connections, completed TLS handshakes and HTTP requests, and answers every
 * request 401 (a client that got that far had turned verification off).
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { serveOnLoopback } from './loopback.ts';
import { TLS } from './connect-server.ts';

export interface UntrustedServer {
  /** `https://127.0.0.1:PORT` */
  readonly url: string;
  /** `127.0.0.1:PORT` */
  readonly host: string;
  /** TCP connections accepted (one per attempt of a client). */
  readonly connections: number;
  /** TLS handshakes completed: 0 when every client refused the certificate. */
  readonly handshakes: number;
  /** HTTP requests received (method and path). */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startUntrustedServer(): Promise<UntrustedServer> {
  const seen = { connections: 0, handshakes: 0, requests: [] as string[] };
  const server = https.createServer(
    { cert: readFileSync(TLS.untrustedServer), key: readFileSync(TLS.untrustedServerKey) },
    (req, res) => {
      seen.requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
      req.resume();
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"message":"untrusted stand-in"}');
    },
  );
  server.on('connection', () => (seen.connections += 1));
  server.on('secureConnection', () => (seen.handshakes += 1));
  server.on('tlsClientError', () => {});
  const { port, close } = await serveOnLoopback(server);
  return {
    url: `https://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    get connections() {
      return seen.connections;
    },
    get handshakes() {
      return seen.handshakes;
    },
    requests: seen.requests,
    close,
  };
}
