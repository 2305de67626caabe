/**
 * The post step and the job: secret files are removed whatever happened to the main step, the
 * post step is idempotent, refuses to delete anything the action did not create, and never fails
 * the job; two uses of the action in one job keep their variables and files apart.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  opendirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { type FakeConnect, type FakeVault, startFakeConnect } from '../fakes/connect-server.ts';
import { endLeftRunning, fakeOpEnv, fakeOpPath, readOpLog } from '../fakes/op/index.ts';
import { CONNECT_TOKEN, VALUES, VAULTS } from '../fixtures/vault-data.ts';
import { assertNoLeak, errorsOf, Job, type StepResult } from '../harness/index.ts';

const POSIX = process.platform !== 'win32';
/** The state key the main step saves for the post step (src/state.ts). */
const STATE_KEY = 'files-dir';
const POST_ENTRY = 'dist/post.js';

let server: FakeConnect;
const jobs: Job[] = [];
const outside: string[] = [];

before(async () => {
  server = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
});
after(() => server.close());
afterEach(async () => {
  server.reset();
  server.setVaults(VAULTS);
  for (const job of jobs.splice(0)) await job.cleanup();
  for (const path of outside.splice(0)) rmSync(path, { recursive: true, force: true });
});

function newJob(): Job {
  const job = new Job({
    env: { OP_CONNECT_HOST: server.url, OP_CONNECT_TOKEN: CONNECT_TOKEN },
    secrets: [CONNECT_TOKEN],
  });
  jobs.push(job);
  return job;
}

function secretDirs(job: Job): string[] {
  return readdirSync(job.runnerTemp).filter((name) => name.startsWith('op-secrets-'));
}

function warnings(result: StepResult) {
  return result.annotations.filter((annotation) => annotation.level === 'warning');
}

/** Runs the post entry point on its own with the given state, as the runner would. */
function runPost(job: Job, dir: string): Promise<StepResult> {
  return job.step({ entry: POST_ENTRY, postEntry: null, env: { [`STATE_${STATE_KEY}`]: dir } });
}

/** The post step's contract: exit 0, no error annotation, the job not failed by it. */
function assertPostOk(post: StepResult | undefined): StepResult {
  assert.ok(post, 'no post step ran');
  assert.equal(post.exitCode, 0, post.stdout);
  assert.equal(post.failed, false);
  assert.deepEqual(errorsOf(post), []);
  return post;
}

/** An item of BULK_FIELDS fields, for `op://Bulk/many/*`: enough files to kill a step among them. */
const BULK_FIELDS = 20_000;
const BULK_VAULT: FakeVault = {
  id: 'bulk000000000000000000000v',
  name: 'Bulk',
  items: [
    {
      id: 'many000000000000000000000i',
      title: 'many',
      fields: Array.from({ length: BULK_FIELDS }, (_, index) => ({
        id: `field${index}`,
        type: 'STRING' as const,
        label: `field ${index}`,
        value: `bulk value ${index}`,
      })),
    },
  ],
};

/**
 * Settles once a directory of the action in RUNNER_TEMP holds a file (the main step is writing),
 * or a file of `name` pattern: an event, not a delay, so that a loaded machine changes nothing.
 */
function firstFileWritten(job: Job, stop: AbortSignal, file = /./): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      for (const name of secretDirs(job)) {
        try {
          const entries = opendirSync(join(job.runnerTemp, name));
          try {
            for (let entry = entries.readSync(); entry; entry = entries.readSync()) {
              if (!file.test(entry.name)) continue;
              clearInterval(timer);
              resolve();
              return;
            }
          } finally {
            entries.closeSync();
          }
        } catch {
          // made and removed between the two reads
        }
      }
    }, 2);
    stop.addEventListener('abort', () => clearInterval(timer));
  });
}

/** Settles once the fake Connect server has received a request for `path` (the step is resolving). */
function requestArrived(path: string, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (!server.requests.some((request) => request.path === path)) return;
      clearInterval(timer);
      resolve();
    }, 2);
    stop.addEventListener('abort', () => clearInterval(timer));
  });
}

const FILE_SECRETS = [
  'KEY:',
  '  ref: op://Platform/tls/private key',
  '  file: true',
  'TOKEN: op://Engineering/deploy/token',
].join('\n');

describe('the post step removes the files', () => {
  it('a failed main step writes no file at all, and its post has nothing to remove', async () => {
    const job = newJob();
    const failed = await job.step({
      inputs: {
        secrets: `${FILE_SECRETS}\nMISSING:\n  ref: op://Engineering/nothing/x\n  file: true`,
        'export-env': 'true',
      },
    });
    assert.equal(failed.exitCode, 1);
    assert.deepEqual(secretDirs(job), [], 'a failed run wrote files');
    assert.deepEqual(failed.state, {}, 'a failed run recorded files to remove');
    assert.deepEqual(failed.outputs, {});
    const [post] = await job.post();
    assertPostOk(post);
    assert.match(post?.stdout ?? '', /nothing to remove/);
    assert.deepEqual(warnings(post as StepResult), []);
  });

  it('a provider failure writes no file either', async () => {
    const job = newJob();
    server.fault({ path: '/v1/vaults' }, [{ status: 401 }]);
    const failed = await job.step({ inputs: { secrets: FILE_SECRETS } });
    assert.equal(failed.exitCode, 1);
    assert.deepEqual(secretDirs(job), []);
    assert.deepEqual(failed.state, {});
    assertPostOk((await job.post())[0]);
  });

  it('after a main step that wrote files and then the job went on (or died): removed', async () => {
    const job = newJob();
    const ok = await job.step({ inputs: { secrets: FILE_SECRETS, 'export-env': 'true' } });
    assert.equal(ok.exitCode, 0, ok.stdout);
    const path = ok.outputs['KEY'] ?? '';
    const dir = dirname(path);
    assert.ok(existsSync(path));
    assert.equal(dirname(dir), job.runnerTemp);
    assert.equal(ok.state[STATE_KEY], dir);
    // A later step of the job adds a file of its own next to the secret (it must go too).
    writeFileSync(join(dir, 'left-by-a-later-step'), 'x');
    const [post] = await job.post();
    assertPostOk(post);
    assert.ok(!existsSync(dir), 'the post step left the secret directory');
    assert.deepEqual(secretDirs(job), []);
    assert.match(post?.stdout ?? '', /removed/);
    assertNoLeak([ok, post as StepResult], [VALUES.tlsPrivateKey, VALUES.deployToken]);
  });

  it('a main step killed while resolving: no file, no state, post exits 0', async () => {
    const job = newJob();
    server.fault({ path: '/v1/vaults' }, [{ hang: true }]);
    const stop = new AbortController();
    try {
      const killed = await job.step({
        inputs: { secrets: FILE_SECRETS, 'export-env': 'true' },
        killWhen: requestArrived('/v1/vaults', stop.signal),
      });
      assert.equal(killed.signal, 'SIGKILL', `the step was not killed: ${killed.stdout}`);
      assert.deepEqual(killed.outputs, {});
      assert.deepEqual(killed.state, {});
      assert.deepEqual(secretDirs(job), []);
      const [post] = await job.post();
      assertPostOk(post);
      assert.match(post?.stdout ?? '', /nothing to remove/);
    } finally {
      stop.abort();
    }
  });

  it('a main step killed while it writes 20,000 files: its post removes every one', async () => {
    const job = newJob();
    server.setVaults([...VAULTS, BULK_VAULT]);
    const stop = new AbortController();
    try {
      const killed = await job.step({
        inputs: { secrets: 'BULK:\n  ref: op://Bulk/many/*\n  file: true\n  mask: false' },
        killWhen: firstFileWritten(job, stop.signal),
      });
      assert.equal(killed.signal, 'SIGKILL', `the step was not killed: ${killed.stdout}`);
      const [name] = secretDirs(job);
      assert.ok(name, 'no directory was made');
      const dir = join(job.runnerTemp, name);
      const written = readdirSync(dir).length;
      assert.ok(written > 0 && written < BULK_FIELDS, `${written} files: not killed mid-write`);
      assert.equal(killed.state[STATE_KEY], dir, 'the directory was not saved before the files');
      const [post] = await job.post();
      assert.match(assertPostOk(post).stdout, /removed/);
      assert.ok(!existsSync(dir), 'the post step left the files of the killed step');
      assert.deepEqual(secretDirs(job), []);
    } finally {
      stop.abort();
    }
  });

  it('files already gone (the runner cleaned up, or someone else did): exit 0, says so', async () => {
    const job = newJob();
    const ok = await job.step({ inputs: { secrets: FILE_SECRETS } });
    const dir = dirname(ok.outputs['KEY'] ?? '');
    rmSync(dir, { recursive: true, force: true });
    const [post] = await job.post();
    assertPostOk(post);
    assert.match(post?.stdout ?? '', /already removed/);
  });

  it('is idempotent: a second run with the same state exits 0 and says already removed', async () => {
    const job = newJob();
    const ok = await job.step({ inputs: { secrets: FILE_SECRETS } });
    const dir = ok.state[STATE_KEY] ?? '';
    assert.ok(existsSync(dir));
    const [first] = await job.post();
    assertPostOk(first);
    assert.ok(!existsSync(dir));
    const second = assertPostOk(await runPost(job, dir));
    assert.match(second.stdout, /already removed/);
    const third = assertPostOk(await runPost(job, dir));
    assert.match(third.stdout, /already removed/);
  });
});

describe('the post step refuses to delete what the action did not create, and never fails', () => {
  /** A directory with a file in it, registered for removal after the test. */
  function makeDir(path: string): string {
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'precious.txt'), 'not a secret of this action');
    return path;
  }

  function assertRefused(post: StepResult, dir: string): void {
    assertPostOk(post);
    assert.ok(existsSync(join(dir, 'precious.txt')), `the post step deleted ${dir}`);
    assert.ok(
      warnings(post).some((warning) => /not removing/.test(warning.message)),
      'the refusal was not reported as a warning',
    );
  }

  it('outside RUNNER_TEMP (a directory elsewhere with the prefix)', async () => {
    const job = newJob();
    const root = mkdtempSync(join(tmpdir(), 'cleanup-outside-'));
    outside.push(root);
    const dir = makeDir(join(root, 'op-secrets-evil'));
    assertRefused(await runPost(job, dir), dir);
  });

  it('outside RUNNER_TEMP (directly in the system temp directory, with the prefix)', async () => {
    // RUNNER_TEMP is set, so the action never writes to the system temp directory: a state
    // pointing there is tampered with (on a self-hosted runner it may be another job's files).
    const job = newJob();
    const dir = makeDir(mkdtempSync(join(tmpdir(), 'op-secrets-')));
    outside.push(dir);
    assert.notEqual(dirname(dir), job.runnerTemp);
    assertRefused(await runPost(job, dir), dir);
  });

  it('inside RUNNER_TEMP without the prefix', async () => {
    const job = newJob();
    const dir = makeDir(join(job.runnerTemp, 'somebody-elses-dir'));
    assertRefused(await runPost(job, dir), dir);
  });

  it('RUNNER_TEMP itself, its parent, and climbing out with ..', async () => {
    const job = newJob();
    makeDir(join(job.runnerTemp, 'marker'));
    const parentDir = makeDir(join(dirname(job.runnerTemp), 'op-secrets-above'));
    for (const dir of [
      job.runnerTemp,
      dirname(job.runnerTemp),
      parentDir,
      `${job.runnerTemp}/../op-secrets-above`,
      `${job.runnerTemp}/op-secrets-x/../../op-secrets-above`,
    ]) {
      const post = await runPost(job, dir);
      assertPostOk(post);
      assert.ok(existsSync(join(job.runnerTemp, 'marker', 'precious.txt')), dir);
      assert.ok(existsSync(join(parentDir, 'precious.txt')), dir);
    }
  });

  it('a relative path, and an empty path', async () => {
    const job = newJob();
    const dir = makeDir(join(job.workspace, 'op-secrets-relative'));
    assertPostOk(await runPost(job, 'op-secrets-relative'));
    assert.ok(existsSync(join(dir, 'precious.txt')), 'a relative state was resolved and deleted');
    const empty = assertPostOk(await runPost(job, ''));
    assert.match(empty.stdout, /nothing to remove/);
  });

  it(
    'a symlink with the prefix in RUNNER_TEMP pointing elsewhere: the target survives',
    {
      skip: !POSIX,
    },
    async () => {
      const job = newJob();
      const root = mkdtempSync(join(tmpdir(), 'cleanup-target-'));
      outside.push(root);
      const target = makeDir(join(root, 'target'));
      const link = join(job.runnerTemp, 'op-secrets-link');
      symlinkSync(target, link);
      assertPostOk(await runPost(job, link));
      assert.ok(existsSync(join(target, 'precious.txt')), 'the post step followed the symlink');
    },
  );

  it(
    'a directory it cannot remove: warns, exits 0',
    { skip: !POSIX || process.getuid?.() === 0 },
    async () => {
      const job = newJob();
      const ok = await job.step({ inputs: { secrets: FILE_SECRETS } });
      const dir = ok.state[STATE_KEY] ?? '';
      const { chmodSync } = await import('node:fs');
      // The parent read-only: the directory cannot be unlinked.
      chmodSync(job.runnerTemp, 0o500);
      try {
        const [post] = await job.post();
        assertPostOk(post);
        assert.ok(warnings(post as StepResult).length > 0, 'no warning about the failure');
      } finally {
        chmodSync(job.runnerTemp, 0o700);
      }
      assert.ok(basename(dir).startsWith('op-secrets-'));
    },
  );
});

describe('a STATE_files-dir set by an earlier step through GITHUB_ENV', () => {
  // The runner hands a load step that saved no state of its own the job's STATE_* variables.
  const LINK = 'op-secrets-LiNk01';

  /** A directory outside RUNNER_TEMP with a file in it, and RUNNER_TEMP/LINK pointing at it. */
  function linkedTarget(job: Job): { target: string; link: string } {
    const root = mkdtempSync(join(tmpdir(), 'cleanup-linked-'));
    outside.push(root);
    const target = join(root, 'a', 'b');
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'precious.txt'), 'not a secret of this action');
    // What `..` reaches through the link: a directory of the action's own name pattern.
    mkdirSync(join(root, 'a', 'op-secrets-Abc123'));
    writeFileSync(join(root, 'a', 'op-secrets-Abc123', 'precious.txt'), 'not ours either');
    const link = join(job.runnerTemp, LINK);
    symlinkSync(target, link);
    return { target, link };
  }

  for (const [what, written] of [
    ['the link with a trailing /', (link: string) => `${link}/`],
    ['the link with a trailing //', (link: string) => `${link}//`],
    ['the link after a //', (link: string) => `${dirname(link)}//${basename(link)}/`],
    ['.. through the link', (link: string) => `${link}/../op-secrets-Abc123`],
    ['the link exactly (a name of the pattern)', (link: string) => link],
  ] as const) {
    it(`${what}: nothing behind it is removed, a warning, exit 0`, { skip: !POSIX }, async () => {
      const job = newJob();
      const { target, link } = linkedTarget(job);
      job.env[`STATE_${STATE_KEY}`] = written(link);
      // The load step writes no file, so it saves no state: its post step sees the job's.
      const load = await job.step({ inputs: { secrets: 'TOKEN: op://Engineering/deploy/token' } });
      assert.equal(load.exitCode, 0, load.stdout);
      assert.deepEqual(load.state, {});
      const [post] = await job.post();
      const result = assertPostOk(post);
      assert.ok(existsSync(join(target, 'precious.txt')), 'the link’s target was emptied');
      assert.ok(existsSync(join(dirname(target), 'op-secrets-Abc123', 'precious.txt')));
      assert.ok(existsSync(link), 'the link itself was removed');
      assert.ok(
        warnings(result).some((warning) => /not removing/.test(warning.message)),
        'the refusal was not a warning',
      );
    });
  }
});

describe('variables over 128 KiB (NAME=value and its NUL: Linux’s limit for one)', () => {
  const LIMIT = 128 * 1024;
  /** Platform/huge/value: a value that makes `BIG=value` plus its NUL exactly `bytes` long. */
  function withValueFor(bytes: number): string {
    const value = 'h'.repeat(bytes - 'BIG='.length - 1);
    server.setVaults([
      ...VAULTS,
      {
        id: 'huge00000000000000000000v0',
        name: 'Huge',
        items: [
          {
            id: 'huge00000000000000000000i0',
            title: 'huge',
            fields: [{ id: 'value', type: 'CONCEALED', label: 'value', value }],
          },
        ],
      },
    ]);
    return value;
  }

  it('exactly at the limit: exported, and later processes (the post step) still start', async () => {
    const job = newJob();
    const value = withValueFor(LIMIT);
    const ok = await job.step({
      inputs: { secrets: 'BIG: op://Huge/huge/value', 'export-env': 'true' },
    });
    assert.equal(ok.exitCode, 0, ok.stdout);
    assert.equal(job.env['BIG'], value);
    // Every later process of the job gets BIG: a second step and the post steps start.
    const later = await job.step({ inputs: { secrets: 'T: op://Engineering/deploy/token' } });
    assert.equal(later.exitCode, 0, later.stdout);
    for (const post of await job.post()) assertPostOk(post);
  });

  for (const dryRun of ['false', 'true']) {
    it(`one byte over (dry-run ${dryRun}): SECRETS_CONFIG_INVALID naming it, nothing written`, async () => {
      const job = newJob();
      withValueFor(LIMIT + 1);
      const refused = await job.step({
        inputs: {
          secrets: `${FILE_SECRETS}\nBIG: op://Huge/huge/value`,
          'export-env': 'true',
          'dry-run': dryRun,
        },
      });
      assert.equal(refused.exitCode, 1, refused.stdout);
      const [error] = errorsOf(refused);
      assert.equal(error?.title, 'SECRETS_CONFIG_INVALID');
      assert.match(error?.message ?? '', /BIG/);
      assert.match(error?.message ?? '', /file: true/);
      assert.deepEqual(refused.outputs, {});
      assert.deepEqual(refused.exportedEnv, {});
      assert.deepEqual(refused.state, {});
      assert.deepEqual(secretDirs(job), []);
      assert.equal(job.env['BIG'], undefined);
      for (const post of await job.post()) assertPostOk(post);
    });
  }

  it('as a file (the variable holds its path): exported whatever its size', async () => {
    const job = newJob();
    const value = withValueFor(LIMIT + 1);
    const ok = await job.step({
      inputs: { secrets: 'BIG:\n  ref: op://Huge/huge/value\n  file: true', 'export-env': 'true' },
    });
    assert.equal(ok.exitCode, 0, ok.stdout);
    assert.equal(readFileSync(job.env['BIG'] ?? '', 'utf8'), value);
    for (const post of await job.post()) assertPostOk(post);
  });
});

describe('two uses of the action in one job', () => {
  const first =
    'A: op://Engineering/deploy/token\nF1:\n  ref: op://Platform/tls/private key\n  file: true';
  const second =
    'B: op://Platform/api/key\nF2:\n  ref: op://Engineering/deploy/notesPlain\n  file: true';

  it('without unset-previous: both sets kept, each post removes its own directory', async () => {
    const job = newJob();
    const one = await job.step({ id: 'one', inputs: { secrets: first, 'export-env': 'true' } });
    assert.equal(one.exitCode, 0, one.stdout);
    const two = await job.step({ id: 'two', inputs: { secrets: second, 'export-env': 'true' } });
    assert.equal(two.exitCode, 0, two.stdout);

    assert.equal(job.env['A'], VALUES.deployToken);
    assert.equal(job.env['B'], VALUES.apiKeyUnsectioned);
    const f1 = job.env['F1'] ?? '';
    const f2 = job.env['F2'] ?? '';
    assert.equal(f1, one.outputs['F1']);
    assert.equal(f2, two.outputs['F2']);
    assert.deepEqual(job.env['OP_MANAGED_VARIABLES']?.split(',').sort(), ['A', 'B', 'F1', 'F2']);
    assert.deepEqual(two.outputs['managed-variables']?.split(',').sort(), ['B', 'F2']);
    const dir1 = dirname(f1);
    const dir2 = dirname(f2);
    assert.notEqual(dir1, dir2, 'the two runs share a directory');
    assert.ok(existsSync(f1) && existsSync(f2), 'a file is gone before the post steps');
    assert.equal(one.state[STATE_KEY], dir1);
    assert.equal(two.state[STATE_KEY], dir2);

    const posts = await job.post();
    assert.deepEqual(
      posts.map((post) => post.id),
      ['two', 'one'],
      'post steps run in reverse order',
    );
    for (const post of posts) assertPostOk(post);
    const [postTwo, postOne] = posts as [StepResult, StepResult];
    assert.ok(postTwo.stdout.includes(dir2) && !postTwo.stdout.includes(dir1));
    assert.ok(postOne.stdout.includes(dir1) && !postOne.stdout.includes(dir2));
    assert.ok(!existsSync(dir1) && !existsSync(dir2));
    assert.deepEqual(secretDirs(job), []);
    assertNoLeak(
      [one, two, ...posts],
      [VALUES.deployToken, VALUES.tlsPrivateKey, VALUES.apiKeyUnsectioned, VALUES.deployNotes],
    );
  });

  it('three load steps: their post steps, in reverse order, each remove their own directory only', async () => {
    const job = newJob();
    const ids = ['one', 'two', 'three'];
    const dirs = new Map<string, string>();
    for (const id of ids) {
      const load = await job.step({ id, inputs: { secrets: FILE_SECRETS } });
      assert.equal(load.exitCode, 0, load.stdout);
      assert.match(load.summary, new RegExp(`<h3>1Password secrets \\(step ${id}\\)</h3>`));
      dirs.set(id, load.state[STATE_KEY] ?? '');
    }
    assert.equal(new Set(dirs.values()).size, 3, 'two steps share a directory');
    const left = new Set(dirs.values());
    const posts = await job.post((post) => {
      const own = dirs.get(post.id) ?? '';
      assert.ok(!existsSync(own), `the post step of ${post.id} left its directory`);
      left.delete(own);
      for (const other of left) assert.ok(existsSync(other), `${post.id}'s post removed ${other}`);
    });
    assert.deepEqual(
      posts.map((post) => post.id),
      ['three', 'two', 'one'],
    );
    for (const post of posts) assertPostOk(post);
    assert.deepEqual(secretDirs(job), []);
  });

  it('with unset-previous: the first set emptied, the second kept, files removed by each post', async () => {
    const job = newJob();
    const one = await job.step({ id: 'one', inputs: { secrets: first, 'export-env': 'true' } });
    assert.equal(one.exitCode, 0, one.stdout);
    const f1 = one.outputs['F1'] ?? '';
    const two = await job.step({
      id: 'two',
      inputs: { secrets: second, 'export-env': 'true', 'unset-previous': 'true' },
    });
    assert.equal(two.exitCode, 0, two.stdout);
    assert.equal(job.env['A'], '');
    assert.equal(job.env['F1'], '');
    assert.equal(job.env['B'], VALUES.apiKeyUnsectioned);
    assert.equal(job.env['F2'], two.outputs['F2']);
    assert.deepEqual(job.env['OP_MANAGED_VARIABLES']?.split(',').sort(), ['B', 'F2']);
    // Unsetting the variable does not remove the first run's file: its own post step does.
    assert.ok(existsSync(f1));
    const posts = await job.post();
    for (const post of posts) assertPostOk(post);
    assert.ok(!existsSync(f1) && !existsSync(two.outputs['F2'] ?? ''));
    assert.deepEqual(secretDirs(job), []);
  });
});

describe('op inject’s template lives in the step’s directory', () => {
  const SECRETS = [
    'TOKEN: op://Engineering/deploy/token',
    'KEY_TEXT: op://Platform/tls/private key',
    'KEY:',
    '  ref: op://Platform/tls/private key',
    '  file: true',
  ].join('\n');

  function opJob(fault?: string): { job: Job; log: string } {
    const root = mkdtempSync(join(tmpdir(), 'cleanup-op-'));
    outside.push(root);
    const log = join(root, 'op.log');
    const job = new Job({
      env: {
        PATH: fakeOpPath(),
        ...fakeOpEnv({ signedIn: ['my-team'], logFile: log, ...(fault ? { fault } : {}) }),
      },
    });
    jobs.push(job);
    return { job, log };
  }

  /** The --in-file of each `op inject` logged so far. */
  function templates(log: string): string[] {
    return readOpLog(log)
      .filter((invocation) => invocation.argv.includes('inject'))
      .map((invocation) => invocation.argv[invocation.argv.indexOf('--in-file') + 1] ?? '');
  }

  it('is written there, beside the secret files, and gone once op has read it', async () => {
    const { job, log } = opJob();
    const load = await job.step({ inputs: { secrets: SECRETS, 'auth-mode': 'cli' } });
    assert.equal(load.exitCode, 0, load.stdout);
    const dir = load.state[STATE_KEY] ?? '';
    const [template, ...more] = templates(log);
    assert.ok(template !== undefined && more.length === 0, 'not one op inject');
    assert.equal(dirname(template), dir);
    assert.deepEqual(readdirSync(dir), ['KEY']);
    assertPostOk((await job.post())[0]);
    assert.deepEqual(secretDirs(job), []);
  });

  it('a step killed while op inject runs: its post removes the template too', async () => {
    const { job, log } = opJob('hang@inject');
    try {
      const killed = await job.step({
        inputs: { secrets: SECRETS, 'auth-mode': 'cli' },
        killWhen: until(() => templates(log).length > 0),
      });
      assert.equal(killed.signal, 'SIGKILL', killed.stdout);
      const [template] = templates(log);
      const dir = killed.state[STATE_KEY] ?? '';
      assert.equal(dirname(template ?? ''), dir, 'the template was written elsewhere');
      assertPostOk((await job.post())[0]);
      assert.ok(!existsSync(dir), 'the template outlived the post step');
    } finally {
      endLeftRunning(log);
    }
  });
});

/** Settles once `done()` holds, polled (an event seen, not a delay waited). */
function until(done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (!done()) return;
      clearInterval(timer);
      resolve();
    }, 5);
  });
}
