/**
 * 1. Connect: N secrets over I items in V vaults, with latency added to every request.
 * Ours: the built action through the harness. Baseline: the algorithm as 1Password
 * describes it, three sequential requests per secret, against the same server.
 */
import http from 'node:http';
import { type FakeConnect, startFakeConnect, TLS } from '../../test/fakes/connect-server.ts';
import { CONNECT_TOKEN } from '../../test/fixtures/vault-data.ts';
import { Job } from '../../test/harness/index.ts';
import { type BenchSecret, secretsInput, syntheticData } from '../data.ts';
import {
  checkOutputs,
  compared,
  median,
  ms,
  now,
  type Row,
  runStep,
  type ScenarioResult,
} from '../lib.ts';

export interface ConnectShape {
  readonly secrets: number;
  readonly items: number;
  readonly vaults: number;
  readonly latencyMs: number;
  /** Measured runs of the step (after one warm-up run). */
  readonly runs: number;
}

/** What the server saw during one run. */
export interface ServerRun {
  readonly requests: number;
  readonly maxConcurrency: number;
  readonly connections: number;
  /** First request's start to last request's end. */
  readonly resolutionMs: number;
}

export function serverRun(server: FakeConnect): ServerRun {
  const started = Math.min(...server.requests.map((request) => request.startedAt));
  const ended = Math.max(...server.requests.map((request) => request.endedAt));
  return {
    requests: server.requests.length,
    maxConcurrency: server.maxConcurrency,
    connections: server.connections,
    resolutionMs: server.requests.length === 0 ? 0 : ended - started,
  };
}

/** A plain Connect client: for each secret, vault by name, item by title, then the item. */
async function baselineClient(server: FakeConnect, secrets: readonly BenchSecret[]): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (path: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const request = http.get(
        `${server.url}${path}`,
        {
          agent,
          headers: { authorization: `Bearer ${CONNECT_TOKEN}`, accept: 'application/json' },
          signal: AbortSignal.timeout(10_000),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            if (response.statusCode !== 200) {
              reject(new Error(`baseline: GET ${path}: HTTP ${String(response.statusCode)}`));
              return;
            }
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
    });
  const filter = (attribute: string, value: string): string =>
    `?filter=${encodeURIComponent(`${attribute} eq ${JSON.stringify(value)}`)}`;
  try {
    for (const secret of secrets) {
      const [vaultName = '', itemTitle = '', label = ''] = secret.ref.slice(5).split('/');
      const vaults = (await get(`/v1/vaults${filter('name', vaultName)}`)) as { id: string }[];
      const vaultId = vaults[0]?.id ?? '';
      const items = (await get(`/v1/vaults/${vaultId}/items${filter('title', itemTitle)}`)) as {
        id: string;
      }[];
      const item = (await get(`/v1/vaults/${vaultId}/items/${items[0]?.id ?? ''}`)) as {
        fields: { label?: string; value?: string }[];
      };
      const value = item.fields.find((field) => field.label === label)?.value;
      if (value !== secret.value) throw new Error(`baseline: wrong value for ${secret.name}`);
    }
  } finally {
    agent.destroy();
  }
}

/** Runs the step after one warm-up run: each run's wall time and what the server saw. */
async function measureRuns(
  server: FakeConnect,
  job: Job,
  inputs: Record<string, string>,
  secrets: readonly BenchSecret[],
  count: number,
): Promise<{ walls: number[]; runs: ServerRun[] }> {
  const walls: number[] = [];
  const runs: ServerRun[] = [];
  for (let run = -1; run < count; run++) {
    server.reset();
    const started = now();
    const result = await runStep(job, { inputs });
    const wall = now() - started;
    checkOutputs(result, secrets);
    if (run < 0) continue; // warm-up
    walls.push(wall);
    runs.push(serverRun(server));
  }
  return { walls, runs };
}

export async function connectScenario(shape: ConnectShape): Promise<ScenarioResult> {
  const data = syntheticData({ prefix: 'connect', ...shape });
  const server = await startFakeConnect({
    vaults: data.vaults,
    token: CONNECT_TOKEN,
    latencyMs: shape.latencyMs,
  });
  const job = new Job({ env: { OP_CONNECT_HOST: server.url, OP_CONNECT_TOKEN: CONNECT_TOKEN } });
  try {
    const inputs = { secrets: secretsInput(data.secrets) };
    const { walls, runs } = await measureRuns(server, job, inputs, data.secrets, shape.runs);

    // The same over HTTPS, trusting the test CA through connect-ca (with the system store).
    const secure = await startFakeConnect({
      vaults: data.vaults,
      token: CONNECT_TOKEN,
      latencyMs: shape.latencyMs,
      tls: true,
    });
    const secureJob = new Job({
      env: { OP_CONNECT_HOST: secure.url, OP_CONNECT_TOKEN: CONNECT_TOKEN },
    });
    let secureWalls: number[];
    let secureRuns: ServerRun[];
    try {
      ({ walls: secureWalls, runs: secureRuns } = await measureRuns(
        secure,
        secureJob,
        { ...inputs, 'connect-ca': TLS.ca },
        data.secrets,
        shape.runs,
      ));
    } finally {
      await secureJob.cleanup();
      await secure.close();
    }

    server.reset();
    const baseStarted = now();
    await baselineClient(server, data.secrets);
    const baseWall = now() - baseStarted;
    const baseRequests = server.requests.length;
    const baseConcurrency = server.maxConcurrency;

    const requests = Math.max(...runs.map((run) => run.requests));
    const resolution = median(runs.map((run) => run.resolutionMs));
    const wall = median(walls);
    const roundTrips = resolution / shape.latencyMs;
    const maxRequests = 1 + shape.vaults + shape.items;
    const label = `1. Connect, ${shape.secrets} secrets / ${shape.items} items / ${shape.vaults} vaults, +${shape.latencyMs} ms per request`;
    const rows: Row[] = [
      {
        scenario: `${label}: requests`,
        ours: String(requests),
        baseline: String(baseRequests),
        ratio: compared(baseRequests, requests, 'fewer', 'more'),
        target: `≤ 1 + ${shape.vaults} + ${shape.items} = ${maxRequests}`,
        // At least one request per item (overviews carry no fields): a log that lost requests
        // cannot pass.
        met: requests >= shape.items && requests <= maxRequests,
      },
      {
        scenario: `${label}: resolution time (server log)`,
        ours: `${ms(resolution)} = ${roundTrips.toFixed(2)} round-trips`,
        baseline: ms(baseWall),
        ratio: compared(baseWall, resolution, 'faster', 'slower'),
        target: `≤ 5 round-trips (${ms(5 * shape.latencyMs)})`,
        // Vault list, item list, item: three answers in a row, each delayed by the latency, so
        // fewer than three round-trips means the latency was not applied.
        met: roundTrips >= 3 && roundTrips <= 5,
      },
      {
        scenario: `${label}: wall time of the step (whole process)`,
        ours: ms(wall),
        baseline: ms(baseWall),
        ratio: compared(baseWall, wall, 'faster', 'slower'),
        target: '—',
        met: undefined,
      },
      {
        scenario: `${label}: wall time of the step over HTTPS (connect-ca)`,
        ours: ms(median(secureWalls)),
        baseline: `${ms(wall)} (over HTTP)`,
        ratio: compared(wall, median(secureWalls), 'faster', 'slower'),
        target: '—',
        met: undefined,
      },
      {
        scenario: `${label}: max concurrency`,
        ours: String(Math.max(...runs.map((run) => run.maxConcurrency))),
        baseline: String(baseConcurrency),
        ratio: '—',
        target: '—',
        met: undefined,
      },
    ];
    const details = [
      `- Step wall times (ms, ${shape.runs} runs after a warm-up): ${walls.map((value) => value.toFixed(0)).join(', ')}.`,
      `- Per run: requests ${runs.map((run) => run.requests).join(', ')}; resolution ${runs
        .map((run) => run.resolutionMs.toFixed(0))
        .join(', ')} ms; max concurrency ${runs
        .map((run) => run.maxConcurrency)
        .join(', ')}; TCP connections ${runs.map((run) => run.connections).join(', ')}.`,
      `- Over HTTPS: wall ${secureWalls.map((value) => value.toFixed(0)).join(', ')} ms; TLS connections ${secureRuns.map((run) => run.connections).join(', ')}; requests ${secureRuns.map((run) => run.requests).join(', ')}. One TLS context serves every connection (building it parses Node's roots, the system store and connect-ca).`,
      `- Baseline: ${baseRequests} sequential GETs (vault by name, item by title, item) on one keep-alive connection, ${ms(baseWall)}.`,
    ];
    return { rows, details };
  } finally {
    await job.cleanup();
    await server.close();
  }
}
