/**
 * Runs the fake Connect server on its own, for workflows (`uses: ./` against it) and manual
 * tries: `npm run fake-connect -- [--port 8080] [--host 127.0.0.1] [--tls]`.
 * The token it accepts is FAKE_CONNECT_TOKEN, else the fixtures' CONNECT_TOKEN.
 */
import { parseArgs } from 'node:util';
import { CONNECT_TOKEN, VAULTS } from '../fixtures/vault-data.ts';
import { startFakeConnect } from './connect-server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    tls: { type: 'boolean', default: false },
  },
});
const server = await startFakeConnect({
  vaults: VAULTS,
  token: process.env['FAKE_CONNECT_TOKEN'] || CONNECT_TOKEN,
  host: values.host,
  port: Number(values.port),
  tls: values.tls,
});
console.log(`fake Connect server listening on ${server.url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void server.close().then(() => process.exit(0)));
}
