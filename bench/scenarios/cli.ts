/**
 * 2. Service account through the op CLI, with a slow `op`. Ours: the built action through
 * the harness. Baseline: 1Password's own action (1Password/load-secrets-action) through the
 * same harness and fake op when `theirs` names a local copy of it; otherwise a model, one
 * `op read` per secret in sequence.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  fakeOpEnv,
  fakeOpPath,
  type OpInvocation,
  readOpLog,
  runFakeOp,
  writeOpData,
} from '../../test/fakes/op/index.ts';
import { SERVICE_ACCOUNT_TOKEN } from '../../test/fixtures/vault-data.ts';
import { Job, loadActionDefinition, type StepOptions } from '../../test/harness/index.ts';
import { type DataSet, secretsInput, syntheticData } from '../data.ts';
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
  /** A local copy of 1Password/load-secrets-action (its action.yml and dist/); absent: the model. */
  readonly theirs?: string;
}

interface Measured {
  /** Median wall time of the step. */
  readonly wall: number;
  readonly walls: number[];
  readonly invocations: number[];
  /** op commands of the first measured run, summarized. */
  readonly commands: string;
  /** Most op processes alive at once, over the runs. */
  readonly concurrency: number;
}

/** `op read <ref>` ×20 style summary of one run's log, in order of first start. */
function summarize(log: readonly OpInvocation[]): string {
  const counts = new Map<string, number>();
  for (const entry of [...log].sort((a, b) => a.startedAt - b.startedAt)) {
    const key = `op ${entry.argv.map((arg) => (arg.startsWith('op://') ? '<ref>' : arg)).join(' ')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .map(([command, count]) => `\`${command}\`${count > 1 ? ` ×${count}` : ''}`)
    .join(', ');
}

function maxConcurrency(log: readonly OpInvocation[]): number {
  const edges = log.flatMap((entry) => [
    { at: entry.startedAt, delta: 1 },
    { at: entry.endedAt ?? Number.POSITIVE_INFINITY, delta: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let alive = 0;
  let most = 0;
  for (const edge of edges) {
    alive += edge.delta;
    most = Math.max(most, alive);
  }
  return most;
}

/** One action's step: its job, and its options given the op log file of the run. */
interface Subject {
  readonly tag: string;
  readonly job: Job;
  readonly step: (logFile: string) => StepOptions;
}

/**
 * Runs each subject's step `runs` times after a warm-up, in turn (ours, theirs, ours, ...:
 * a load change hits both), each checked, timed and its op log read.
 */
async function measure<const T extends readonly Subject[]>(
  subjects: T,
  runs: number,
  dir: string,
  data: DataSet,
): Promise<{ [K in keyof T]: Measured }> {
  const samples = subjects.map((subject) => ({
    subject,
    walls: [] as number[],
    invocations: [] as number[],
    commands: '',
    concurrency: 0,
  }));
  try {
    for (let run = -1; run < runs; run++) {
      for (const sample of samples) {
        const logFile = join(dir, `cli-${sample.subject.tag}-${run + 1}.log`);
        const started = now();
        const result = await runStep(sample.subject.job, sample.subject.step(logFile));
        const wall = now() - started;
        checkOutputs(result, data.secrets);
        if (run < 0) continue; // warm-up
        sample.walls.push(wall);
        const log = readOpLog(logFile);
        sample.invocations.push(log.length);
        sample.concurrency = Math.max(sample.concurrency, maxConcurrency(log));
        if (sample.commands === '') sample.commands = summarize(log);
      }
    }
  } finally {
    for (const subject of subjects) await subject.job.cleanup();
  }
  return samples.map(({ walls, invocations, commands, concurrency }) => ({
    wall: median(walls),
    walls,
    invocations,
    commands,
    concurrency,
  })) as { [K in keyof T]: Measured };
}

/** Their action's entry, `runs.using` and version (package.json, if the copy has one). */
function theirAction(dir: string): {
  main: string;
  entry: string;
  using: string;
  version: string;
} {
  const action = loadActionDefinition(dir);
  const entry = resolve(dir, action.main);
  if (!existsSync(entry)) {
    throw new Error(`BENCH_1PASSWORD_ACTION: ${dir} has no ${action.main} (runs.main)`);
  }
  let version = 'version unknown';
  const manifest = join(dir, 'package.json');
  if (existsSync(manifest)) {
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown };
    if (typeof parsed.version === 'string') version = parsed.version;
  }
  return { main: action.main, entry, using: action.using, version };
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

  const action = shape.theirs === undefined ? undefined : theirAction(shape.theirs);
  const ourStep: Subject = {
    tag: 'ours',
    job: new Job(),
    step: (logFile) => ({
      inputs: {
        secrets: secretsInput(data.secrets),
        'auth-mode': 'service-account',
        'service-account-resolver': 'cli',
      },
      env: opEnv(logFile),
    }),
  };
  const label = `2. Service account via CLI, ${shape.secrets} secrets, op taking ${shape.opDelayMs} ms`;
  const oursDetails = (ours: Measured): string[] => [
    `- Ours: step wall times (ms, ${shape.runs} runs after a warm-up): ${ours.walls.map((value) => value.toFixed(0)).join(', ')}; invocations per run: ${ours.invocations.join(', ')}; at most ${ours.concurrency} op at once.`,
    `- Ours, op commands of one run: ${ours.commands} (each one a Node.js process of the fake, sleeping ${shape.opDelayMs} ms).`,
  ];

  if (shape.theirs !== undefined && action !== undefined) {
    // 1Password's action: refs as step env vars, outputs (export-env false, its default).
    const refs = Object.fromEntries(data.secrets.map((secret) => [secret.name, secret.ref]));
    const [ours, theirs] = await measure(
      [
        ourStep,
        {
          tag: 'theirs',
          job: new Job({ actionDir: shape.theirs }),
          step: (logFile) => ({ entry: action.entry, env: { ...opEnv(logFile), ...refs } }),
        },
      ],
      shape.runs,
      shape.dir,
      data,
    );
    const name = `1Password/load-secrets-action ${action.version}`;
    const used = Math.max(...ours.invocations);
    const their = Math.max(...theirs.invocations);
    const rows: Row[] = [
      {
        scenario: `${label}: op invocations`,
        ours: String(used),
        baseline: `${their} (${name})`,
        ratio: compared(their, used, 'fewer', 'more'),
        target: '≤ 2',
        met: used <= 2,
      },
      {
        scenario: `${label}: wall time of the step (whole process)`,
        ours: ms(ours.wall),
        baseline: `${ms(theirs.wall)} (${name})`,
        ratio: compared(theirs.wall, ours.wall, 'faster', 'slower'),
        target: '≥ 20× faster',
        met: theirs.wall / ours.wall >= 20,
      },
    ];
    const details = [
      ...oursDetails(ours),
      `- Baseline: ${name} measured in this run, not a model: its \`${action.main}\` (runs.using ${action.using}, sha256 ${sha256(action.entry)}) through the same harness, fake op and data, the refs as step \`env:\` variables, outputs checked value for value, timed the same way, its runs taking turns with ours.`,
      `- Theirs: step wall times (ms): ${theirs.walls.map((value) => value.toFixed(0)).join(', ')}; invocations per run: ${theirs.invocations.join(', ')}; at most ${theirs.concurrency} op at once.`,
      `- Theirs, op commands of one run: ${theirs.commands} (each one a Node.js process of the fake, sleeping ${shape.opDelayMs} ms).`,
    ];
    return { rows, details };
  }

  // Model: `op read` per secret, in sequence.
  const [ours] = await measure([ourStep], shape.runs, shape.dir, data);
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

  const used = Math.max(...ours.invocations);
  const rows: Row[] = [
    {
      scenario: `${label}: op invocations`,
      ours: String(used),
      baseline: `${baseInvocations} (model: \`op read\` per secret)`,
      ratio: compared(baseInvocations, used, 'fewer', 'more'),
      target: '≤ 2',
      met: used <= 2,
    },
    {
      scenario: `${label}: wall time of the step (whole process)`,
      ours: ms(ours.wall),
      baseline: `${ms(baseWall)} (model)`,
      ratio: compared(baseWall, ours.wall, 'faster', 'slower'),
      target: '≥ 8× faster than the model',
      met: baseWall / ours.wall >= 8,
    },
  ];
  const details = [
    ...oursDetails(ours),
    `- Baseline: a model, not 1Password's action: ${baseInvocations} × \`op read --no-newline <ref>\` in sequence, ${ms(baseWall)} (${ms(baseWall / Math.max(1, baseInvocations))} each). Set \`BENCH_1PASSWORD_ACTION\` to a local copy of 1Password/load-secrets-action to measure it instead.`,
  ];
  return { rows, details };
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12);
}
