/**
 * 4. Scale: the step over Connect (no latency) for a small and a large set of secrets,
 * five secrets per item; wall time and the child's peak RSS, which must grow no more than
 * linearly.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeConnect } from '../../test/fakes/connect-server.ts';
import { CONNECT_TOKEN } from '../../test/fixtures/vault-data.ts';
import { Job } from '../../test/harness/index.ts';
import { secretsInput, syntheticData } from '../data.ts';
import type { Hooks } from '../hooks.ts';
import {
  checkOutputs,
  median,
  mib,
  ms,
  now,
  type Row,
  runStep,
  type ScenarioResult,
  times,
} from '../lib.ts';
import { type ServerRun, serverRun } from './connect.ts';

export interface ScaleShape {
  /** [small, large] numbers of secrets; items = secrets / 5, over 4 vaults. */
  readonly sizes: readonly [number, number];
  /** Measured runs per size (after one warm-up run). */
  readonly runs: number;
  readonly hooks: Hooks;
}

interface SizeResult {
  readonly secrets: number;
  readonly items: number;
  readonly wallMs: number;
  readonly rssKib: number;
  readonly server: ServerRun;
  readonly walls: number[];
  readonly rss: number[];
}

async function measure(secrets: number, shape: ScaleShape): Promise<SizeResult> {
  const items = Math.max(1, Math.round(secrets / 5));
  const data = syntheticData({ prefix: `scale${secrets}`, vaults: 4, items, secrets });
  const server = await startFakeConnect({ vaults: data.vaults, token: CONNECT_TOKEN });
  const job = new Job({ env: { OP_CONNECT_HOST: server.url, OP_CONNECT_TOKEN: CONNECT_TOKEN } });
  const rssFile = join(shape.hooks.dir, `rss-${secrets}.txt`);
  try {
    const inputs = { secrets: secretsInput(data.secrets) };
    // NODE_OPTIONS reaches the step's process as it would on a runner; only the peak
    // RSS reporter is preloaded (plain JavaScript, nothing else).
    const env = { NODE_OPTIONS: `--import=${shape.hooks.reportRss}`, BENCH_RSS_FILE: rssFile };
    const walls: number[] = [];
    const rss: number[] = [];
    const servers: ServerRun[] = [];
    for (let run = -1; run < shape.runs; run++) {
      server.reset();
      rmSync(rssFile, { force: true });
      const started = now();
      const result = await runStep(job, { inputs, env });
      const wall = now() - started;
      checkOutputs(result, data.secrets);
      if (run < 0) continue; // warm-up
      walls.push(wall);
      rss.push(Number(readFileSync(rssFile, 'utf8')));
      servers.push(serverRun(server));
    }
    const last = servers.at(-1);
    if (last === undefined) throw new Error('scale: no measured run');
    return {
      secrets,
      items,
      wallMs: median(walls),
      rssKib: median(rss),
      server: last,
      walls,
      rss,
    };
  } finally {
    await job.cleanup();
    await server.close();
  }
}

export async function scaleScenario(shape: ScaleShape): Promise<ScenarioResult> {
  const small = await measure(shape.sizes[0], shape);
  const large = await measure(shape.sizes[1], shape);
  const factor = large.secrets / small.secrets;
  const timeGrowth = large.wallMs / small.wallMs;
  const rssGrowth = large.rssKib / small.rssKib;
  const label = `4. Scale, ${small.secrets} → ${large.secrets} secrets (${small.items} → ${large.items} items), no latency`;
  const rows: Row[] = [
    {
      scenario: `${label}: wall time of the step`,
      ours: `${ms(large.wallMs)} (${large.secrets})`,
      baseline: `${ms(small.wallMs)} (${small.secrets})`,
      ratio: times(timeGrowth),
      target: `≤ ${times(factor)} (linear)`,
      met: timeGrowth <= factor,
    },
    {
      scenario: `${label}: peak RSS of the step's process`,
      ours: `${mib(large.rssKib)} (${large.secrets})`,
      baseline: `${mib(small.rssKib)} (${small.secrets})`,
      ratio: times(rssGrowth),
      target: `≤ ${times(factor)} (linear)`,
      met: rssGrowth <= factor,
    },
  ];
  const perSecret = (a: number, b: number): number =>
    (b - a) / Math.max(1, large.secrets - small.secrets);
  const details = [
    ...[small, large].map(
      (size) =>
        `- ${size.secrets} secrets over ${size.items} items in 4 vaults: wall ${size.walls
          .map((value) => value.toFixed(0))
          .join(
            ', ',
          )} ms; peak RSS ${size.rss.map((value) => mib(value)).join(', ')}; ${size.server.requests} requests (1 + 4 + ${size.items}), resolution ${ms(size.server.resolutionMs)}, max concurrency ${size.server.maxConcurrency}.`,
    ),
    `- Marginal cost per secret between the two sizes: ${perSecret(small.wallMs, large.wallMs).toFixed(2)} ms of wall time, ${perSecret(small.rssKib, large.rssKib).toFixed(1)} KiB of peak RSS (the fixed cost is the process itself).`,
  ];
  return { rows, details };
}
