/** The pipeline: inputs -> references -> backend -> resolve -> export (masked inside) -> report. */
import { chooseMode, type Door, type Mode, type Opened, openSource } from './backends/select.ts';
import { collect } from './entries.ts';
import { Code, SecretsError } from './errors.ts';
import { type Entry, exportAll, previouslyManaged } from './export.ts';
import { type Inputs, readInputs, readSpecs } from './inputs.ts';
import { redact, registerCredential } from './redact.ts';
import { annotate, type Row, summarize } from './report.ts';
import { type Outcome, Resolver, toSecretsError } from './resolve.ts';
import type { Runner } from './runner.ts';
import type { SecretSpec } from './secret-specs.ts';

/** Opens the backend of a mode; tests pass one built on their fakes. */
export type Open = (mode: Mode, inputs: Inputs, door: Door) => Promise<Opened>;

const HEADING = '1Password secrets';

/** `1 secret`, `2 secrets`. */
function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function exportedAs(spec: SecretSpec, exportEnv: boolean): string {
  return ['output', ...(exportEnv ? ['env'] : []), ...(spec.file ? ['file'] : [])].join(', ');
}

function rows(
  specs: readonly SecretSpec[],
  inputs: Inputs,
  failures: readonly SecretsError[],
): Row[] {
  const runFailure = failures.find((error) => error.secret === undefined);
  const named = new Set(specs.map((spec) => spec.name));
  // Secrets that never became a spec (a malformed reference): listed with their code.
  const unparsed = failures
    .filter((error) => error.secret !== undefined && !named.has(error.secret))
    .map((error) => ({
      name: error.secret ?? '',
      ref: error.ref ?? '',
      exported: 'nothing',
      result: error.code,
    }));
  const parsed = specs.map((spec) => {
    const failure = failures.find((error) => error.secret === spec.name) ?? runFailure;
    const ok = failures.length === 0;
    return {
      name: spec.name,
      ref: spec.ref.text,
      exported: ok ? exportedAs(spec, inputs.exportEnv) : 'nothing',
      result: failure?.code ?? (ok ? 'resolved' : 'resolved, not exported'),
    };
  });
  return [...parsed, ...unparsed];
}

/** Masks credentials from the start, so that no message can show them. */
function protectCredentials(runner: Runner, inputs: Inputs): void {
  for (const token of [inputs.serviceAccountToken, inputs.connectToken]) {
    if (token === undefined) continue;
    runner.setSecret(token);
    registerCredential(token);
  }
}

async function fail(
  runner: Runner,
  errors: readonly SecretsError[],
  specs: readonly SecretSpec[],
  inputs?: Inputs,
): Promise<void> {
  annotate(runner, errors);
  runner.fail();
  const perSecret = errors.filter((error) => error.secret !== undefined).length;
  runner.info(
    perSecret > 0
      ? `${perSecret} of ${plural(specs.length || perSecret, 'secret')} failed; nothing was exported`
      : 'nothing was exported',
  );
  if (inputs) await summarize(runner, `${HEADING}: failed`, rows(specs, inputs, errors));
}

async function resolveAll(
  runner: Runner,
  open: Open,
  inputs: Inputs,
  specs: readonly SecretSpec[],
): Promise<{ mode: Mode; outcomes: Map<string, Outcome> }> {
  const { mode, warnings } = chooseMode(inputs);
  const opened = await open(mode, inputs, runner);
  for (const warning of [...warnings, ...opened.warnings]) runner.warning(warning);
  const distinct = new Set(specs.map((spec) => spec.ref.text)).size;
  const outcomes = await runner.group(
    `Resolving ${plural(distinct, 'reference')} via ${mode}`,
    async () => {
      let resolved: Map<string, Outcome>;
      try {
        resolved = await new Resolver(opened.source).resolveAll(specs.map((spec) => spec.ref));
      } finally {
        await opened.source.close();
      }
      // One line per reference (never a value): what was asked for and how it went.
      for (const [ref, outcome] of resolved) {
        runner.info(
          redact(`${ref}: ${outcome instanceof SecretsError ? outcome.code : 'resolved'}`),
        );
      }
      return resolved;
    },
  );
  return { mode, outcomes };
}

/** Loads every secret the step asks for and exports them all, or reports every failure. */
export async function loadSecrets(runner: Runner, open: Open = openSource): Promise<void> {
  const { inputs, errors: inputErrors } = readInputs(runner);
  protectCredentials(runner, inputs);
  if (inputErrors.length > 0) return fail(runner, inputErrors, []);

  // A bad configuration stops the run before any request; malformed references are reported
  // together with what the well-formed ones resolve to, so that one run says everything.
  const { specs, errors: specErrors } = await readSpecs(inputs, runner);
  const malformed = specErrors.filter((error) => error.code === Code.refInvalid);
  if (malformed.length < specErrors.length) return fail(runner, specErrors, specs, inputs);

  const previous = previouslyManaged(runner);
  const plan = {
    exportEnv: inputs.exportEnv,
    unset: inputs.unsetPrevious ? previous : [],
    stillManaged: inputs.unsetPrevious ? [] : previous,
    refreshAfterSeconds: inputs.refreshAfterSeconds,
  };
  let entries: Entry[] = [];
  let mode: Mode | undefined;
  if (specs.length === 0 && malformed.length > 0) {
    return fail(runner, malformed, specs, inputs);
  } else if (specs.length === 0) {
    runner.warning(
      'no secrets to load: the secrets input is empty and no step env value is an op:// reference',
    );
  } else {
    let outcomes: Map<string, Outcome>;
    try {
      ({ mode, outcomes } = await resolveAll(runner, open, inputs, specs));
    } catch (thrown) {
      return fail(runner, [...malformed, toSecretsError(thrown)], specs, inputs);
    }
    const collected = collect(specs, outcomes);
    const failures = [...malformed, ...collected.errors];
    if (failures.length > 0) return fail(runner, failures, specs, inputs);
    entries = collected.entries;
  }

  let exported: string[];
  try {
    exported = exportAll(runner, { ...plan, entries, resolvedAt: runner.now() });
  } catch (thrown) {
    return fail(runner, [toSecretsError(thrown)], specs, inputs);
  }
  if (mode === undefined) return;
  runner.info(
    `resolved ${plural(specs.length, 'secret')} via ${mode} as outputs` +
      (exported.length > 0
        ? `, and exported ${plural(exported.length, 'environment variable')}`
        : ''),
  );
  await summarize(runner, HEADING, rows(specs, inputs, []));
}
