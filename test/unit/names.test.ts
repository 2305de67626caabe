import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nameKey, nameProblem } from '../../src/names.ts';

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
    ['GITHUB_TOKEN', 'reserved prefix GITHUB_'],
    ['github_token', 'reserved prefix, lower case'],
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
