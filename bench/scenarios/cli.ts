/**
 * 2. Service account through the op CLI, with a slow `op`. Ours: the built action through
 * the harness. Baseline: one `op read` per secret, in sequence, with the same fake op.
 */
import { join } from 'node:path';
import {
  fakeOpEnv,
  fakeOpPath,
  readOpLog,
  runFakeOp,
  writeOpData,
} from '../../test/fakes/op/index.ts';
import { SERVICE_ACCOUNT_TOKEN } from '../../test/fixtures/vault-data.ts';
import { Job } from '../../test/harness/index.ts';
import { secretsInput, syntheticData } from '../data.ts';
import {
  checkOutputs,
  compared,
  definedEnv,
  median,
  ms,
  now,
  type Row,
  runStep,
  type ScenarioResult,
} from '../lib.ts';

export interface CliShape {
  readonly secrets: number;
  readonly items: number;
  readonly vaults: number;
  readonly opDelayMs: number;
  /** Measured runs of the step (after one warm-up run). */
  readonly runs: number;
  /** Scratch directory. */
  readonly dir: string;
}

export async function cliScenario(shape: CliShape): Promise<ScenarioResult> {
  const data = syntheticData({ prefix: 'cli', ...shape });
  const dataFile = join(shape.dir, 'cli-vaults.json');
  writeOpData(dataFile, data.vaults);
  const opEnv = (logFile: string): Record<string, string> => ({
    PATH: fakeOpPath(),
    ...fakeOpEnv({ delayMs: shape.opDelayMs, dataFile, logFile }),
    OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN,
  });

  // Ours.
  const job = new Job();
  const walls: number[] = [];
  const invocations: number[] = [];
  const commands: string[] = [];
  try {
    for (let run = -1; run < shape.runs; run++) {
      const logFile = join(shape.dir, `cli-ours-${run + 1}.log`);
      const started = now();
      const result = await runStep(job, {
        inputs: {
          secrets: secretsInput(data.secrets),
          'auth-mode': 'service-account',
          'service-account-resolver': 'cli',
        },
        env: opEnv(logFile),
      });
      const wall = now() - started;
      checkOutputs(result, data.secrets);
      if (run < 0) continue; // warm-up
      walls.push(wall);
      const log = readOpLog(logFile);
      invocations.push(log.length);
      if (commands.length === 0) {
        commands.push(...log.map((entry) => `\`op ${entry.argv.join(' ')}\``));
      }
    }
  } finally {
    await job.cleanup();
  }

  // Baseline: `op read` per secret, in sequence.
  const baseLog = join(shape.dir, 'cli-baseline.log');
  const env = { ...definedEnv(process.env), ...opEnv(baseLog) };
  const baseStarted = now();
  for (const secret of data.secrets) {
    const run = await runFakeOp(['read', '--no-newline', secret.ref], { env, timeoutMs: 30_000 });
    if (run.code !== 0 || run.stdout.toString('utf8') !== secret.value) {
      throw new Error(`baseline: op read failed for ${secret.name}: ${run.stderr.trim()}`);
    }
  }
  const baseWall = now() - baseStarted;
  const baseInvocations = readOpLog(baseLog).length;

  const wall = median(walls);
  const used = Math.max(...invocations);
  const label = `2. Service account via CLI, ${shape.secrets} secrets, op taking ${shape.opDelayMs} ms`;
  const rows: Row[] = [
    {
      scenario: `${label}: op invocations`,
      ours: String(used),
      baseline: String(baseInvocations),
      ratio: compared(baseInvocations, used, 'fewer', 'more'),
      target: '≤ 2',
      met: used <= 2,
    },
    {
      scenario: `${label}: wall time of the step (whole process)`,
      ours: ms(wall),
      baseline: ms(baseWall),
      ratio: compared(baseWall, wall, 'faster', 'slower'),
      target: '≥ 8× faster',
      met: baseWall / wall >= 8,
    },
  ];
  const details = [
    `- Step wall times (ms, ${shape.runs} runs after a warm-up): ${walls.map((value) => value.toFixed(0)).join(', ')}; invocations per run: ${invocations.join(', ')}.`,
    `- op commands of one run: ${commands.join(', ')} (each one a Node.js process of the fake, sleeping ${shape.opDelayMs} ms).`,
    `- Baseline: ${baseInvocations} × \`op read --no-newline <ref>\` in sequence, ${ms(baseWall)} (${ms(baseWall / Math.max(1, baseInvocations))} each).`,
  ];
  return { rows, details };
}
