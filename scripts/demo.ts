/**
 * `npm run try` (and `npm start`): the built action, run as the GitHub runner runs it, against
 * the fake Connect server on a free loopback port. Prints the step, the workflow log (masked),
 * what a later step sees (outputs, variables, files, the job summary; values masked as the
 * runner masks them), and the post step removing the files; then stops the server. Builds
 * dist/ first when it is missing. No account, no network beyond 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeConnect } from '../test/fakes/connect-server.ts';
import { CONNECT_TOKEN, VAULTS } from '../test/fixtures/vault-data.ts';
import { Job, type StepResult } from '../test/harness/index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!['index.js', 'post.js'].every((entry) => existsSync(join(root, 'dist', entry)))) {
  console.log('dist/ is not built: building it first (npm run build)\n');
  execFileSync(process.execPath, [join(root, 'scripts', 'build.ts')], { stdio: 'inherit' });
}

/** The job summary's HTML (a heading and one table) as text lines. */
function summaryLines(html: string): string[] {
  const text = (cell: string) =>
    cell
      .replace(/<[^>]*>/g, '')
      .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
  return html
    .replace(
      /<h(\d)>(.*?)<\/h\1>/g,
      (_, level: string, heading: string) => `${'#'.repeat(Number(level))} ${text(heading)}\n`,
    )
    .replace(/<tr>(.*?)<\/tr>/g, (_, row: string) => {
      const cells = [...row.matchAll(/<t[hd]>(.*?)<\/t[hd]>/g)].map(([, cell = '']) => text(cell));
      return `| ${cells.join(' | ')} |\n`;
    })
    .replace(/<\/?table>/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/**
 * Prints what a later step sees, every value through the job's masker as the runner prints it;
 * returns the files (`file: true`: the output and the variable are the path of a file).
 */
function showLaterStep(job: Job, main: StepResult): [name: string, file: string][] {
  const shows = (value: string) => job.mask(value).replaceAll('\n', '\\n');
  console.log('── what a later step sees ──');
  console.log('${{ steps.op.outputs.<name> }}:');
  for (const [name, value] of Object.entries(main.outputs)) {
    console.log(`  ${name}: ${shows(value)}`);
  }
  console.log('$<name> (export-env):');
  for (const [name, value] of Object.entries(main.exportedEnv)) {
    console.log(`  ${name}=${shows(value)}`);
  }
  const files = Object.entries(main.outputs).filter(
    ([, value]) => value.startsWith(job.runnerTemp + sep) && existsSync(value),
  );
  console.log('files:');
  for (const [name, file] of files) {
    const { mode, size } = statSync(file);
    console.log(
      `  $${name}: ${file} (${(mode & 0o777).toString(8).padStart(4, '0')}, ${size} bytes)`,
    );
    console.log(`  cat "$${name}" shows:`);
    for (const line of readFileSync(file, 'utf8').trimEnd().split('\n')) {
      console.log(`    ${job.mask(line)}`);
    }
  }
  console.log('job summary:');
  for (const line of summaryLines(main.summary)) console.log(`  ${job.mask(line)}`);
  return files;
}

const server = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
// As for ${{ secrets.X }} in a workflow, the runner masks the token from the start.
const job = new Job({ secrets: [CONNECT_TOKEN] });
try {
  const envTpl = 'QUEUE_PASSWORD=op://Platform/queue/eu/password\n';
  writeFileSync(join(job.workspace, '.env.tpl'), envTpl);
  const secrets = [
    'DEPLOY_TOKEN: op://Engineering/deploy/token',
    'DB_PASSWORD: op://Platform/db/staging/password',
    'MFA_CODE: op://Engineering/mfa/one-time password?attribute=otp',
    'API: op://Engineering/whole/*',
    'TLS_KEY:',
    '  ref: op://Platform/tls/private key',
    '  file: true',
  ].join('\n');
  const inputs = { secrets, 'export-env': 'true' };
  const env = {
    OP_CONNECT_HOST: server.url,
    OP_CONNECT_TOKEN: CONNECT_TOKEN,
    LEGACY_KEY: 'op://Engineering/legacy/credential',
    OP_ENV_FILE: './.env.tpl',
  };
  console.log(`fake Connect server: ${server.url}\n`);
  // The step exactly as it runs below; the token as a workflow would pass it.
  const shown: Record<string, string> = {
    ...env,
    OP_CONNECT_TOKEN: '${{ secrets.OP_CONNECT_TOKEN }}',
  };
  console.log(
    [
      '- uses: ./',
      '  id: op',
      '  with:',
      ...Object.entries(inputs).map(([name, value]) =>
        value.includes('\n')
          ? `    ${name}: |\n${value.replace(/^/gm, '      ')}`
          : `    ${name}: ${value}`,
      ),
      '  env:',
      ...Object.entries(shown).map(([name, value]) => `    ${name}: ${value}`),
    ].join('\n'),
  );
  console.log(`\n./.env.tpl (OP_ENV_FILE):\n${envTpl.replace(/^(?=.)/gm, '  ')}`);
  const main = await job.step({ id: 'op', inputs, env });
  console.log('── workflow log (as the runner shows it) ──');
  for (const line of main.log) console.log(line);
  console.log(`── exit code ${main.exitCode} ──\n`);
  const files = showLaterStep(job, main);
  const [post] = await job.post();
  console.log('\n── post step ──');
  for (const line of post?.log ?? []) console.log(line);
  const left = files.filter(([, file]) => existsSync(file));
  for (const [name, file] of files) {
    console.log(`${name}: ${file} ${existsSync(file) ? 'is STILL THERE' : 'removed'}`);
  }
  process.exitCode = main.exitCode === 0 && post?.exitCode === 0 && left.length === 0 ? 0 : 1;
} finally {
  await job.cleanup();
  await server.close();
  console.log(`fake Connect server stopped (${server.url})`);
}
