/**
 * Bad days: every fault of the server or of op ends in a coded error, nothing exported (no
 * output, no env var, no file), exit code 1, within a bound. The built action (dist/) runs as the
 * runner runs it, with its default retry policy; faults that would need the 15 s attempt timeout
 * (hangs, slow drips) are played at the integration level with a small policy, and once end to
 * end for an op that never exits.
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, afterEach, before, describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectSource } from '../../src/backends/connect.ts';
import { CliSource } from '../../src/backends/op-cli.ts';
import type { RetryPolicy } from '../../src/backends/retry.ts';
import type { SecretSource } from '../../src/backends/source.ts';
import { Code, SecretsError } from '../../src/errors.ts';
import { parseRef } from '../../src/refs.ts';
import { Resolver } from '../../src/resolve.ts';
import {
  type FakeConnect,
  type FakeVault,
  type Fault,
  startFakeConnect,
} from '../fakes/connect-server.ts';
import {
  endLeftRunning,
  FAKE_OP_BIN_DIR,
  fakeOpEnv,
  fakeOpPath,
  readOpLog,
} from '../fakes/op/index.ts';
import {
  BINARY_FILE_BYTES,
  CONNECT_TOKEN,
  IDS,
  SERVICE_ACCOUNT_TOKEN,
  VALUES,
  VAULTS,
} from '../fixtures/vault-data.ts';
import { assertNoLeak, errorsOf, Job, type StepResult } from '../harness/index.ts';

const POSIX = process.platform !== 'win32';

/**
 * A step must end within this; a step still running after STEP_KILL_MS is a hang. Wide: a
 * step is a Node.js process, seconds to start on a busy machine, inside a 30 s retry budget.
 */
const STEP_BOUND_MS = 45_000;
const STEP_KILL_MS = 90_000;

const ENGINEERING = `/v1/vaults/${IDS.vaults.engineering}`;
const PLATFORM = `/v1/vaults/${IDS.vaults.platform}`;

/** Three secrets in two vaults, one of them a file, exported to the environment too. */
const SECRETS = [
  'TOKEN: op://Engineering/deploy/token',
  'DB: op://Platform/db/staging/password',
  'KEY:',
  '  ref: op://Platform/tls/private key',
  '  file: true',
].join('\n');
const VALUES_OF_SECRETS = [VALUES.deployToken, VALUES.dbStagingPassword, VALUES.tlsPrivateKey];

const dir = mkdtempSync(join(tmpdir(), 'faults-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const tempFile = (name: string): string => join(dir, `${(counter += 1)}-${name}`);

const jobs: Job[] = [];
afterEach(async () => {
  for (const job of jobs.splice(0)) await job.cleanup();
});

/** Directories the action made under RUNNER_TEMP. */
function secretDirs(job: Job): string[] {
  return readdirSync(job.runnerTemp).filter((name) => name.startsWith('op-secrets-'));
}

/** Runs one step, measuring it; `timedOut` would mean the step hung past `killMs`. */
async function timedStep(
  job: Job,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  killMs = STEP_KILL_MS,
): Promise<{ result: StepResult; elapsedMs: number }> {
  const started = performance.now();
  const result = await job.step({ inputs, env, timeoutMs: killMs });
  return { result, elapsedMs: performance.now() - started };
}

/** The failure contract: exit 1, no output, no env var, no file, no state, within the bound. */
function assertFailedClosed(
  job: Job,
  result: StepResult,
  elapsedMs: number,
  boundMs = STEP_BOUND_MS,
): void {
  assert.equal(result.timedOut, false, 'the step hung');
  assert.ok(elapsedMs < boundMs, `the step took ${Math.round(elapsedMs)} ms`);
  assert.equal(result.exitCode, 1, result.stdout);
  assert.equal(result.failed, true);
  assert.deepEqual(result.outputs, {}, 'outputs were set by a failed run');
  assert.deepEqual(result.exportedEnv, {}, 'env vars were exported by a failed run');
  // op's template goes in the step's directory, made and saved before any request: it may be
  // left, empty, for the post step.
  const saved = result.state['files-dir'];
  for (const name of secretDirs(job)) {
    assert.equal(join(job.runnerTemp, name), saved, 'a directory the post step does not know');
    assert.deepEqual(readdirSync(join(job.runnerTemp, name)), [], 'a failed run wrote files');
  }
  assert.match(result.summary, /failed/);
  assert.doesNotMatch(result.summary, /\|\s*resolved\s*\|/);
  assertNoLeak(result, [...VALUES_OF_SECRETS, CONNECT_TOKEN, SERVICE_ACCOUNT_TOKEN]);
}

/** One annotation for the whole run: SECRETS_PROVIDER_UNAVAILABLE. Returns its message. */
function assertProviderUnavailable(result: StepResult): string {
  const found = errorsOf(result);
  assert.equal(
    found.length,
    1,
    `expected one annotation, got ${found.map((a) => a.title).join(', ')}`,
  );
  assert.equal(found[0]?.title, 'SECRETS_PROVIDER_UNAVAILABLE');
  return found[0]?.message ?? '';
}

// ---------------------------------------------------------------------------------------------

describe('Connect faults, end to end', () => {
  let server: FakeConnect;
  before(async () => {
    server = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
  });
  after(() => server.close());
  afterEach(() => {
    server.reset();
    server.setVaults(VAULTS);
  });

  function newJob(): Job {
    const job = new Job({ env: { OP_CONNECT_HOST: server.url, OP_CONNECT_TOKEN: CONNECT_TOKEN } });
    jobs.push(job);
    return job;
  }

  const run = (job: Job) => timedStep(job, { secrets: SECRETS, 'export-env': 'true' });
  const vaultListRequests = () => server.requests.filter((r) => r.path === '/v1/vaults');

  it('a 5xx storm outlasting the retries: unavailable, bounded, retried at least 3 times', async () => {
    server.fault(
      { path: '/v1/vaults' },
      Array<Fault>(12).fill({ status: 503, headers: { 'retry-after': '0' } }),
    );
    const job = newJob();
    const { result, elapsedMs } = await run(job);
    assertFailedClosed(job, result, elapsedMs);
    const message = assertProviderUnavailable(result);
    assert.match(message, /HTTP 503/);
    const attempts = vaultListRequests().length;
    assert.ok(attempts >= 4, `only ${attempts} attempts: the SPEC asks for at least 3 retries`);
    assert.ok(attempts <= 12, `${attempts} attempts`);
  });

  it('429 asking to wait longer than the retry budget: unavailable at once, saying so', async () => {
    server.fault({ path: '/v1/vaults' }, [{ status: 429, headers: { 'retry-after': '120' } }]);
    const job = newJob();
    const { result, elapsedMs } = await run(job);
    assertFailedClosed(job, result, elapsedMs);
    assert.match(assertProviderUnavailable(result), /429/);
    // At once: a step's own start-up only (seconds on a busy machine), not the 120 s asked for,
    // nor the 30 s budget.
    assert.ok(elapsedMs < 20_000, `waited ${Math.round(elapsedMs)} ms for a wait it cannot afford`);
    assert.equal(vaultListRequests().length, 1);
  });

  it('connection resets on every attempt: unavailable, bounded', async () => {
    server.fault({ path: '/v1/vaults' }, Array<Fault>(12).fill({ drop: true }));
    const job = newJob();
    const { result, elapsedMs } = await run(job);
    assertFailedClosed(job, result, elapsedMs);
    assertProviderUnavailable(result);
    assert.ok(vaultListRequests().length >= 4, `${vaultListRequests().length} attempts`);
  });

  for (const [what, fault] of [
    [
      'a 200 with an HTML body',
      {
        rawBody: '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>',
        contentType: 'text/html',
      },
    ],
    ['malformed JSON', { rawBody: '[{"id": "engineering00000000000000v", ' }],
    ['JSON of another shape', { rawBody: '{"vaults":[]}' }],
  ] as const) {
    it(`${what}: unavailable, "something other than the API's JSON"`, async () => {
      server.fault({ path: '/v1/vaults' }, [fault]);
      const job = newJob();
      const { result, elapsedMs } = await run(job);
      assertFailedClosed(job, result, elapsedMs);
      assert.match(assertProviderUnavailable(result), /something other than the API's JSON/);
      assert.equal(vaultListRequests().length, 1, 'a well-formed 200 must not be retried');
    });
  }

  it('401: one annotation for the whole run, never retried', async () => {
    server.fault({}, [{ status: 401 }]);
    const job = newJob();
    const { result, elapsedMs } = await run(job);
    assertFailedClosed(job, result, elapsedMs);
    assert.match(assertProviderUnavailable(result), /401/);
    assert.equal(server.requests.length, 1, 'a 401 was retried or followed by more requests');
  });

  it('403 on an item list: SECRETS_ACCESS_DENIED for each secret of that vault', async () => {
    server.fault({ path: `${PLATFORM}/items` }, [{ status: 403 }, { status: 403 }]);
    const job = newJob();
    const { result, elapsedMs } = await run(job);
    assertFailedClosed(job, result, elapsedMs);
    const found = errorsOf(result)
      .map((annotation) => `${annotation.title} ${annotation.message.split(' ')[0] ?? ''}`)
      .sort();
    assert.deepEqual(found, ['SECRETS_ACCESS_DENIED DB', 'SECRETS_ACCESS_DENIED KEY']);
    assert.equal(
      server.requests.filter((r) => r.path === `${PLATFORM}/items`).length,
      1,
      'a 403 was retried, or the item list fetched twice',
    );
  });

  it('an item deleted between the item list and the item fetch: SECRETS_REF_NOT_FOUND', async () => {
    server.fault({ path: `${ENGINEERING}/items/${IDS.items.deploy}` }, [{ status: 404 }]);
    const job = newJob();
    const { result, elapsedMs } = await run(job);
    assertFailedClosed(job, result, elapsedMs);
    const found = errorsOf(result);
    assert.equal(found.length, 1);
    assert.equal(found[0]?.title, 'SECRETS_REF_NOT_FOUND');
    assert.match(found[0]?.message ?? '', /^TOKEN \(op:\/\/Engineering\/deploy\/token\)/);
  });

  it('items that change between calls: the next step sees the new value', async () => {
    const job = newJob();
    const first = await job.step({
      inputs: { secrets: 'TOKEN: op://Engineering/deploy/token', 'export-env': 'true' },
    });
    assert.equal(first.exitCode, 0, first.stdout);
    assert.equal(first.outputs['TOKEN'], VALUES.deployToken);
    assert.equal(job.env['TOKEN'], VALUES.deployToken);

    const rotated = 'eng-deploy-token-ROTATED-61c0d2';
    const changed = structuredClone<FakeVault[]>(VAULTS);
    const deploy = changed
      .find((vault) => vault.id === IDS.vaults.engineering)
      ?.items.find((item) => item.id === IDS.items.deploy);
    const field = deploy?.fields.find((f) => f.label === 'token');
    assert.ok(field);
    field.value = rotated;
    server.setVaults(changed);

    const second = await job.step({
      inputs: { secrets: 'TOKEN: op://Engineering/deploy/token', 'export-env': 'true' },
    });
    assert.equal(second.exitCode, 0, second.stdout);
    assert.equal(second.outputs['TOKEN'], rotated);
    assert.equal(job.env['TOKEN'], rotated, 'later steps still see the old value');
    assert.ok(second.masks.includes(rotated), 'the new value was not masked');
    assertNoLeak([first, second], [VALUES.deployToken, rotated, CONNECT_TOKEN]);
  });

  it('a transient 503 (and a reset) then success: retried end to end', async () => {
    server.fault({ path: '/v1/vaults' }, [{ status: 503, headers: { 'retry-after': '0' } }]);
    server.fault({ path: `${PLATFORM}/items` }, [{ drop: true }]);
    const job = newJob();
    const { result, elapsedMs } = await run(job);
    assert.equal(result.exitCode, 0, result.stdout);
    assert.ok(elapsedMs < STEP_BOUND_MS, `${Math.round(elapsedMs)} ms`);
    assert.equal(result.outputs['TOKEN'], VALUES.deployToken);
    assert.equal(result.outputs['DB'], VALUES.dbStagingPassword);
    assert.equal(readFileOf(result.outputs['KEY']), VALUES.tlsPrivateKey);
    assert.deepEqual(
      vaultListRequests().map((r) => r.status),
      [503, 200],
    );
    assert.deepEqual(
      server.requests.filter((r) => r.path === `${PLATFORM}/items`).map((r) => r.status),
      [0, 200],
    );
    assert.deepEqual(errorsOf(result), []);
    await job.post();
  });
});

function readFileOf(path: string | undefined): string {
  assert.ok(path !== undefined && existsSync(path), 'no file');
  return readFileSync(path, 'utf8');
}

// ---------------------------------------------------------------------------------------------

describe('hangs and slow drips (integration, small policy)', () => {
  const POLICY: RetryPolicy = {
    attempts: 3,
    baseDelayMs: 20,
    maxDelayMs: 50,
    budgetMs: 10_000,
    attemptTimeoutMs: 400,
  };
  /**
   * Attempts, their timeouts and the waits between them (1.3 s), five times over: a loaded
   * machine stretches every timer and request; a hang still meets the 20 s guard below.
   */
  const BOUND_MS = 5 * (POLICY.attempts * POLICY.attemptTimeoutMs + 2 * POLICY.maxDelayMs);

  /**
   * op is a Node.js script here: starting it (and `op --version`, checked within one attempt
   * timeout) takes a few hundred ms, and seconds on a busy machine, so its attempts get more
   * time.
   */
  const OP_POLICY: RetryPolicy = { ...POLICY, attempts: 2, attemptTimeoutMs: 4_000 };
  /** A hang is not retried: one attempt timeout, then a wide margin for a loaded machine. */
  const OP_BOUND_MS = OP_POLICY.attemptTimeoutMs + 10_000;

  /** Resolves through `source`; the promise is raced against a guard so that a hang fails the test. */
  async function resolveThrough(source: SecretSource): Promise<{ error: unknown; ms: number }> {
    const started = performance.now();
    const stopGuard = new AbortController();
    const guard = sleep(20_000, 'hung' as const, { signal: stopGuard.signal }).catch(
      () => 'stopped',
    );
    try {
      const outcome = await Promise.race([
        new Resolver(source)
          .resolveAll([
            parseRef('op://Engineering/deploy/token'),
            parseRef('op://Platform/api/key'),
          ])
          .then(
            () => undefined,
            (error: unknown) => error,
          ),
        guard,
      ]);
      assert.notEqual(outcome, 'hung', 'the resolver hung');
      return { error: outcome, ms: performance.now() - started };
    } finally {
      stopGuard.abort();
      await source.close();
    }
  }

  function assertUnavailable(error: unknown): SecretsError {
    assert.ok(error instanceof SecretsError, `expected a SecretsError, got ${String(error)}`);
    assert.equal(error.code, Code.providerUnavailable);
    assert.equal(error.secret, undefined, 'a provider failure is for the whole run');
    return error;
  }

  it('a server that accepts and never answers: unavailable within attempts × timeout', async () => {
    const sockets = new Set<Socket>();
    let accepted = 0;
    const silent = net.createServer((socket) => {
      accepted++;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      socket.resume(); // read (and ignore) the request, so that the client's close is seen
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const source = new ConnectSource({
        host: new URL(`http://127.0.0.1:${port}`),
        token: CONNECT_TOKEN,
        policy: POLICY,
      });
      const { error, ms } = await resolveThrough(source);
      const failure = assertUnavailable(error);
      assert.match(failure.message, /no answer within/);
      assert.match(failure.message, /after 3 attempts/);
      assert.ok(ms < BOUND_MS, `${Math.round(ms)} ms (bound ${BOUND_MS} ms)`);
      assert.ok(
        ms >= POLICY.attempts * POLICY.attemptTimeoutMs * 0.9,
        `gave up after ${Math.round(ms)} ms, before its attempts ran out`,
      );
      assert.ok(accepted >= 1);
      assert.ok(!failure.message.includes(CONNECT_TOKEN));
      // The client closed what it opened.
      // Polled for up to 10 s: a busy machine may take a while to see the close.
      for (let i = 0; i < 200 && sockets.size > 0; i++) await sleep(50);
      assert.equal(sockets.size, 0, 'connections left open after close()');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('a slow drip (headers, then one byte every 200 ms forever): bounded by the attempt timeout', async () => {
    const timers = new Set<NodeJS.Timeout>();
    let requests = 0;
    const drip = http.createServer((_request, response) => {
      requests++;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('[');
      const timer = setInterval(() => response.write(' '), 200);
      timers.add(timer);
      response.on('close', () => {
        clearInterval(timer);
        timers.delete(timer);
      });
    });
    await new Promise<void>((resolve) => drip.listen(0, '127.0.0.1', resolve));
    const { port } = drip.address() as AddressInfo;
    try {
      const source = new ConnectSource({
        host: new URL(`http://127.0.0.1:${port}`),
        token: CONNECT_TOKEN,
        policy: POLICY,
      });
      const { error, ms } = await resolveThrough(source);
      const failure = assertUnavailable(error);
      assert.ok(ms < BOUND_MS, `${Math.round(ms)} ms (bound ${BOUND_MS} ms): ${failure.message}`);
      assert.match(failure.message, /after 3 attempts/);
      // Each attempt is one request, though on a busy machine one may time out before it arrives.
      assert.ok(requests >= 1 && requests <= POLICY.attempts, `${requests} requests`);
      for (let i = 0; i < 200 && timers.size > 0; i++) await sleep(50);
      assert.equal(timers.size, 0, 'a dripping response was never abandoned by the client');
    } finally {
      for (const timer of timers) clearInterval(timer);
      drip.closeAllConnections();
      await new Promise<void>((resolve) => drip.close(() => resolve()));
    }
  });

  it(
    'op that never exits: unavailable after one attempt timeout, not retried, left running',
    { skip: !POSIX },
    async () => {
      const log = tempFile('op-hang.log');
      const source = new CliSource({
        token: SERVICE_ACCOUNT_TOKEN,
        env: {
          PATH: fakeOpPath(),
          HOME: process.env['HOME'] ?? '',
          ...fakeOpEnv({ fault: 'hang', logFile: log }),
        },
        policy: OP_POLICY,
        findOp: () => Promise.resolve(join(FAKE_OP_BIN_DIR, 'op')),
      });
      try {
        const { error, ms } = await resolveThrough(source);
        const failure = assertUnavailable(error);
        assert.match(failure.message, /no answer within/);
        assert.ok(ms < OP_BOUND_MS, `${Math.round(ms)} ms (bound ${OP_BOUND_MS} ms)`);
        assert.ok(!failure.message.includes(SERVICE_ACCOUNT_TOKEN));
        const hung = readOpLog(log).filter((invocation) => invocation.endedAt === null);
        assert.equal(hung.length, 1, `${hung.length} hung ops`);
        // exec cannot end it: the entry exits without it, and the runner ends it with the job.
        assert.ok(hung.every((invocation) => alive(invocation.pid)));
      } finally {
        endLeftRunning(log);
      }
    },
  );
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------

// Concurrent: the never-exiting op waits out the real 15 s attempt timeout while the others run.
// Each case has its own job, files and fake op, and cleans up after itself.
describe(
  'op faults, end to end (service account through the op CLI)',
  { concurrency: true },
  () => {
    const OP_SECRETS = [
      'TOKEN: op://Engineering/deploy/token',
      'DB: op://Platform/queue/eu/password',
      'KEY:',
      '  ref: op://Platform/api/key',
      '  file: true',
    ].join('\n');

    function newJob(t: TestContext): Job {
      const job = new Job();
      t.after(() => job.cleanup());
      return job;
    }

    const OP_INPUTS = {
      secrets: OP_SECRETS,
      'auth-mode': 'service-account',
      'service-account-resolver': 'cli',
      'export-env': 'true',
    };

    const run = (job: Job, fake: Parameters<typeof fakeOpEnv>[0], timeoutMs?: number) =>
      timedStep(
        job,
        OP_INPUTS,
        { PATH: fakeOpPath(), ...fakeOpEnv(fake), OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN },
        timeoutMs,
      );

    it('crash: unavailable', async (t) => {
      const job = newJob(t);
      const { result, elapsedMs } = await run(job, { fault: 'crash' });
      assertFailedClosed(job, result, elapsedMs);
      assert.match(assertProviderUnavailable(result), /op/);
    });

    it('garbage on stdout: unavailable', async (t) => {
      const job = newJob(t);
      const { result, elapsedMs } = await run(job, { fault: 'garbage' });
      assertFailedClosed(job, result, elapsedMs);
      assert.match(assertProviderUnavailable(result), /something other than JSON|unexpected/);
    });

    it('op 1.x: unavailable, naming 2.x', async (t) => {
      const job = newJob(t);
      const { result, elapsedMs } = await run(job, { version: '1.12.4' });
      assertFailedClosed(job, result, elapsedMs);
      const message = assertProviderUnavailable(result);
      assert.match(message, /1\.12\.4/);
      assert.match(message, /2\.x/);
    });

    it('op reporting server errors every time: unavailable once retries run out, bounded', async (t) => {
      const job = newJob(t);
      const log = tempFile('server-error.log');
      const { result, elapsedMs } = await run(job, { fault: 'server-error', logFile: log });
      assertFailedClosed(job, result, elapsedMs);
      assert.match(assertProviderUnavailable(result), /500/);
      const failedRuns = readOpLog(log).filter((invocation) => invocation.exitCode === 1).length;
      assert.ok(
        failedRuns >= 4,
        `op ran ${failedRuns} times: the SPEC asks for at least 3 retries`,
      );
    });

    it('rate-limited once: retried, then succeeds', async (t) => {
      const job = newJob(t);
      const counterFile = tempFile('rate-limit.counter');
      const log = tempFile('rate-limit.log');
      const { result, elapsedMs } = await run(job, {
        fault: 'rate-limit',
        faultTimes: 1,
        faultCounterFile: counterFile,
        logFile: log,
      });
      assert.equal(result.exitCode, 0, result.stdout);
      assert.ok(elapsedMs < STEP_BOUND_MS, `${Math.round(elapsedMs)} ms`);
      assert.equal(statSync(counterFile).size, 1, 'the rate limit was not hit');
      assert.equal(result.outputs['TOKEN'], VALUES.deployToken);
      assert.equal(result.outputs['DB'], VALUES.queueEuPassword);
      assert.equal(readFileOf(result.outputs['KEY']), VALUES.apiKeyUnsectioned);
      assert.equal(job.env['TOKEN'], VALUES.deployToken);
      const failedRuns = readOpLog(log).filter((invocation) => invocation.exitCode === 1);
      assert.equal(failedRuns.length, 1);
      assertNoLeak(result, [
        VALUES.deployToken,
        VALUES.queueEuPassword,
        VALUES.apiKeyUnsectioned,
        SERVICE_ACCOUNT_TOKEN,
      ]);
      await job.post();
    });

    it(
      'an op (a shell script) that exits without reading its stdin: a coded annotation, no stack',
      { skip: !POSIX },
      async (t) => {
        const bin = tempFile('bin');
        mkdirSync(bin);
        // A version for `--version`, then the same line for every other command: not JSON.
        writeFileSync(join(bin, 'op'), '#!/bin/sh\necho 2.30.3\n');
        chmodSync(join(bin, 'op'), 0o755);
        const job = newJob(t);
        const { result, elapsedMs } = await timedStep(job, OP_INPUTS, {
          PATH: `${bin}${delimiter}${process.env['PATH'] ?? ''}`,
          OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN,
        });
        assertFailedClosed(job, result, elapsedMs);
        assert.match(assertProviderUnavailable(result), /something other than JSON/);
        const output = `${result.stdout}\n${result.stderr}`;
        assert.doesNotMatch(output, /EPIPE|^\s+at /m);
      },
    );

    it('op that leaves a process holding its output: the step succeeds well before that process ends', async (t) => {
      const job = newJob(t);
      const log = tempFile('orphan.log');
      try {
        const started = performance.now();
        const result = await job.step({
          inputs: {
            secrets: `${OP_SECRETS}\nBIN:\n  ref: op://Engineering/certs/binary.bin\n  file: true`,
            'auth-mode': 'service-account',
            'service-account-resolver': 'cli',
          },
          env: {
            PATH: fakeOpPath(),
            ...fakeOpEnv({ fault: 'orphan@all', logFile: log }),
            OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN,
          },
          timeoutMs: 120_000,
        });
        const elapsedMs = performance.now() - started;
        assert.equal(result.exitCode, 0, result.stdout);
        assert.equal(result.outputs['TOKEN'], VALUES.deployToken);
        assert.equal(result.outputs['DB'], VALUES.queueEuPassword);
        assert.equal(readFileOf(result.outputs['KEY']), VALUES.apiKeyUnsectioned);
        const bin = result.outputs['BIN'];
        assert.ok(bin !== undefined && existsSync(bin), 'no binary file');
        assert.deepEqual(new Uint8Array(readFileSync(bin)), BINARY_FILE_BYTES);
        // Orphans live 60 s; op runs five times one after another (the binary file needs vault
        // list, item list, item get, read): waiting for any output to close would take minutes
        // (at least 50 s with exec's 10 s wait). A busy machine takes seconds per op.
        assert.ok(elapsedMs < 40_000, `${Math.round(elapsedMs)} ms`);
        const orphans = readOpLog(log).map((invocation) => invocation.orphanPid);
        assert.ok(orphans.length >= 5, `${orphans.length} op runs`);
        assert.ok(
          orphans.every((pid) => pid !== undefined && alive(pid)),
          'an op left no orphan, or it ended: the case was not played',
        );
        assertNoLeak(result, [VALUES.deployToken, VALUES.queueEuPassword, SERVICE_ACCOUNT_TOKEN]);
        await job.post();
      } finally {
        endLeftRunning(log);
      }
    });

    it(
      'op that never exits: one SECRETS_PROVIDER_UNAVAILABLE after the 15 s attempt timeout, nothing exported, and the step ends without it',
      { skip: !POSIX },
      async (t) => {
        const job = newJob(t);
        const log = tempFile('hang.log');
        try {
          const { result, elapsedMs } = await run(job, { fault: 'hang', logFile: log }, 60_000);
          // The default policy: one 15 s attempt, not retried; a wide margin for a busy machine.
          assert.ok(elapsedMs >= 14_000, `gave up after ${Math.round(elapsedMs)} ms`);
          assertFailedClosed(job, result, elapsedMs, 15_000 + 15_000);
          assert.match(assertProviderUnavailable(result), /op gave no answer within 15000 ms/);
          const hung = readOpLog(log).filter((invocation) => invocation.endedAt === null);
          assert.equal(hung.length, 1, `${hung.length} hung ops`);
          // The step ended while its op still ran: the runner ends it at the end of the job.
          assert.ok(hung.every((invocation) => alive(invocation.pid)));
        } finally {
          endLeftRunning(log);
        }
      },
    );
  },
);
