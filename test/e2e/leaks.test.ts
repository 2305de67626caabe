/**
 * No value and no token in any channel the runner shows, stores or sends: log lines (stdout and
 * stderr), workflow commands, annotations, debug output, the job summary, the post step. For
 * every backend the end-to-end tests can run offline (Connect; a service account through op;
 * a signed-in op session), on success and on the error paths, with the tricky values.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  type FakeConnect,
  type FakeVault,
  type Fault,
  startFakeConnect,
} from '../fakes/connect-server.ts';
import { fakeOpEnv, fakeOpPath, writeOpData } from '../fakes/op/index.ts';
import {
  CONNECT_TOKEN,
  IDS,
  SERVICE_ACCOUNT_TOKEN,
  TRICKY_VALUES,
  VAULTS,
} from '../fixtures/vault-data.ts';
import { assertNoLeak, errorsOf, Job, type StepResult } from '../harness/index.ts';
import { credentialForms, piecesOf } from '../harness/leak.ts';

const TOKENS = [CONNECT_TOKEN, SERVICE_ACCOUNT_TOKEN];
/** Pieces of the tokens that would betray them if a message cut them up. */
const TOKEN_PIECES = [
  ...CONNECT_TOKEN.split('.'),
  SERVICE_ACCOUNT_TOKEN.slice(4, 64),
  SERVICE_ACCOUNT_TOKEN.slice(-48),
  // Encoded and cut-off forms, the ops_ body, and the secrets the tokens decode to.
  ...TOKENS.flatMap(credentialForms),
];
/** Pieces of the tokens and of their forms, so that a message cut short still counts. */
const TOKEN_RUNS = piecesOf([...TOKENS, ...TOKENS.flatMap(credentialForms)]);

const TRICKY = Object.entries(TRICKY_VALUES).map(([label, value]) => ({
  name: `TRICKY_${label.toUpperCase()}`,
  ref: `op://Engineering/tricky/${label}`,
  value,
}));
const TRICKY_SECRETS = TRICKY.map(({ name, ref }) => `${name}: ${JSON.stringify(ref)}`);
/** Two of them written to files too (the file name is the output; the content is masked). */
const FILE_SECRETS = [
  'FILE_PEM:',
  '  ref: op://Engineering/tricky/pem',
  '  file: true',
  'FILE_PERCENT:',
  '  ref: op://Engineering/tricky/percent',
  '  file: true',
];
const ALL_TRICKY = Object.values(TRICKY_VALUES) as string[];

const tempDir = mkdtempSync(join(tmpdir(), 'leaks-test-'));
after(() => rmSync(tempDir, { recursive: true, force: true }));

const jobs: Job[] = [];
afterEach(async () => {
  for (const job of jobs.splice(0)) await job.cleanup();
});

function newJob(env: Record<string, string>): Job {
  // Debug output on for the whole job: `::debug::` lines are shown, and the runner's own too.
  // The tokens are job secrets (`${{ secrets.* }}`), as in a workflow: the runner masks them from
  // the start, so that the masked log check below is about the action, not the step header.
  const job = new Job({ env: { ACTIONS_STEP_DEBUG: 'true', ...env }, secrets: TOKENS });
  jobs.push(job);
  return job;
}

/**
 * Every value was registered before anything else was printed once resolution ended: after the
 * last `::endgroup::`, the `::add-mask::` lines come first.
 */
function assertMasksFirst(result: StepResult, values: readonly string[]): void {
  for (const value of values) {
    if (value.trim() === '') continue;
    assert.ok(result.masks.includes(value), 'a value was not registered as a mask');
  }
  const lines = result.lines.filter((line) => line.stream === 'stdout');
  const resolved = lines.findLastIndex((line) => line.command === 'endgroup');
  assert.ok(resolved >= 0, 'no resolution group');
  const firstOther = lines.findIndex(
    (line, index) => index > resolved && line.command !== 'add-mask',
  );
  const lastMask = lines.findLastIndex((line) => line.command === 'add-mask');
  assert.ok(lastMask > resolved, 'no mask registered after resolution');
  assert.ok(firstOther === -1 || lastMask < firstOther, 'something was printed before the masks');
}

/** The log as the runner shows it (masked) holds no value either, nor a line of one. */
function assertMaskedLog(results: StepResult[], values: readonly string[]): void {
  const needles = values.flatMap((value) => [
    value,
    ...value
      .split(/\r\n|\r|\n/)
      .map((line) => line.trim())
      .filter((line) => line.length >= 4),
  ]);
  for (const result of results) {
    result.log.forEach((line, index) => {
      for (const needle of needles) {
        assert.ok(
          !line.includes(needle),
          `the masked log of ${result.stage} ${result.id} shows a value at line ${index + 1}`,
        );
      }
    });
  }
}

function filesUnder(root: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * Files of the job that hold a value: only the step's GITHUB_OUTPUT and GITHUB_ENV files (where
 * the runner expects them) and the action's own secret files. Not the state, not the summary.
 */
function filesHoldingValues(job: Job, values: readonly string[]): string[] {
  const root = dirname(dirname(job.runnerTemp));
  return filesUnder(root)
    .filter((path) => {
      const text = readFileSync(path, 'latin1');
      return values.some((value) => text.includes(Buffer.from(value, 'utf8').toString('latin1')));
    })
    .map((path) => relative(job.runnerTemp, path));
}

interface Backend {
  name: string;
  inputs: Record<string, string>;
  env: () => Record<string, string>;
}

let connect: FakeConnect;
before(async () => {
  connect = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
});
after(() => connect.close());
afterEach(() => {
  connect.reset();
  connect.setVaults(VAULTS);
});

const BACKENDS: Backend[] = [
  {
    name: 'Connect',
    inputs: {},
    env: () => ({ OP_CONNECT_HOST: connect.url, OP_CONNECT_TOKEN: CONNECT_TOKEN }),
  },
  {
    name: 'service account through op',
    inputs: { 'auth-mode': 'service-account', 'service-account-resolver': 'cli' },
    env: () => ({
      PATH: fakeOpPath(),
      ...fakeOpEnv(),
      OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN,
    }),
  },
  {
    name: 'cli mode (signed-in session)',
    inputs: { 'auth-mode': 'cli', account: 'my-team' },
    env: () => ({ PATH: fakeOpPath(), ...fakeOpEnv({ signedIn: ['my-team'] }) }),
  },
];

describe('every channel, every backend: tricky values on success and on failure', () => {
  for (const backend of BACKENDS) {
    it(`${backend.name}: no value and no token anywhere, main and post`, async () => {
      const job = newJob(backend.env());
      // 1. Every tricky value, as outputs, env vars, files, and from step env.
      const ok = await job.step({
        inputs: {
          ...backend.inputs,
          secrets: [...TRICKY_SECRETS, ...FILE_SECRETS].join('\n'),
          'export-env': 'true',
        },
        env: { FROM_STEP_ENV: 'op://Engineering/tricky/shell' },
      });
      assert.equal(ok.exitCode, 0, ok.stdout);
      assert.equal(ok.stderr, '', 'the action wrote to stderr, which the runner may not mask');
      for (const { name, value } of TRICKY) {
        assert.equal(ok.outputs[name], value, `${name} changed`);
        assert.equal(job.env[name], value, `${name} changed on its way to later steps`);
      }
      assert.equal(job.env['FROM_STEP_ENV'], TRICKY_VALUES.shell);
      assert.equal(readFileSync(ok.outputs['FILE_PEM'] ?? '', 'utf8'), TRICKY_VALUES.pem);
      assert.equal(readFileSync(ok.outputs['FILE_PERCENT'] ?? '', 'utf8'), TRICKY_VALUES.percent);
      assertMasksFirst(ok, ALL_TRICKY);
      assert.ok(ok.stdout.includes('::debug::'), 'debug output was not exercised');
      const secretDir = basename(dirname(ok.outputs['FILE_PEM'] ?? ''));

      // The values are on disk only where they belong.
      const holding = filesHoldingValues(job, ALL_TRICKY).sort();
      const expected = (path: string) =>
        /^_runner_file_commands[\\/](set_output_|set_env_)/.test(path) ||
        path.startsWith(`${secretDir}${path.includes('\\') ? '\\' : '/'}`);
      assert.deepEqual(
        holding.filter((path) => !expected(path)),
        [],
        'a value was written outside GITHUB_OUTPUT, GITHUB_ENV and the secret files',
      );
      assert.equal(holding.filter((path) => /set_output_/.test(path)).length, 1);
      assert.equal(holding.filter((path) => /set_env_/.test(path)).length, 1);
      assert.equal(holding.filter((path) => path.startsWith(secretDir)).length, 2);

      // 2. The same values with failing references alongside: the error paths.
      const failed = await job.step({
        inputs: {
          ...backend.inputs,
          secrets: [
            ...TRICKY_SECRETS,
            ...FILE_SECRETS,
            'MISSING_ITEM: op://Engineering/no-such-item/password',
            'MISSING_FIELD: op://Engineering/tricky/no-such-field',
          ].join('\n'),
          'export-env': 'true',
        },
      });
      assert.equal(failed.exitCode, 1, failed.stdout);
      assert.deepEqual(
        errorsOf(failed)
          .map((annotation) => annotation.title)
          .sort(),
        ['SECRETS_REF_NOT_FOUND', 'SECRETS_REF_NOT_FOUND'],
      );
      assert.deepEqual(failed.outputs, {});
      assert.deepEqual(failed.exportedEnv, {});
      assert.match(failed.summary, /SECRETS_REF_NOT_FOUND/);

      const posts = await job.post();
      assert.deepEqual(
        posts.map((post) => post.exitCode),
        [0, 0],
      );
      assert.deepEqual(
        filesHoldingValues(job, ALL_TRICKY).filter(
          (path) => !/^_runner_file_commands[\\/](set_output_|set_env_)/.test(path),
        ),
        [],
        'a value is still on disk after the post steps, outside the file-command files',
      );
      const results = [ok, failed, ...posts];
      assertNoLeak(results, [...ALL_TRICKY, ...TOKENS, ...TOKEN_PIECES, ...TOKEN_RUNS]);
      assertMaskedLog(results, [...ALL_TRICKY, ...TOKENS]);
    });
  }
});

describe('a value that contains another value', () => {
  const INNER = 'nested-inner-value-7c1f';
  const OUTER = `outer-prefix-${INNER}-suffix-2d4a`;
  const MULTI = `first-line-of-multi-0a1b\n${INNER}\nlast-line-of-multi-9e3c\n`;
  const vaults = (): FakeVault[] => {
    const copy = structuredClone<FakeVault[]>(VAULTS);
    copy
      .find((vault) => vault.id === IDS.vaults.engineering)
      ?.items.push({
        id: 'nestedvalues0000000000000i',
        title: 'nested',
        fields: [
          { id: 'outerfield000000000000000f', type: 'CONCEALED', label: 'outer', value: OUTER },
          { id: 'innerfield000000000000000f', type: 'CONCEALED', label: 'inner', value: INNER },
          { id: 'multifield000000000000000f', type: 'STRING', label: 'multi', value: MULTI },
        ],
      });
    return copy;
  };
  // Outer first, so that a masker matching values in order would leave part of it shown.
  const SECRETS = [
    'OUTER: op://Engineering/nested/outer',
    'MULTI: op://Engineering/nested/multi',
    'INNER: op://Engineering/nested/inner',
  ].join('\n');

  function check(job: Job, result: StepResult): void {
    assert.equal(result.exitCode, 0, result.stdout);
    assert.equal(result.outputs['OUTER'], OUTER);
    assert.equal(result.outputs['INNER'], INNER);
    assert.equal(result.outputs['MULTI'], MULTI);
    assert.equal(job.env['OUTER'], OUTER);
    assertMasksFirst(result, [OUTER, INNER, MULTI]);
    assertNoLeak(result, [OUTER, INNER, MULTI, ...TOKENS]);
    assertMaskedLog([result], [OUTER, INNER, MULTI]);
    // What the runner would show for a later line holding both.
    const shown = job.mask(`before ${OUTER} middle ${INNER} after`);
    assert.ok(!shown.includes('nested') && !shown.includes('prefix'), shown);
  }

  it('Connect: both masks registered before any other line', async () => {
    connect.setVaults(vaults());
    const job = newJob({ OP_CONNECT_HOST: connect.url, OP_CONNECT_TOKEN: CONNECT_TOKEN });
    const result = await job.step({ inputs: { secrets: SECRETS, 'export-env': 'true' } });
    check(job, result);
  });

  it('op (service account): both masks registered before any other line', async () => {
    const data = join(tempDir, 'op-data.json');
    writeOpData(data, vaults());
    const job = newJob({
      PATH: fakeOpPath(),
      ...fakeOpEnv({ dataFile: data }),
      OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN,
    });
    const result = await job.step({
      inputs: {
        secrets: SECRETS,
        'export-env': 'true',
        'auth-mode': 'service-account',
        'service-account-resolver': 'cli',
      },
    });
    check(job, result);
  });
});

describe('tokens in library and server errors', () => {
  const SECRETS = [
    'TOKEN: op://Engineering/deploy/token',
    'KEY: op://Platform/api/key',
    ...FILE_SECRETS,
  ].join('\n');
  const connectJob = () =>
    newJob({ OP_CONNECT_HOST: connect.url, OP_CONNECT_TOKEN: CONNECT_TOKEN });

  function assertTokenHidden(results: StepResult | StepResult[]): void {
    const list = Array.isArray(results) ? results : [results];
    for (const result of list) {
      for (const annotation of result.annotations) {
        for (const piece of [...TOKENS, ...TOKEN_PIECES]) {
          assert.ok(!annotation.message.includes(piece), 'an annotation holds (part of) a token');
          assert.ok(!(annotation.title ?? '').includes(piece));
        }
      }
      assert.ok(!result.summary.includes(CONNECT_TOKEN) && !result.summary.includes('eyJ'));
    }
    assertNoLeak(list, [...TOKENS, ...TOKEN_PIECES, ...TOKEN_RUNS]);
  }

  it('op echoes the service-account token in its error', async () => {
    const job = newJob({
      PATH: fakeOpPath(),
      ...fakeOpEnv({ fault: 'echo-token' }),
      OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN,
    });
    const result = await job.step({
      inputs: {
        secrets: SECRETS,
        'auth-mode': 'service-account',
        'service-account-resolver': 'cli',
      },
      env: { ACTIONS_STEP_DEBUG: 'true' },
    });
    assert.equal(result.exitCode, 1);
    assert.equal(errorsOf(result).length, 1);
    assert.equal(errorsOf(result)[0]?.title, 'SECRETS_PROVIDER_UNAVAILABLE');
    assert.match(errorsOf(result)[0]?.message ?? '', /401|sign in/);
    assertTokenHidden([result, ...(await job.post())]);
  });

  it('the token given as an input (not env) and echoed by op is hidden too', async () => {
    const job = newJob({ PATH: fakeOpPath(), ...fakeOpEnv({ fault: 'echo-token' }) });
    const result = await job.step({
      inputs: {
        secrets: SECRETS,
        'auth-mode': 'service-account',
        'service-account-resolver': 'cli',
        'service-account-token': SERVICE_ACCOUNT_TOKEN,
      },
    });
    assert.equal(result.exitCode, 1);
    assertTokenHidden(result);
  });

  it('a Connect 401 whose body echoes the bearer token', async () => {
    connect.fault({}, [
      {
        status: 401,
        rawBody: JSON.stringify({
          status: 401,
          message: `Invalid token signature for Authorization: Bearer ${CONNECT_TOKEN}`,
        }),
      },
    ]);
    const job = connectJob();
    const result = await job.step({ inputs: { secrets: SECRETS } });
    assert.equal(result.exitCode, 1);
    assert.equal(errorsOf(result).length, 1);
    assert.equal(errorsOf(result)[0]?.title, 'SECRETS_PROVIDER_UNAVAILABLE');
    assert.match(errorsOf(result)[0]?.message ?? '', /401/);
    assertTokenHidden([result, ...(await job.post())]);
  });

  it('a Connect 403 and 404 whose bodies quote the token (shown per secret)', async () => {
    const message = (what: string) =>
      JSON.stringify({ status: 0, message: `${what} for token ${CONNECT_TOKEN}` });
    connect.fault({ path: `/v1/vaults/${IDS.vaults.platform}/items` }, [
      { status: 403, rawBody: message('forbidden') },
    ]);
    connect.fault({ path: `/v1/vaults/${IDS.vaults.engineering}/items/${IDS.items.deploy}` }, [
      { status: 404, rawBody: message('gone') },
    ]);
    const job = connectJob();
    const result = await job.step({ inputs: { secrets: SECRETS } });
    assert.equal(result.exitCode, 1);
    assert.deepEqual(
      errorsOf(result)
        .map((annotation) => annotation.title)
        .sort(),
      ['SECRETS_ACCESS_DENIED', 'SECRETS_REF_NOT_FOUND'],
    );
    assertTokenHidden(result);
  });

  describe('a Connect 401 or 403 whose body echoes the token encoded or cut off', () => {
    const base64 = (text: string) => Buffer.from(text).toString('base64');
    // The Connect token is a JWT: URL encoding leaves it as it is, so a URL-encoded echo is
    // tried on the header line around it too. The number: where the text that betrays the token
    // starts (the base64 of `Authorization: Bearer ` is no secret; the 32nd character on encodes
    // the token only).
    const echoes: [string, string, number][] = [
      ['base64', base64(CONNECT_TOKEN), 0],
      ['base64, unpadded', base64(CONNECT_TOKEN).replace(/=+$/, ''), 0],
      ['base64url', Buffer.from(CONNECT_TOKEN).toString('base64url'), 0],
      ['base64 of the Authorization header', base64(`Authorization: Bearer ${CONNECT_TOKEN}`), 32],
      ['URL-encoded', `token=${encodeURIComponent(CONNECT_TOKEN)}`, 'token='.length],
      ['URL-encoded header', encodeURIComponent(`Bearer ${CONNECT_TOKEN}`), 'Bearer%20'.length],
      ['its first 60%', CONNECT_TOKEN.slice(0, Math.ceil(CONNECT_TOKEN.length * 0.6)), 0],
      ['its last 16 characters', CONNECT_TOKEN.slice(-16), 0],
    ];
    /** What must not show: each echo's secret part, and its pieces (messages are cut short). */
    const betraying = (list: typeof echoes) => {
      const secret = list.map(([, echo, from]) => echo.slice(from));
      return [...secret, ...piecesOf(secret)];
    };
    for (const entry of echoes) {
      const [why, echo] = entry;
      it(`401, ${why}`, async () => {
        connect.fault({}, [
          {
            status: 401,
            rawBody: JSON.stringify({ status: 401, message: `Invalid token ${echo}` }),
          },
        ]);
        const result = await connectJob().step({ inputs: { secrets: SECRETS } });
        assert.equal(result.exitCode, 1);
        assert.equal(errorsOf(result)[0]?.title, 'SECRETS_PROVIDER_UNAVAILABLE');
        assert.match(errorsOf(result)[0]?.message ?? '', /401/);
        assertTokenHidden(result);
        assertNoLeak(result, betraying([entry]));
      });
    }

    it('403 per secret, every form at once', async () => {
      const echo = echoes.map(([, form]) => form).join(' ');
      connect.fault({ path: `/v1/vaults/${IDS.vaults.platform}/items` }, [
        { status: 403, rawBody: JSON.stringify({ status: 403, message: `forbidden: ${echo}` }) },
      ]);
      const result = await connectJob().step({ inputs: { secrets: SECRETS } });
      assert.equal(result.exitCode, 1);
      assert.deepEqual(
        errorsOf(result).map((annotation) => annotation.title),
        ['SECRETS_ACCESS_DENIED'],
      );
      assertTokenHidden(result);
      assertNoLeak(result, betraying(echoes));
    });
  });

  it('op prints the token body without ops_, and the account it decodes to', async () => {
    const job = newJob({
      PATH: fakeOpPath(),
      ...fakeOpEnv({ fault: 'echo-token-body' }),
      OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN,
    });
    const result = await job.step({
      inputs: {
        secrets: SECRETS,
        'auth-mode': 'service-account',
        'service-account-resolver': 'cli',
      },
    });
    assert.equal(result.exitCode, 1);
    assert.equal(errorsOf(result)[0]?.title, 'SECRETS_PROVIDER_UNAVAILABLE');
    assert.match(errorsOf(result)[0]?.message ?? '', /401/);
    // Not vacuous: the part of the decoded account that is no secret still shows.
    assert.match(errorsOf(result)[0]?.message ?? '', /signInAddress/);
    assertTokenHidden([result, ...(await job.post())]);
  });

  it('a Connect 500 storm whose bodies hold the token', async () => {
    connect.fault(
      { path: '/v1/vaults' },
      Array<Fault>(8).fill({
        status: 500,
        rawBody: JSON.stringify({
          status: 500,
          message: `internal error; request had Authorization: Bearer ${CONNECT_TOKEN} token=${CONNECT_TOKEN}`,
        }),
      }),
    );
    const job = connectJob();
    const result = await job.step({
      inputs: { secrets: SECRETS },
      env: { ACTIONS_STEP_DEBUG: 'true' },
    });
    assert.equal(result.exitCode, 1);
    assert.equal(errorsOf(result).length, 1);
    assert.equal(errorsOf(result)[0]?.title, 'SECRETS_PROVIDER_UNAVAILABLE');
    assertTokenHidden([result, ...(await job.post())]);
  });
});
