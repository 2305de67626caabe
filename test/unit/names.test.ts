import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  ALLOWED_NAMES,
  nameKey,
  nameProblem,
  RESERVED_NAMES,
  RESERVED_PREFIXES,
} from '../../src/names.ts';
import { anyString, SEED } from '../support/arbitraries.ts';
import {
  EXTRA_NAMES,
  EXTRA_PREFIXES,
  modelAccepts,
  modelReserved,
  SPEC_ALLOWED,
  SPEC_NAMES,
  SPEC_PREFIXES,
} from '../support/name-model.ts';

describe('names: valid', () => {
  const valid = [
    'A',
    'a',
    '_',
    '_A',
    'DEPLOY_TOKEN',
    'db_password',
    'Token2',
    'X123',
    'GITHUBTOKEN', // no underscore: not the GITHUB_ prefix
    'MY_GITHUB_TOKEN',
    'PATH2',
    'MYPATH',
    'NODE_OPTIONS2',
    'RUNNERX',
    'ACTIONSX',
    'INPUTX',
    'OP_TOKEN',
    // Allowed although GITHUB_ is reserved: 1Password's own action accepts it, and tools read it.
    'GITHUB_TOKEN',
    'github_token',
    'Github_Token',
    // Near misses of reserved names and prefixes.
    'CORP_TOKEN', // not COR_
    'COR', // the bare word, no underscore
    'GIT_CONFIG', // not GIT_CONFIG_
    'GIT_TOKEN',
    'PYTHON_TOKEN',
    'JAVA_OPTIONS',
    'NODE_ENV', // set by many workflows; changes no loader
    'OP_CONNECT_TOKEN_2',
    'ENVIRONMENT',
  ];
  for (const name of valid) {
    it(name, () => {
      assert.equal(nameProblem(name), undefined);
    });
  }
});

describe('names: refused', () => {
  const invalid: [string, string][] = [
    ['', 'empty'],
    ['1A', 'leading digit'],
    ['A-B', 'dash'],
    ['A.B', 'dot'],
    ['A B', 'space'],
    [' A', 'leading space'],
    ['A ', 'trailing space'],
    ['É', 'non-ASCII letter'],
    ['A\nB', 'newline'],
    ['A=B', 'equals sign'],
    ['A<<B', 'heredoc marker'],
    ['$A', 'dollar'],
    // Reserved names and prefixes, case-insensitively.
    ['GITHUB_ENV', 'reserved prefix GITHUB_'],
    ['GITHUB_OUTPUT', 'reserved prefix GITHUB_'],
    ['GITHUB_TOKEN_2', 'reserved prefix GITHUB_ (only GITHUB_TOKEN itself is allowed)'],
    ['github_x', 'reserved prefix, lower case'],
    ['GitHub_Env', 'reserved prefix, mixed case'],
    ['GITHUB_', 'the bare prefix'],
    ['RUNNER_TEMP', 'reserved prefix RUNNER_'],
    ['runner_temp', 'reserved prefix, lower case'],
    ['ACTIONS_X', 'reserved prefix ACTIONS_'],
    ['ACTIONS_RUNTIME_TOKEN', 'reserved prefix ACTIONS_'],
    ['actions_id_token_request_url', 'reserved prefix, lower case'],
    ['INPUT_X', 'reserved prefix INPUT_'],
    ['input_secrets', 'reserved prefix, lower case'],
    ['STATE_X', 'the toolkit uses STATE_'],
    ['PATH', 'PATH'],
    ['Path', 'Path (Windows spelling)'],
    ['path', 'path'],
    ['NODE_OPTIONS', 'NODE_OPTIONS'],
    ['node_options', 'node_options'],
    ['LD_PRELOAD', 'LD_PRELOAD'],
    ['ld_preload', 'ld_preload'],
    ['LD_LIBRARY_PATH', 'LD_LIBRARY_PATH'],
    ['DYLD_INSERT_LIBRARIES', 'DYLD_INSERT_LIBRARIES'],
    ['BASH_ENV', 'BASH_ENV'],
    ['bash_env', 'bash_env'],
    ['NODE_EXTRA_CA_CERTS', 'NODE_EXTRA_CA_CERTS'],
    ['NODE_TLS_REJECT_UNAUTHORIZED', 'NODE_TLS_REJECT_UNAUTHORIZED'],
    ['node_path', 'node_path'],
    ['PATHEXT', 'PATHEXT'],
    ['JAVA_TOOL_OPTIONS', 'JVM agent options'],
    ['_JAVA_OPTIONS', 'JVM options'],
    ['jdk_java_options', 'JVM launcher options, lower case'],
    ['DOTNET_STARTUP_HOOKS', '.NET startup hooks'],
    ['COR_PROFILER_PATH', '.NET Framework profiler'],
    ['COR_ENABLE_PROFILING', '.NET Framework profiler'],
    ['CORECLR_PROFILER', '.NET profiler'],
    ['coreclr_profiler_path_64', '.NET profiler, lower case'],
    ['PYTHONHOME', 'PYTHONHOME'],
    ['PYTHONSTARTUP', 'PYTHONSTARTUP'],
    ['PythonPath', 'PYTHONPATH, mixed case'],
    ['PERL5OPT', 'PERL5OPT'],
    ['RUBYOPT', 'RUBYOPT'],
    ['GCONV_PATH', 'GCONV_PATH'],
    ['GIT_SSH_COMMAND', 'GIT_SSH_COMMAND'],
    ['GIT_ASKPASS', 'GIT_ASKPASS'],
    ['GIT_CONFIG_COUNT', 'GIT_CONFIG_ prefix'],
    ['GIT_CONFIG_KEY_0', 'GIT_CONFIG_ prefix'],
    ['PSModulePath', 'PowerShell module path'],
    ['NODE_V8_COVERAGE', 'NODE_V8_COVERAGE'],
    ['NODE_USE_ENV_PROXY', 'NODE_USE_ENV_PROXY'],
    ['NODE_REPL_EXTERNAL_MODULE', 'NODE_REPL_EXTERNAL_MODULE'],
    ['ENV', 'ENV (sh startup file)'],
    ['env', 'env, lower case'],
    ['OP_SERVICE_ACCOUNT_TOKEN', 'this action reads it'],
    ['OP_CONNECT_HOST', 'this action reads it'],
    ['OP_CONNECT_TOKEN', 'this action reads it'],
    ['op_env_file', 'this action reads it, lower case'],
    ['OP_WORKLOAD_ID', 'this action reads it'],
    ['OP_INTEGRATION_KEY', 'this action reads it'],
    ['OP_ENVIRONMENT_ID', 'this action reads it'],
    ['OP_MANAGED_VARIABLES', 'this action keeps its exported names there'],
  ];
  for (const [name, why] of invalid) {
    it(`${why}: ${JSON.stringify(name)}`, () => {
      assert.equal(typeof nameProblem(name), 'string');
    });
  }
});

describe('nameKey', () => {
  it('compares names case-insensitively', () => {
    assert.equal(nameKey('Token'), nameKey('TOKEN'));
    assert.equal(nameKey('db_password'), nameKey('DB_PASSWORD'));
    assert.notEqual(nameKey('A'), nameKey('B'));
  });
});

// Besides the model's lists, src/names.ts's own: a name added there alone is a disagreement.
const nameLike = fc.oneof(
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/),
  fc.mixedCase(
    fc.constantFrom(
      ...SPEC_NAMES,
      ...EXTRA_NAMES,
      ...SPEC_ALLOWED,
      ...RESERVED_NAMES,
      ...ALLOWED_NAMES,
      'PATH2',
      'MYPATH',
      'CIX',
      'HOMES',
    ),
  ),
  fc
    .tuple(
      fc.mixedCase(
        fc.constantFrom(
          ...SPEC_PREFIXES,
          ...EXTRA_PREFIXES,
          ...RESERVED_PREFIXES,
          'GITHUB',
          'OP_',
          'LD',
        ),
      ),
      fc.stringMatching(/^[A-Za-z0-9_]{0,8}$/),
    )
    .map(([prefix, rest]) => prefix + rest),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'true', 'null', '_', '1A', 'A-B', 'A=B'),
);

describe(`nameProblem, generated names (seed ${SEED})`, () => {
  it('is undefined exactly when the name matches the pattern and is not reserved', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, nameLike), (name) => {
        assert.equal(nameProblem(name) === undefined, modelAccepts(name), JSON.stringify(name));
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses SPEC.md's reserved names and prefixes in any case", () => {
    const reserved = fc.oneof(
      fc.mixedCase(fc.constantFrom(...SPEC_NAMES)),
      fc
        .tuple(
          fc.mixedCase(fc.constantFrom(...SPEC_PREFIXES)),
          fc.stringMatching(/^[A-Za-z0-9_]{0,12}$/),
        )
        .map(([prefix, rest]) => prefix + rest)
        .filter((name) => !SPEC_ALLOWED.includes(name.toUpperCase())),
    );
    fc.assert(
      fc.property(reserved, (name) => {
        assert.notEqual(nameProblem(name), undefined, name);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts generated names that are not reserved', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,30}$/).filter((name) => !modelReserved(name)),
        (name) => {
          assert.equal(nameProblem(name), undefined, name);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
