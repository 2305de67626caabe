/**
 * 3. Cold start: the whole process of the main step for one secret over Connect (no
 * latency) against the toolkit's floor (a minimal `@actions/core` action bundled the same way),
 * the same job done minimally with the same libraries, and `node -e ""` on the same Node; which
 * files each mode loads (the SDK and its WebAssembly in the SDK mode only, action.yml never);
 * bundle sizes.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE_OPTIONS } from '../../scripts/bundle-options.ts';
import { startFakeConnect } from '../../test/fakes/connect-server.ts';
import { fakeOpEnv, fakeOpPath, writeOpData } from '../../test/fakes/op/index.ts';
import { makeServiceAccountToken, startSignInServer } from '../../test/fakes/sdk/signin-server.ts';
import { CONNECT_TOKEN, SERVICE_ACCOUNT_TOKEN } from '../../test/fixtures/vault-data.ts';
import { Job, type StepOptions } from '../../test/harness/index.ts';
import { secretsInput, syntheticData } from '../data.ts';
import type { Hooks, LoadTrace } from '../hooks.ts';
import {
  checkOutputs,
  DIST,
  kib,
  MAIN_ENTRY,
  median,
  ms,
  POST_ENTRY,
  ROOT,
  type Row,
  runStep,
  type ScenarioResult,
  spawnTimed,
  type Spawned,
  times,
} from '../lib.ts';

export interface ColdStartShape {
  /** Measured runs of each command (after one warm-up run of each), interleaved. */
  readonly runs: number;
  readonly hooks: Hooks;
  /** Also count the instructions of one run of each under callgrind (slow, but load-proof). */
  readonly instructions: boolean;
}

/** Start-up over the floor's that is the target. */
const FLOOR_TARGET = 1.3;

/** Bundles `bench/<name>.ts` alone with the build's own options; returns its entry. */
async function buildBaseline(dir: string, name: string): Promise<string> {
  const outdir = join(dir, name);
  rmSync(outdir, { recursive: true, force: true });
  await build({
    ...BUNDLE_OPTIONS,
    absWorkingDir: ROOT,
    entryPoints: { index: `bench/${name}.ts` },
    outdir,
  });
  return join(outdir, 'index.js');
}

/**
 * Instructions one run of `args` executes (every thread), counted by callgrind. Asynchronous:
 * the fake Connect server answering the step runs in this process.
 */
async function instructions(
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
): Promise<number> {
  const run = await spawnTimed(
    'valgrind',
    ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, ...args],
    { env, cwd, timeoutMs: 300_000 },
  );
  const count = /Collected : (\d+)/.exec(run.stderr)?.[1];
  if (run.code !== 0 || count === undefined) {
    throw new Error(`callgrind of ${args.join(' ')} failed: ${run.stderr.slice(-500)}`);
  }
  return Number(count);
}

/** A file of dist/ that belongs to the SDK: its chunks and its WebAssembly core. */
const SDK_FILE = /(^|\/)(sdk-[A-Za-z0-9]+\.js|core_bg\.wasm)$/;

/** Every file under dist/, relative, with its size. */
function distFiles(): Map<string, number> {
  const files = new Map<string, number>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(DIST, path).split(sep).join('/'), statSync(path).size);
    }
  };
  walk(DIST);
  return files;
}

interface ModeTrace {
  readonly mode: string;
  readonly exitCode: number | null;
  /** dist/ files loaded as modules or read, relative to dist/, in first-use order. */
  readonly distFiles: string[];
  /** Anything else outside Node's builtins that was loaded as a module. */
  readonly foreignModules: string[];
  /** Every path read or opened through node:fs. */
  readonly filesRead: string[];
}

const isActionYml = (path: string): boolean => /(^|[/\\])action\.ya?ml$/.test(path);

/** Runs an entry once under the trace hook with the environment the harness gave a step. */
async function traceRun(
  hooks: Hooks,
  mode: string,
  entry: string,
  env: Record<string, string>,
  cwd: string,
): Promise<ModeTrace> {
  const traceFile = join(hooks.dir, `trace-${mode.replace(/\W+/g, '-')}.json`);
  rmSync(traceFile, { force: true });
  const run = await spawnTimed(process.execPath, ['--import', hooks.traceLoads, entry], {
    env: { ...env, BENCH_TRACE_FILE: traceFile },
    cwd,
  });
  const trace = JSON.parse(readFileSync(traceFile, 'utf8')) as LoadTrace;
  const seen = new Set<string>();
  const foreign = new Set<string>();
  const hookUrl = pathToFileURL(hooks.traceLoads).href;
  for (const item of [...trace.modules, ...trace.files]) {
    const path = item.startsWith('file:') ? fileURLToPath(item) : item;
    if (path.startsWith(DIST)) seen.add(relative(DIST, path).split(sep).join('/'));
    else if (item.startsWith('file:') && item !== hookUrl) foreign.add(item);
  }
  return {
    mode,
    exitCode: run.code,
    distFiles: [...seen],
    foreignModules: [...foreign],
    filesRead: trace.files.map((file) => (file.startsWith('file:') ? fileURLToPath(file) : file)),
  };
}

/** The environment the harness gave the step, captured from one real run through it. */
async function stepEnvironment(
  job: Job,
  options: StepOptions,
  expectSuccess: boolean,
): Promise<Record<string, string>> {
  if (expectSuccess) return (await runStep(job, options)).processEnv;
  const result = await job.step({ postEntry: null, timeoutMs: 60_000, ...options });
  return result.processEnv;
}

export async function coldStartScenario(shape: ColdStartShape): Promise<ScenarioResult> {
  const { hooks } = shape;
  const data = syntheticData({ prefix: 'cold', vaults: 1, items: 1, secrets: 1 });
  const server = await startFakeConnect({ vaults: data.vaults, token: CONNECT_TOKEN });
  const signIn = await startSignInServer({ status: 401 });
  const job = new Job();
  try {
    const connectEnv = { OP_CONNECT_HOST: server.url, OP_CONNECT_TOKEN: CONNECT_TOKEN };
    const inputs = { secrets: secretsInput(data.secrets) };
    const stepEnv = await stepEnvironment(job, { inputs, env: connectEnv }, true);
    const cwd = job.workspace;

    // Timing: `node -e ""`, the floor, the minimal action and the step's process, interleaved,
    // same environment.
    const floorEntry = await buildBaseline(hooks.dir, 'floor-action');
    const minimalEntry = await buildBaseline(hooks.dir, 'minimal-action');
    const nodeRuns: number[] = [];
    const floorRuns: number[] = [];
    const minimalRuns: number[] = [];
    const stepRuns: number[] = [];
    const check = (run: Spawned, what: string): number => {
      if (run.code !== 0) {
        throw new Error(`${what} exited with ${String(run.code)}: ${run.stdout.slice(-500)}`);
      }
      return run.wallMs;
    };
    for (let run = -1; run < shape.runs; run++) {
      const bare = check(
        await spawnTimed(process.execPath, ['-e', ''], { env: stepEnv, cwd }),
        'node -e ""',
      );
      const floor = check(
        await spawnTimed(process.execPath, [floorEntry], { env: stepEnv, cwd }),
        'the floor action',
      );
      const minimal = check(
        await spawnTimed(process.execPath, [minimalEntry], { env: stepEnv, cwd }),
        'the minimal action',
      );
      const step = check(
        await spawnTimed(process.execPath, [MAIN_ENTRY], { env: stepEnv, cwd }),
        'the step',
      );
      if (run < 0) continue; // warm-up
      nodeRuns.push(bare);
      floorRuns.push(floor);
      minimalRuns.push(minimal);
      stepRuns.push(step);
    }
    const counted = shape.instructions
      ? {
          bare: await instructions(['-e', ''], stepEnv, cwd),
          floor: await instructions([floorEntry], stepEnv, cwd),
          minimal: await instructions([minimalEntry], stepEnv, cwd),
          step: await instructions([MAIN_ENTRY], stepEnv, cwd),
        }
      : undefined;
    // The same step through the harness (its own processing of the output included).
    const harnessRuns: number[] = [];
    for (let run = 0; run < Math.min(5, shape.runs); run++) {
      const started = performance.now();
      checkOutputs(await runStep(job, { inputs, env: connectEnv }), data.secrets);
      harnessRuns.push(performance.now() - started);
    }

    // Which files each mode loads.
    const opData = join(hooks.dir, 'cold-vaults.json');
    writeOpData(opData, data.vaults);
    const opEnv = { PATH: fakeOpPath(), ...fakeOpEnv({ dataFile: opData, signedIn: ['my-team'] }) };
    const saCliEnv = await stepEnvironment(
      job,
      {
        inputs: {
          ...inputs,
          'auth-mode': 'service-account',
          'service-account-resolver': 'cli',
        },
        env: { ...opEnv, OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN },
      },
      true,
    );
    const cliEnv = await stepEnvironment(
      job,
      { inputs: { ...inputs, 'auth-mode': 'cli', account: 'my-team' }, env: opEnv },
      true,
    );
    // The SDK mode, signing in to a loopback server that answers 401: the step fails, but
    // only after it loaded the SDK, which shows that the trace sees it when it happens.
    const sdkEnv = await stepEnvironment(
      job,
      {
        inputs: { ...inputs, 'auth-mode': 'service-account' },
        env: { OP_SERVICE_ACCOUNT_TOKEN: makeServiceAccountToken(signIn.url) },
      },
      false,
    );
    const traces = [
      await traceRun(hooks, 'connect', MAIN_ENTRY, stepEnv, cwd),
      await traceRun(hooks, 'service-account (cli)', MAIN_ENTRY, saCliEnv, cwd),
      await traceRun(hooks, 'cli (session)', MAIN_ENTRY, cliEnv, cwd),
      await traceRun(hooks, 'service-account (sdk), sign-in refused', MAIN_ENTRY, sdkEnv, cwd),
      await traceRun(hooks, 'post', POST_ENTRY, stepEnv, cwd),
    ];
    const sdkTrace = traces[3];
    const others = traces.filter((trace) => trace !== sdkTrace);
    const leaked = others.filter((trace) => trace.distFiles.some((file) => SDK_FILE.test(file)));
    const sdkSeen = sdkTrace?.distFiles.filter((file) => SDK_FILE.test(file)) ?? [];
    const sdkDetected = sdkSeen.some((file) => file.endsWith('.wasm'));
    const failedTraces = traces.filter((trace) => trace !== sdkTrace && trace.exitCode !== 0);
    if (failedTraces.length > 0) {
      throw new Error(`traced runs failed: ${failedTraces.map((trace) => trace.mode).join(', ')}`);
    }

    // Sizes.
    const sizes = distFiles();
    const size = (files: readonly string[]): number =>
      files.reduce((sum, file) => sum + (sizes.get(file) ?? 0), 0);
    const total = size([...sizes.keys()]);

    const bare = median(nodeRuns);
    const floor = median(floorRuns);
    const minimal = median(minimalRuns);
    const step = median(stepRuns);
    const connectTrace = traces[0];
    const readMetadata = traces.filter((trace) => trace.filesRead.some(isActionYml));
    const millions = (count: number) => `${(count / 1e6).toFixed(0)} M instructions`;
    const rows: Row[] = [
      {
        scenario: '3. Cold start, 1 secret over Connect, no latency: whole process, median',
        ours: ms(step),
        baseline: `${ms(bare)} (\`node -e ""\`)`,
        ratio: times(step / bare),
        target: '≤ 4×',
        met: step / bare <= 4,
      },
      {
        scenario: '3. Cold start against the toolkit floor: whole process, median',
        ours: ms(step),
        baseline: `${ms(floor)} (\`@actions/core\` getInput + setOutput, bundled alike)`,
        ratio: times(step / floor),
        target: `≤ ${FLOOR_TARGET}×`,
        met: step / floor <= FLOOR_TARGET,
      },
      {
        scenario:
          '3. The same job done minimally (bench/minimal-action.ts: yaml, undici, no checks) against the floor',
        ours: ms(minimal),
        baseline: ms(floor),
        ratio: times(minimal / floor),
        target: '— (the least the job costs)',
        met: undefined,
      },
      {
        scenario: '3. Cold start against that minimal action: whole process, median',
        ours: ms(step),
        baseline: ms(minimal),
        ratio: times(step / minimal),
        target: '—',
        met: undefined,
      },
      ...(counted
        ? [
            {
              scenario: '3. Cold start against the toolkit floor: instructions (callgrind, 1 run)',
              ours: millions(counted.step),
              baseline: millions(counted.floor),
              ratio: times(counted.step / counted.floor),
              target: `≤ ${FLOOR_TARGET}×`,
              met: counted.step / counted.floor <= FLOOR_TARGET,
            },
          ]
        : []),
      {
        scenario: '3. action.yml read at run time',
        ours:
          readMetadata.length === 0
            ? `never (${traces.map((trace) => trace.mode).join(', ')})`
            : `in ${readMetadata.map((trace) => trace.mode).join(', ')}`,
        baseline: '—',
        ratio: '—',
        target: 'never (its defaults are built in)',
        met: readMetadata.length === 0,
      },
      {
        scenario: '3. SDK chunks or core_bg.wasm loaded outside the SDK mode',
        ours:
          leaked.length === 0
            ? `none (${others.map((trace) => trace.mode).join(', ')})`
            : `in ${leaked.map((trace) => trace.mode).join(', ')}`,
        baseline: `SDK mode: ${sdkSeen.length} files (${kib(size(sdkSeen))})`,
        ratio: '—',
        target: 'never (and the check sees them in the SDK mode)',
        met: leaked.length === 0 && sdkDetected,
      },
      {
        scenario: '3. Bundle loaded in the Connect mode (index.js and its chunks)',
        ours: kib(size(connectTrace?.distFiles ?? [])),
        baseline: `${kib(total)} (all of dist/)`,
        ratio: '—',
        target: '—',
        met: undefined,
      },
    ];

    const details = [
      `- Whole process: \`${relative(ROOT, process.execPath)} dist/index.js\` spawned directly (${shape.runs} runs after a warm-up, interleaved with \`node -e ""\`), with the exact environment and working directory the harness gave the step (inputs, GITHUB_* files, runner variables), so only the process is timed: start, inputs, one request, outputs, exit.`,
      `  step: ${stepRuns.map((value) => value.toFixed(0)).join(', ')} ms; node -e "": ${nodeRuns.map((value) => value.toFixed(0)).join(', ')} ms.`,
      `- The toolkit floor: bench/floor-action.ts (\`core.getInput\` + \`core.setOutput\`, \`@actions/core\` as in package.json) bundled with the build's own options (scripts/bundle-options.ts: ESM, node24, splitting), spawned in turn with the two above, same environment: ${floorRuns.map((value) => value.toFixed(0)).join(', ')} ms.`,
      `- The minimal action: bench/minimal-action.ts (the secrets input parsed with \`yaml\`, the three Connect requests of one reference through an undici \`Pool\`, \`core.setSecret\` + \`core.setOutput\`; no validation, retries, deadlines, redaction, summary or state) bundled and spawned the same way: ${minimalRuns.map((value) => value.toFixed(0)).join(', ')} ms.`,
      counted
        ? `- Instructions (\`valgrind --tool=callgrind\`, one run each, every thread; repeatable within about 1% whatever the load): step ${millions(counted.step)}, floor ${millions(counted.floor)}, minimal action ${millions(counted.minimal)}, \`node -e ""\` ${millions(counted.bare)}.`
        : '- Instructions not counted (`BENCH_INSTRUCTIONS=1` counts them with valgrind).',
      `- The same step through the harness (\`job.step\`, runner emulation and output processing included): median ${ms(median(harnessRuns))} over ${harnessRuns.length} runs.`,
      `- How the SDK check works: each mode's step runs once through the harness to capture its environment, then \`node --import <hook> dist/<entry>.js\` runs with it; the hook (bench/hooks.ts \`traceLoads\`) records every module URL through \`module.registerHooks({ load })\` and every path given to \`fs.readFileSync/readFile/openSync/open/createReadStream\` (and \`fs.promises\`). SDK files: \`sdk-*.js\` chunks and \`core_bg.wasm\`. The SDK mode is traced too, against a loopback sign-in server answering 401, to show the check does see them.`,
      '',
      '| mode | exit | dist files loaded | size |',
      '| --- | --- | --- | --- |',
      ...traces.map(
        (trace) =>
          `| ${trace.mode} | ${String(trace.exitCode)} | ${trace.distFiles.join(', ')} | ${kib(size(trace.distFiles))} |`,
      ),
      '',
      ...(traces.some((trace) => trace.foreignModules.length > 0)
        ? [
            `- Modules loaded from outside dist/: ${[...new Set(traces.flatMap((trace) => trace.foreignModules))].join(', ')}.`,
          ]
        : ['- No module was loaded from outside dist/ (node_modules is not needed at run time).']),
      '',
      '| dist file | size |',
      '| --- | --- |',
      ...[...sizes.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([file, bytes]) => `| ${file} | ${kib(bytes)} |`),
    ];
    return { rows, details };
  } finally {
    await job.cleanup();
    await signIn.close();
    await server.close();
  }
}
