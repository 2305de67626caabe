/**
 * The benchmark (`npm run bench`, or `npm run bench -- --smoke`): the built dist/ through
 * the project's end-to-end harness against the project's fakes, each figure beside a
 * baseline measured in the same run. Prints one Markdown table, then the details.
 *
 * Targets are reported, never asserted: the exit code is 0 unless something crashed (a
 * step that fails, a wrong value, a timeout), which exits 1. `--smoke` runs every scenario
 * at a small size in a few seconds, so that CI keeps the bench from rotting.
 * `BENCH_1PASSWORD_ACTION=<dir>` (a local copy of 1Password/load-secrets-action, e.g. a git
 * clone) measures scenario 2 against that action instead of a model. Scenario names
 * (`npm run bench -- cold-start`) run only those; `BENCH_INSTRUCTIONS=1` also counts the cold
 * start's instructions with valgrind's callgrind.
 */
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeHooks } from './hooks.ts';
import { markdownTable, type Row, type ScenarioResult } from './lib.ts';
import { cliScenario } from './scenarios/cli.ts';
import { coldStartScenario } from './scenarios/cold-start.ts';
import { connectScenario } from './scenarios/connect.ts';
import { scaleScenario } from './scenarios/scale.ts';
import { sdkScenario } from './scenarios/sdk.ts';

const SCENARIO_NAMES = ['connect', 'cli', 'cold-start', 'scale', 'sdk'] as const;
type ScenarioName = (typeof SCENARIO_NAMES)[number];
const isScenarioName = (arg: string): arg is ScenarioName =>
  (SCENARIO_NAMES as readonly string[]).includes(arg);

const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== '--smoke' && !isScenarioName(arg));
if (unknown.length > 0) {
  process.stderr.write(
    `bench: unknown argument ${unknown.join(' ')} (--smoke, and scenario names: ${SCENARIO_NAMES.join(', ')})\n`,
  );
  process.exit(2);
}
const smoke = args.includes('--smoke');
// The scenarios named on the command line, else all of them.
const chosen = args.filter(isScenarioName);
const runs = (name: ScenarioName) => chosen.length === 0 || chosen.includes(name);
// Instruction counts under callgrind: slow, but the same whatever else the machine runs.
const countInstructions = process.env['BENCH_INSTRUCTIONS'] === '1';
// A local copy of 1Password/load-secrets-action to measure scenario 2 against (else a model).
const theirs = process.env['BENCH_1PASSWORD_ACTION'];

const SIZES = smoke
  ? {
      connect: { secrets: 10, items: 4, vaults: 2, latencyMs: 5, runs: 1 },
      cli: { secrets: 5, items: 2, vaults: 1, opDelayMs: 20, runs: 1 },
      coldStartRuns: 2,
      scale: { sizes: [20, 100] as const, runs: 1 },
      sdk: { secrets: 20, items: 5, vaults: 2 },
      limitMs: 120_000,
    }
  : {
      connect: { secrets: 100, items: 20, vaults: 4, latencyMs: 25, runs: 5 },
      cli: { secrets: 20, items: 5, vaults: 2, opDelayMs: 300, runs: 3 },
      coldStartRuns: 15,
      scale: { sizes: [100, 1000] as const, runs: 3 },
      sdk: { secrets: 100, items: 20, vaults: 4 },
      limitMs: 600_000,
    };

const write = (text: string): void => {
  process.stdout.write(`${text}\n`);
};
const progress = (text: string): void => {
  process.stderr.write(`bench: ${text}\n`);
};

// Everything is bounded: a bench that hangs is a crash.
const watchdog = setTimeout(() => {
  process.stderr.write(`bench: still running after ${SIZES.limitMs / 1000} s: giving up\n`);
  process.exit(1);
}, SIZES.limitMs);
watchdog.unref();

const hooks = writeHooks();
const started = performance.now();
try {
  const results: ScenarioResult[] = [];
  const scenarios = (
    [
      ['connect', '1. Connect', () => connectScenario(SIZES.connect)],
      [
        'cli',
        '2. Service account via CLI',
        () =>
          cliScenario({
            ...SIZES.cli,
            dir: hooks.dir,
            ...(theirs ? { theirs: path.resolve(theirs) } : {}),
          }),
      ],
      [
        'cold-start',
        '3. Cold start',
        () =>
          coldStartScenario({ runs: SIZES.coldStartRuns, hooks, instructions: countInstructions }),
      ],
      ['scale', '4. Scale', () => scaleScenario({ ...SIZES.scale, hooks })],
      ['sdk', '5. SDK batching', () => sdkScenario(SIZES.sdk)],
    ] as const satisfies readonly [ScenarioName, string, () => Promise<ScenarioResult>][]
  )
    .filter(([key]) => runs(key))
    .map(([, name, scenario]) => [name, scenario] as const);
  for (const [name, scenario] of scenarios) {
    const at = performance.now();
    progress(`${name}...`);
    results.push(await scenario());
    progress(`${name}: ${((performance.now() - at) / 1000).toFixed(1)} s`);
  }

  const cpus = os.cpus();
  const rows: Row[] = results.flatMap((result) => result.rows);
  const met = rows.filter((row) => row.met === true).length;
  const targets = rows.filter((row) => row.met !== undefined).length;
  write(`# Benchmark${smoke ? ' (smoke: small sizes, targets not meaningful)' : ''}`);
  write('');
  write(
    `Machine: ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ` +
      `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()} (${os.arch()}); ` +
      `Node ${process.version}. Command: \`${countInstructions ? 'BENCH_INSTRUCTIONS=1 ' : ''}npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}\` ` +
      `(${((performance.now() - started) / 1000).toFixed(0)} s, ${new Date().toISOString().slice(0, 10)}).`,
  );
  write('');
  write(markdownTable(rows));
  write('');
  write(`Targets met: ${met} of ${targets}.`);
  results.forEach((result, index) => {
    write('');
    write(`## ${scenarios[index]?.[0] ?? ''}`);
    write('');
    for (const line of result.details) write(line);
  });
} catch (thrown) {
  process.stderr.write(
    `bench: crashed: ${thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown)}\n`,
  );
  process.exitCode = 1;
} finally {
  rmSync(hooks.dir, { recursive: true, force: true });
  clearTimeout(watchdog);
}
