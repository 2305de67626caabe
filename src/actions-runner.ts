/** The real door to the runner, built on @actions/core. */
import { accessSync, constants, statSync } from 'node:fs';
import * as core from '@actions/core';
import { describe, Hint } from './errors.ts';
import type { ExportTarget, Runner } from './runner.ts';
import { isCertificateText } from './tls.ts';

/** core.summary writes cells as HTML, unescaped. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * Why the file behind `target` cannot take a file command, or undefined when it can. Unset, core
 * falls back to the workflow command on stdout (and GitHub's local-action records the call).
 */
function targetProblem(target: ExportTarget): string | undefined {
  const path = process.env[target];
  if (path === undefined || path === '') return undefined;
  try {
    if (!statSync(path).isFile()) return `${target} (${path}) is not a regular file`;
    accessSync(path, constants.W_OK);
    return undefined;
  } catch (thrown) {
    const code = (thrown as { code?: unknown }).code;
    return `${target} (${path}) cannot be written${typeof code === 'string' ? ` (${code})` : ''}`;
  }
}

/** core's OIDC errors come wrapped twice, with newlines and indentation: one short line instead. */
function tidyIdTokenError(thrown: unknown): string {
  const text = describe(thrown)
    .replace(/\s+/g, ' ')
    .replace(/^(Error message: )+/, '')
    .trim();
  if (isCertificateText(text)) {
    // core keeps only the text: the request's TLS code and host are lost.
    const reason = text.replace(/^.*Error Message: /i, '');
    return `TLS verification failed for ${idTokenHost()}: ${shortened(reason)} (${Hint.tlsTrust})`;
  }
  return shortened(text);
}

function shortened(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

/** Where core asks for the OIDC token. */
function idTokenHost(): string {
  try {
    return new URL(process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] ?? '').host;
  } catch {
    return "the runner's ID-token endpoint";
  }
}

export function actionsRunner(): Runner {
  return {
    input: (name) => core.getInput(name, { trimWhitespace: true }),
    env: process.env,
    cwd: process.cwd(),
    platform: process.platform,
    now: () => new Date(),
    setSecret: (value) => core.setSecret(value),
    unwritable: (targets) => targets.map(targetProblem).filter((problem) => problem !== undefined),
    setOutput: (name, value) => core.setOutput(name, value),
    exportVariable: (name, value) => core.exportVariable(name, value),
    saveState: (name, value) => core.saveState(name, value),
    getState: (name) => core.getState(name),
    idToken: (audience) =>
      core.getIDToken(audience).catch((thrown: unknown) => {
        throw new Error(tidyIdTokenError(thrown));
      }),
    async summary(heading, [header = [], ...rows]) {
      try {
        await core.summary
          .addHeading(escapeHtml(heading), 3)
          .addTable([
            header.map((text) => ({ data: escapeHtml(text), header: true })),
            ...rows.map((row) => row.map(escapeHtml)),
          ])
          .write();
      } catch (thrown) {
        core.summary.emptyBuffer();
        core.debug(`the job summary could not be written: ${String(thrown)}`);
      }
    },
    info: (message) => core.info(message),
    debug: (message) => core.debug(message),
    warning: (message) => core.warning(message),
    error: (message, title) => core.error(message, { title }),
    group: (name, work) => core.group(name, work),
    fail: () => {
      process.exitCode = 1;
    },
  };
}
