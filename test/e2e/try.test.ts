/**
 * `npm run try` (and `npm start`, the same script): on a fresh checkout it runs the built action
 * against the fake Connect server, shows what a later step sees with every value masked, removes
 * the files in the post step, stops the server and exits by itself.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ALL_VALUES, CONNECT_TOKEN } from '../fixtures/vault-data.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECRET_NAMES = [
  'DEPLOY_TOKEN',
  'DB_PASSWORD',
  'MFA_CODE',
  'API_USERNAME',
  'API_API_KEY',
  'API_REGION',
  'API_DB_HOST',
  'API_DB_USER_NAME',
  'LEGACY_KEY',
  'QUEUE_PASSWORD',
];

interface Run {
  code: number | null;
  killed: boolean;
  pid: number;
  stdout: string;
  stderr: string;
}

/** Runs the script in its own process group; kills the group if it is not done in 60 s. */
function run(script: string): Promise<Run> {
  const child = spawn(process.execPath, [script], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid ?? 0;
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    process.kill(-pid, 'SIGKILL');
  }, 60_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, killed, pid, stdout, stderr });
    });
  });
}

/** Whether anything accepts a connection on the loopback port (a refusal answers at once). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 10_000 });
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('timeout', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

it('npm run try and npm start run the same script, scripts/demo.ts', () => {
  const { scripts } = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as {
    scripts: Record<string, string>;
  };
  assert.equal(scripts['try'], 'node scripts/demo.ts');
  assert.equal(scripts['start'], scripts['try']);
});

describe('npm run try', () => {
  let result: Run;
  before(async () => {
    result = await run(`${ROOT}/scripts/demo.ts`);
  });

  it('exits 0 by itself, the server stopped and no process of its group left', async () => {
    assert.equal(result.killed, false, 'npm run try did not finish within 60 s');
    assert.equal(result.code, 0, result.stderr);
    assert.throws(() => process.kill(-result.pid, 0), { code: 'ESRCH' });
    const port = /^fake Connect server: http:\/\/127\.0\.0\.1:(\d+)$/m.exec(result.stdout)?.[1];
    assert.ok(port !== undefined, 'no server address printed');
    assert.match(result.stdout, new RegExp(`^fake Connect server stopped \\(.*:${port}\\)$`, 'm'));
    assert.equal(await listening(Number(port)), false, 'the fake Connect server still listens');
  });

  it('prints the step it runs and the masked log', () => {
    const { stdout } = result;
    assert.match(stdout, /── exit code 0 ──/);
    // The printed step is the one that runs: Connect settings included, and the .env.tpl it loads.
    const [snippet = ''] = stdout.split('── workflow log');
    assert.match(snippet, /^- uses: \.\/\n {2}id: op\n/m);
    assert.match(snippet, /^ {4}OP_CONNECT_HOST: http:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(snippet, /^ {4}OP_CONNECT_TOKEN: \$\{\{ secrets\.OP_CONNECT_TOKEN \}\}$/m);
    assert.match(snippet, /^ {4}OP_ENV_FILE: \.\/\.env\.tpl$/m);
    assert.match(
      snippet,
      /\.env\.tpl.*\n {2}QUEUE_PASSWORD=op:\/\/Platform\/queue\/eu\/password\n/,
    );
    // No empty log group.
    assert.doesNotMatch(stdout, /##\[group\][^\n]*\n##\[endgroup\]/);
    // A whole item counts its five fields.
    assert.match(
      stdout,
      /resolved 11 secrets via connect as outputs, and exported 11 environment variables\n/,
    );
  });

  it('shows a later step each secret as ***, the file by its path, and the summary', () => {
    const [, later = ''] = result.stdout.split('── what a later step sees ──');
    const [outputs = '', env = ''] = later.split('$<name> (export-env):');
    for (const name of SECRET_NAMES) {
      assert.match(outputs, new RegExp(`^ {2}${name}: \\*\\*\\*$`, 'm'));
      assert.match(env, new RegExp(`^ {2}${name}=\\*\\*\\*$`, 'm'));
    }
    const path = String.raw`/\S+/_work/_temp/op-secrets-\w+/TLS_KEY`;
    assert.match(outputs, new RegExp(`^ {2}TLS_KEY: ${path}$`, 'm'));
    assert.match(env, new RegExp(`^ {2}TLS_KEY=${path}$`, 'm'));
    assert.match(env, /^ {2}OP_MANAGED_VARIABLES=DEPLOY_TOKEN,.*,QUEUE_PASSWORD$/m);
    assert.match(later, new RegExp(`^ {2}\\$TLS_KEY: ${path} \\(0600, \\d+ bytes\\)$`, 'm'));
    // Every line of the key file is masked, as `cat` in a later step would show it.
    assert.match(later, /cat "\$TLS_KEY" shows:\n( {4}\*\*\*\n){5}job summary:/);
    assert.match(later, /^ {2}### 1Password secrets \(step op\)$/m);
    assert.match(later, /^ {2}\| Name \| Reference \| Exported as \| Result \|$/m);
    assert.match(
      later,
      /^ {2}\| TLS_KEY \| op:\/\/Platform\/tls\/private key \| output, env, file \| resolved \|$/m,
    );
  });

  it('removes the file in the post step', () => {
    const [, post = ''] = result.stdout.split('── post step ──');
    assert.match(post, /^removed the secret files in /m);
    const file = /^TLS_KEY: (\S+) removed$/m.exec(post)?.[1];
    assert.ok(file !== undefined, 'the post step did not report the file removed');
    assert.equal(existsSync(file), false);
    // The whole job directory went with the job.
    assert.equal(existsSync(file.replace(/\/_work\/.*$/, '')), false);
  });

  it('prints no value and no line of one in clear', () => {
    const printed = result.stdout + result.stderr;
    for (const value of [...ALL_VALUES, CONNECT_TOKEN]) {
      assert.ok(!printed.includes(value), 'npm run try printed a value');
      for (const line of value.split('\n').map((part) => part.trim())) {
        if (line.length >= 16) {
          assert.ok(!printed.includes(line), 'npm run try printed a line of a value');
        }
      }
    }
  });
});
