import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SETTINGS } from '../../src/backends/modes.ts';
import { chooseMode } from '../../src/backends/select.ts';
import { SecretsError } from '../../src/errors.ts';
import { type Inputs, readInputs } from '../../src/inputs.ts';
import { MemoryRunner } from '../support/memory-runner.ts';

/** Reads inputs as given in `with:` (defaults from action.yml), with the step's environment. */
function read(values: Record<string, string>, env: Record<string, string | undefined> = {}) {
  return readInputs(new MemoryRunner({ inputs: values, env }));
}

function codes(result: { errors: readonly { code: string }[] }): string[] {
  return result.errors.map((error) => error.code);
}

describe('readInputs: defaults', () => {
  it('reads the runner defaults without errors', () => {
    const { inputs, errors } = read({});
    assert.deepEqual(errors, []);
    assert.equal(inputs.secrets, '');
    assert.equal(inputs.authMode, 'auto');
    assert.equal(inputs.serviceAccountResolver, 'sdk');
    assert.equal(inputs.exportEnv, false);
    assert.equal(inputs.unsetPrevious, false);
    assert.equal(inputs.refreshAfterSeconds, 3600);
    assert.equal(inputs.serviceAccountToken, undefined);
    assert.equal(inputs.connectHost, undefined);
    assert.equal(inputs.connectToken, undefined);
    assert.equal(inputs.connectCa, undefined);
    assert.equal(inputs.vault, undefined);
    assert.equal(inputs.account, undefined);
  });

  it('returns a frozen object', () => {
    const { inputs } = read({});
    assert.ok(Object.isFrozen(inputs));
    assert.throws(() => {
      (inputs as { exportEnv: boolean }).exportEnv = true;
    }, TypeError);
  });
});

describe('readInputs: strict booleans', () => {
  const accepted: [string, boolean][] = [
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
  ];
  for (const input of ['export-env', 'unset-previous'] as const) {
    const key = input === 'export-env' ? 'exportEnv' : 'unsetPrevious';
    for (const [value, expected] of accepted) {
      it(`${input}: ${value} -> ${expected}`, () => {
        const result = read({ [input]: value });
        assert.deepEqual(result.errors, []);
        assert.equal(result.inputs[key], expected);
      });
    }
    for (const value of ['yes', 'no', '1', '0', 'on', 'off', 'tRue', 'fAlse', 'y', 'truee']) {
      it(`${input}: ${JSON.stringify(value)} is SECRETS_CONFIG_INVALID`, () => {
        const result = read({ [input]: value });
        assert.deepEqual(codes(result), ['SECRETS_CONFIG_INVALID']);
        assert.match(result.errors[0]?.message ?? '', new RegExp(input));
      });
    }
  }
});

describe('readInputs: refresh-after-seconds', () => {
  const accepted: [string, number][] = [
    ['0', 0],
    ['1', 1],
    ['60', 60],
    ['3600', 3600],
    ['86400', 86400],
  ];
  for (const [value, expected] of accepted) {
    it(`${value} -> ${expected}`, () => {
      const result = read({ 'refresh-after-seconds': value });
      assert.deepEqual(result.errors, []);
      assert.equal(result.inputs.refreshAfterSeconds, expected);
    });
  }
  for (const value of ['-1', '1.5', '1e3', 'abc', '0x10', '+5', '10s', 'Infinity', 'NaN', '１２']) {
    it(`${JSON.stringify(value)} is SECRETS_CONFIG_INVALID`, () => {
      const result = read({ 'refresh-after-seconds': value });
      assert.deepEqual(codes(result), ['SECRETS_CONFIG_INVALID']);
    });
  }
});

describe('readInputs: auth-mode and resolver', () => {
  for (const mode of ['auto', 'service-account', 'connect', 'cli'] as const) {
    it(`auth-mode ${mode}`, () => {
      const result = read({ 'auth-mode': mode });
      assert.deepEqual(result.errors, []);
      assert.equal(result.inputs.authMode, mode);
    });
  }
  for (const mode of ['Connect', 'sdk', 'token', 'service_account', 'none', 'AUTO']) {
    it(`unknown auth-mode ${mode} is SECRETS_CONFIG_INVALID`, () => {
      const result = read({ 'auth-mode': mode });
      assert.deepEqual(codes(result), ['SECRETS_CONFIG_INVALID']);
      assert.match(result.errors[0]?.message ?? '', /auth-mode/);
    });
  }
  for (const resolver of ['sdk', 'cli'] as const) {
    it(`service-account-resolver ${resolver}`, () => {
      const result = read({ 'service-account-resolver': resolver });
      assert.deepEqual(result.errors, []);
      assert.equal(result.inputs.serviceAccountResolver, resolver);
    });
  }
  it('unknown service-account-resolver is SECRETS_CONFIG_INVALID', () => {
    const result = read({ 'service-account-resolver': 'api' });
    assert.deepEqual(codes(result), ['SECRETS_CONFIG_INVALID']);
  });
  it('reports several bad inputs at once', () => {
    const result = read({ 'auth-mode': 'x', 'export-env': 'yes', 'refresh-after-seconds': '-1' });
    assert.equal(result.errors.length, 3);
  });
});

describe('readInputs: credentials and their environment fallbacks', () => {
  const cases: {
    why: string;
    inputs?: Record<string, string>;
    env?: Record<string, string | undefined>;
    expected: Partial<Pick<Inputs, 'serviceAccountToken' | 'connectHost' | 'connectToken'>>;
  }[] = [
    {
      why: 'OP_SERVICE_ACCOUNT_TOKEN',
      env: { OP_SERVICE_ACCOUNT_TOKEN: 'ops_fromenv' },
      expected: { serviceAccountToken: 'ops_fromenv' },
    },
    {
      why: 'input wins over OP_SERVICE_ACCOUNT_TOKEN',
      inputs: { 'service-account-token': 'ops_input' },
      env: { OP_SERVICE_ACCOUNT_TOKEN: 'ops_fromenv' },
      expected: { serviceAccountToken: 'ops_input' },
    },
    {
      why: 'empty input falls back to the variable',
      inputs: { 'service-account-token': '' },
      env: { OP_SERVICE_ACCOUNT_TOKEN: 'ops_fromenv' },
      expected: { serviceAccountToken: 'ops_fromenv' },
    },
    {
      why: 'empty OP_SERVICE_ACCOUNT_TOKEN is missing',
      env: { OP_SERVICE_ACCOUNT_TOKEN: '' },
      expected: { serviceAccountToken: undefined },
    },
    {
      why: 'blank OP_SERVICE_ACCOUNT_TOKEN is missing',
      env: { OP_SERVICE_ACCOUNT_TOKEN: '  \n' },
      expected: { serviceAccountToken: undefined },
    },
    {
      why: 'blank service-account-token input is missing',
      inputs: { 'service-account-token': '   ' },
      expected: { serviceAccountToken: undefined },
    },
    {
      why: 'OP_CONNECT_HOST and OP_CONNECT_TOKEN',
      env: { OP_CONNECT_HOST: 'https://connect.example.com', OP_CONNECT_TOKEN: 'eyJ.x.y' },
      expected: { connectHost: 'https://connect.example.com', connectToken: 'eyJ.x.y' },
    },
    {
      why: 'connect inputs win over the variables',
      inputs: { 'connect-host': 'https://a.example', 'connect-token': 'tok-a' },
      env: { OP_CONNECT_HOST: 'https://b.example', OP_CONNECT_TOKEN: 'tok-b' },
      expected: { connectHost: 'https://a.example', connectToken: 'tok-a' },
    },
    {
      why: 'empty OP_CONNECT_TOKEN is missing',
      env: { OP_CONNECT_HOST: 'https://connect.example.com', OP_CONNECT_TOKEN: '' },
      expected: { connectHost: 'https://connect.example.com', connectToken: undefined },
    },
    {
      why: 'empty OP_CONNECT_HOST is missing',
      env: { OP_CONNECT_HOST: '', OP_CONNECT_TOKEN: 'tok' },
      expected: { connectHost: undefined, connectToken: 'tok' },
    },
    {
      why: 'nothing set',
      env: {},
      expected: { serviceAccountToken: undefined, connectHost: undefined, connectToken: undefined },
    },
  ];
  for (const c of cases) {
    it(c.why, () => {
      const result = read(c.inputs ?? {}, c.env ?? {});
      assert.deepEqual(result.errors, []);
      for (const [key, value] of Object.entries(c.expected)) {
        assert.equal(result.inputs[key as keyof typeof c.expected], value, key);
      }
    });
  }
});

describe('readInputs: every setting of the table of modes', () => {
  for (const setting of SETTINGS.filter((one) => one.choices === undefined)) {
    it(`${setting.name}: read from ${setting.input}${setting.variable ? `, else ${setting.variable}` : ''}`, () => {
      const env = setting.variable ? { [setting.variable]: ' from-env \n' } : {};
      assert.equal(read({ [setting.input]: 'from-input' }, env).inputs[setting.name], 'from-input');
      assert.equal(read({}, env).inputs[setting.name], setting.variable ? 'from-env' : undefined);
    });
  }
});

describe('readInputs then chooseMode: a token set but empty counts as missing', () => {
  const cases: { why: string; mode: string; env: Record<string, string>; missing: string }[] = [
    {
      why: 'service-account with an empty OP_SERVICE_ACCOUNT_TOKEN',
      mode: 'service-account',
      env: { OP_SERVICE_ACCOUNT_TOKEN: '' },
      missing: 'OP_SERVICE_ACCOUNT_TOKEN',
    },
    {
      why: 'connect with an empty OP_CONNECT_TOKEN',
      mode: 'connect',
      env: { OP_CONNECT_HOST: 'https://connect.example.com', OP_CONNECT_TOKEN: '' },
      missing: 'OP_CONNECT_TOKEN',
    },
    {
      why: 'connect with an empty OP_CONNECT_HOST',
      mode: 'connect',
      env: { OP_CONNECT_HOST: ' ', OP_CONNECT_TOKEN: 'tok' },
      missing: 'OP_CONNECT_HOST',
    },
    {
      why: 'auto with only empty tokens',
      mode: 'auto',
      env: { OP_SERVICE_ACCOUNT_TOKEN: '', OP_CONNECT_HOST: '', OP_CONNECT_TOKEN: '' },
      missing: 'OP_SERVICE_ACCOUNT_TOKEN',
    },
  ];
  for (const c of cases) {
    it(c.why, () => {
      const { inputs, errors } = read({ 'auth-mode': c.mode }, c.env);
      assert.deepEqual(errors, []);
      assert.throws(
        () => chooseMode(inputs),
        (thrown: unknown) =>
          thrown instanceof SecretsError &&
          thrown.code === 'SECRETS_PROVIDER_UNAVAILABLE' &&
          thrown.message.includes(c.missing),
      );
    });
  }
});

describe('readInputs: vault and other strings', () => {
  for (const vault of ['Engineering', 'My Vault', 'Équipe ☃', 'abcdefghijklmnopqrstuvwxyz']) {
    it(`vault ${JSON.stringify(vault)} accepted`, () => {
      const result = read({ vault });
      assert.deepEqual(result.errors, []);
      assert.equal(result.inputs.vault, vault);
    });
  }
  for (const vault of ['Eng/prod', 'a/b/c', '/', 'V?x', 'V#x']) {
    it(`vault ${JSON.stringify(vault)} is SECRETS_CONFIG_INVALID`, () => {
      const result = read({ vault });
      assert.deepEqual(codes(result), ['SECRETS_CONFIG_INVALID']);
    });
  }
  const SIXTY_FOUR = 'a'.repeat(64);
  for (const id of ['stagingenv000000000000000e', 'docs-env', 'Env_1', '_x-', '9', SIXTY_FOUR]) {
    it(`environment ${JSON.stringify(id)} accepted, from the input or OP_ENVIRONMENT_ID`, () => {
      for (const result of [read({ environment: id }), read({}, { OP_ENVIRONMENT_ID: id })]) {
        assert.deepEqual(result.errors, []);
        assert.equal(result.inputs.environment, id);
      }
    });
  }
  for (const id of ['--help', '-v', 'a b', 'env/1', 'env.1', 'Équipe', 'a\tb', `${SIXTY_FOUR}a`]) {
    it(`environment ${JSON.stringify(id)} is SECRETS_CONFIG_INVALID, from the input or OP_ENVIRONMENT_ID`, () => {
      for (const result of [read({ environment: id }), read({}, { OP_ENVIRONMENT_ID: id })]) {
        assert.deepEqual(codes(result), ['SECRETS_CONFIG_INVALID']);
        assert.match(
          result.errors[0]?.message ?? '',
          /^environment \(or OP_ENVIRONMENT_ID\) ".*" is not an Environment ID: letters, digits, - and _ only, not starting with -, at most 64 characters$/,
        );
      }
    });
  }
  it('reads secrets, account and connect-ca', () => {
    const result = read({
      secrets: 'A: op://V/I/F',
      account: 'my.1password.com',
      'connect-ca': '/path/to/ca.pem',
    });
    assert.deepEqual(result.errors, []);
    assert.equal(result.inputs.secrets, 'A: op://V/I/F');
    assert.equal(result.inputs.account, 'my.1password.com');
    assert.equal(result.inputs.connectCa, '/path/to/ca.pem');
  });
});
