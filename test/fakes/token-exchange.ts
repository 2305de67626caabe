/**
 * 1Password's token exchange (workload identity), stood in for on 127.0.0.1 over HTTPS with the
 * test TLS material (test/fixtures/tls: server.pem, signed by ca.pem). An integration key built
 * by test/fixtures/integration-key.ts for `127.0.0.1:<port>` makes the REAL @1password/sdk POST
 * the job's OIDC token here (`EXCHANGE_TOKEN_PATH`, JSON `{workload, subject_token}`).
 *
 * It answers every request with the one status and body it was started with (by default 401,
 * what 1Password answers a token it does not accept) and records each request. What the real
 * exchange answers to a good token is not reproduced.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { TLS } from './connect-server.ts';

/** One request the token-exchange stand-in received. */
export interface Exchange {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface ExchangeStandIn {
  port: number;
  /** `127.0.0.1:<port>`: the integration key's host, and the OIDC audience the SDK names. */
  host: string;
  /** Every request, in arrival order. */
  requests: Exchange[];
  close(): Promise<void>;
}

/** A refused exchange: what 1Password answers a token it does not accept. */
const REFUSED = {
  status: 401,
  body: JSON.stringify({ code: 'unauthenticated', message: 'fixture: token not accepted' }),
} as const;

export async function startExchangeStandIn(
  status: number = REFUSED.status,
  body: string = REFUSED.body,
): Promise<ExchangeStandIn> {
  const requests: Exchange[] = [];
  const server = https.createServer(
    { cert: readFileSync(TLS.server), key: readFileSync(TLS.serverKey) },
    (req, res) => {
      let received = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (received += chunk));
      req.on('end', () => {
        requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: received,
        });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body);
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    host: `127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
