/**
 * `npm start`: the built action, run as the GitHub runner runs it, against the embedded fake
 * Connect server. Prints what the workflow log would show (masked), then the outputs and
 * exported variables by name. No account needed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeConnect } from '../test/fakes/connect-server.ts';
import { CONNECT_TOKEN, VAULTS } from '../test/fixtures/vault-data.ts';
import { Job } from '../test/harness/index.ts';

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
  console.log('outputs:', Object.keys(main.outputs).join(', '));
  console.log('exported variables:', Object.keys(main.exportedEnv).join(', '));
  console.log(
    `a later step's \${{ steps.op.outputs.DEPLOY_TOKEN }} shows as: ${job.mask(main.outputs['DEPLOY_TOKEN'] ?? '')}`,
  );
  const [post] = await job.post();
  console.log('\n── post step ──');
  for (const line of post?.log ?? []) console.log(line);
  process.exitCode = main.exitCode ?? 1;
} finally {
  await job.cleanup();
  await server.close();
}
