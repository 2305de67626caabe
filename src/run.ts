/** The pipeline: inputs -> references -> backend -> resolve -> mask -> export. */
import * as core from '@actions/core';
import { chooseMode, type Mode, type Opened, openSource } from './backends/select.ts';
import type { SecretsError } from './errors.ts';
import { collect } from './entries.ts';
import { exportAll, maskEntries, previouslyManaged } from './export.ts';
import { type Inputs, readInputs, readSpecs } from './inputs.ts';
import { registerCredential } from './redact.ts';
import { annotate, type Row, writeSummary } from './report.ts';
import { type Outcome, Resolver, toSecretsError } from './resolve.ts';
import type { SecretSpec } from './secret-specs.ts';

export interface Dependencies {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly now: () => Date;
  readonly open: (mode: Mode, inputs: Inputs, env: Dependencies['env']) => Promise<Opened>;
}

const defaults: Dependencies = {
  env: process.env,
  cwd: process.cwd(),
  now: () => new Date(),
  open: openSource,
};

const HEADING = '1Password secrets';

function exportedAs(spec: SecretSpec, exportEnv: boolean): string {
  return ['output', ...(exportEnv ? ['env'] : []), ...(spec.file ? ['file'] : [])].join(', ');
}

function rows(
  specs: readonly SecretSpec[],
  inputs: Inputs,
  failures: readonly SecretsError[],
): Row[] {
  const runFailure = failures.find((error) => error.secret === undefined);
  return specs.map((spec) => {
    const failure = failures.find((error) => error.secret === spec.name) ?? runFailure;
    const ok = failures.length === 0;
    return {
      name: spec.name,
      ref: spec.ref.text,
      exported: ok ? exportedAs(spec, inputs.exportEnv) : 'nothing',
      result: failure?.code ?? (ok ? 'resolved' : 'resolved, not exported'),
    };
  });
}

/** Masks credentials from the start, so that no message can show them. */
function protectCredentials(inputs: Inputs): void {
  for (const token of [inputs.serviceAccountToken, inputs.connectToken]) {
    if (token === undefined) continue;
    core.setSecret(token);
    registerCredential(token);
  }
}

function fail(
  errors: readonly SecretsError[],
  specs: readonly SecretSpec[],
  inputs?: Inputs,
): void {
  annotate(errors);
  process.exitCode = 1;
  const perSecret = errors.filter((error) => error.secret !== undefined).length;
  core.info(
    perSecret > 0
      ? `${perSecret} of ${specs.length || perSecret} secrets failed; nothing was exported`
      : 'nothing was exported',
  );
  if (inputs) writeSummary(`${HEADING}: failed`, rows(specs, inputs, errors));
}

export async function run(deps: Dependencies = defaults): Promise<void> {
  const { inputs, errors: inputErrors } = readInputs(deps.env);
  protectCredentials(inputs);
  if (inputErrors.length > 0) {
    fail(inputErrors, []);
    return;
  }

  const { specs, errors: specErrors } = await readSpecs(inputs, deps.env, deps.cwd);
  if (specErrors.length > 0) {
    fail(specErrors, specs, inputs);
    return;
  }

  const previous = previouslyManaged(deps.env);
  const plan = {
    exportEnv: inputs.exportEnv,
    unset: inputs.unsetPrevious ? previous : [],
    stillManaged: inputs.unsetPrevious ? [] : previous,
    refreshAfterSeconds: inputs.refreshAfterSeconds,
  };
  if (specs.length === 0) {
    core.warning(
      'no secrets to load: the secrets input is empty and no step env value is an op:// reference',
    );
    exportAll({ ...plan, entries: [], resolvedAt: deps.now() });
    return;
  }

  let outcomes: Map<string, Outcome>;
  let mode: Mode;
  try {
    const choice = chooseMode(inputs);
    mode = choice.mode;
    const opened = await deps.open(mode, inputs, deps.env);
    for (const warning of [...choice.warnings, ...opened.warnings]) core.warning(warning);
    const distinct = new Set(specs.map((spec) => spec.ref.text)).size;
    outcomes = await core.group(
      `Resolving ${distinct} reference${distinct === 1 ? '' : 's'} via ${mode}`,
      async () => {
        try {
          return await new Resolver(opened.source).resolveAll(specs.map((spec) => spec.ref));
        } finally {
          await opened.source.close();
        }
      },
    );
  } catch (thrown) {
    fail([toSecretsError(thrown)], specs, inputs);
    return;
  }

  const { entries, errors } = collect(specs, outcomes);
  if (errors.length > 0) {
    fail(errors, specs, inputs);
    return;
  }

  maskEntries(entries);
  const exported = exportAll({ ...plan, entries, resolvedAt: deps.now() });
  core.info(
    `resolved ${specs.length} secrets via ${mode} as outputs` +
      (exported.length > 0 ? `, and exported ${exported.length} environment variables` : ''),
  );
  writeSummary(HEADING, rows(specs, inputs, []));
}
