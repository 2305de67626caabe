/**
 * The pipeline: inputs -> what to load (secrets, templates, an Environment) -> backend ->
 * resolve -> entries -> export (masked inside; nothing in a dry run) -> report.
 */
import {
  chooseMode,
  type Door,
  type Mode,
  modeProblems,
  type Opened,
  openSource,
  settingsProblems,
} from './backends/select.ts';
import type { EnvironmentVariable } from './backends/source.ts';
import { collect, environmentEntries, environmentLabel, templateEntries } from './entries.ts';
import { Code, SecretsError } from './errors.ts';
import { type Entry, exportAll, previouslyManaged } from './export.ts';
import { type Inputs, readInputs, readSpecs, readTemplates } from './inputs.ts';
import { redact, registerCredential } from './redact.ts';
import { annotate, type Row, summarize } from './report.ts';
import { type Outcome, Resolver, toSecretsError } from './resolve.ts';
import type { Runner } from './runner.ts';
import type { SecretSpec } from './secret-specs.ts';
import type { Template } from './templates.ts';

/** Opens the backend of a mode; tests pass one built on their fakes. */
export type Open = (mode: Mode, inputs: Inputs, door: Door) => Promise<Opened>;

/** The summary's heading; it names the step (its id) so that several steps' tables can be told apart. */
function heading(runner: Runner, outcome?: string): string {
  const step = runner.env['GITHUB_ACTION'];
  const title = step ? `1Password secrets (step ${step})` : '1Password secrets';
  return outcome === undefined ? title : `${title}: ${outcome}`;
}

/** `1 secret`, `2 secrets`. */
function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Everything a step asks for. */
interface Work {
  readonly specs: readonly SecretSpec[];
  readonly templates: readonly Template[];
  readonly environment: string | undefined;
}

/** What the backend answered: each reference's outcome, and the Environment's variables. */
interface Answers {
  readonly outcomes: ReadonlyMap<string, Outcome>;
  readonly variables: readonly EnvironmentVariable[] | SecretsError | undefined;
}

/** One line of the summary: a secret, a template, or one variable of the Environment. */
interface Subject {
  readonly name: string;
  readonly ref: string;
  readonly file: boolean;
}

/** The Environment's variables once read; until then (or when it failed), the Environment. */
function environmentSubjects(work: Work, answers: Answers | undefined): Subject[] {
  if (work.environment === undefined) return [];
  const label = environmentLabel(work.environment);
  const variables = answers?.variables;
  if (variables === undefined || variables instanceof SecretsError) {
    return [{ name: label, ref: '', file: false }];
  }
  return variables.map((variable) => ({ name: variable.name, ref: label, file: false }));
}

function subjects(work: Work, answers: Answers | undefined): Subject[] {
  return [
    ...work.specs.map((spec) => ({ name: spec.name, ref: spec.ref.text, file: spec.file })),
    ...work.templates.map((template) => ({ name: template.name, ref: template.path, file: true })),
    ...environmentSubjects(work, answers),
  ];
}

function rows(
  listed: readonly Subject[],
  inputs: Inputs,
  failures: readonly SecretsError[],
): Row[] {
  const runFailure = failures.find((error) => error.secret === undefined);
  const named = new Set(listed.map((subject) => subject.name));
  // Secrets that never became a spec (a malformed reference): listed with their code.
  const unparsed = failures
    .filter((error) => error.secret !== undefined && !named.has(error.secret))
    .map((error) => ({
      name: error.secret ?? '',
      ref: error.ref ?? '',
      exported: 'nothing',
      result: error.code,
    }));
  const ok = failures.length === 0;
  const parsed = listed.map((subject) => {
    const failure = failures.find((error) => error.secret === subject.name) ?? runFailure;
    const as = ['output', ...(inputs.exportEnv ? ['env'] : []), ...(subject.file ? ['file'] : [])];
    return {
      name: subject.name,
      ref: subject.ref,
      exported: !ok
        ? 'nothing'
        : inputs.dryRun
          ? `nothing (dry run: ${as.join(', ')})`
          : as.join(', '),
      result: failure?.code ?? (ok ? 'resolved' : 'resolved, not exported'),
    };
  });
  return [...parsed, ...unparsed];
}

/** Masks credentials from the start, so that no message can show them. */
function protectCredentials(runner: Runner, inputs: Inputs): void {
  for (const credential of [
    inputs.serviceAccountToken,
    inputs.connectToken,
    inputs.integrationKey,
  ]) {
    if (credential === undefined) continue;
    runner.setSecret(credential);
    registerCredential(credential);
  }
}

async function fail(
  runner: Runner,
  errors: readonly SecretsError[],
  inputs?: Inputs,
  listed: readonly Subject[] = [],
): Promise<void> {
  annotate(runner, errors);
  runner.fail();
  const perSecret = errors.filter((error) => error.secret !== undefined).length;
  runner.info(
    perSecret > 0
      ? `${perSecret} of ${plural(listed.length || perSecret, 'secret')} failed; nothing was exported`
      : 'nothing was exported',
  );
  if (inputs) await summarize(runner, heading(runner, 'failed'), rows(listed, inputs, errors));
}

/** Every distinct reference of the step: its secrets' and its templates' placeholders. */
function refsOf(work: Work) {
  return [
    ...work.specs.map((spec) => spec.ref),
    ...work.templates.flatMap((template) => template.placeholders.map((place) => place.ref)),
  ];
}

async function resolveAll(
  runner: Runner,
  opened: Opened,
  mode: Mode,
  work: Work,
): Promise<Answers> {
  const refs = refsOf(work);
  const distinct = new Set(refs.map((ref) => ref.text)).size;
  const what = [
    ...(distinct > 0 ? [plural(distinct, 'reference')] : []),
    ...(work.environment === undefined ? [] : ['an Environment']),
  ].join(' and ');
  return runner.group(`Resolving ${what} via ${mode}`, async () => {
    const { source } = opened;
    let answers: Answers;
    try {
      const [outcomes, variables] = await Promise.all([
        distinct > 0 ? new Resolver(source).resolveAll(refs) : new Map<string, Outcome>(),
        readEnvironment(opened, work.environment),
      ]);
      answers = { outcomes, variables };
    } finally {
      await source.close();
    }
    // One line per reference (never a value): what was asked for and how it went.
    for (const [ref, outcome] of answers.outcomes) {
      runner.info(redact(`${ref}: ${outcome instanceof SecretsError ? outcome.code : 'resolved'}`));
    }
    if (work.environment !== undefined) {
      const { variables } = answers;
      runner.info(
        redact(
          `${environmentLabel(work.environment)}: ${
            variables instanceof SecretsError
              ? variables.code
              : plural(variables?.length ?? 0, 'variable')
          }`,
        ),
      );
    }
    return answers;
  });
}

/** The Environment's variables, or why they could not be read (a provider failure is thrown). */
async function readEnvironment(
  opened: Opened,
  environment: string | undefined,
): Promise<readonly EnvironmentVariable[] | SecretsError | undefined> {
  if (environment === undefined) return undefined;
  const { source } = opened;
  if (!source.readEnvironment) {
    throw new SecretsError(Code.configInvalid, 'this backend serves no 1Password Environments');
  }
  try {
    return await source.readEnvironment(environment);
  } catch (thrown) {
    const error = toSecretsError(thrown);
    if (error.code === Code.providerUnavailable) throw error;
    return error.forSecret(environmentLabel(environment));
  }
}

/** Everything the step asks for, or the configuration errors that stop it before any request. */
async function readWork(
  runner: Runner,
  inputs: Inputs,
): Promise<{ work: Work; malformed: SecretsError[]; errors: SecretsError[] }> {
  const { specs, errors: specErrors } = await readSpecs(inputs, runner);
  const { templates, errors: templateErrors } = readTemplates(inputs, runner.cwd, specs);
  const errors = [...specErrors, ...templateErrors];
  const malformed = errors.filter((error) => error.code === Code.refInvalid);
  return { work: { specs, templates, environment: inputs.environment }, malformed, errors };
}

/** What a step's work came to: the entries to export, or every failure. */
type Loaded =
  | { readonly mode: Mode; readonly entries: Entry[]; readonly listed: Subject[] }
  | { readonly failures: SecretsError[]; readonly listed: Subject[] };

/** Picks and opens the backend, resolves everything, and turns the answers into entries. */
async function load(
  runner: Runner,
  open: Open,
  inputs: Inputs,
  work: Work,
  malformed: readonly SecretsError[],
): Promise<Loaded> {
  let mode: Mode;
  let answers: Answers;
  try {
    const choice = chooseMode(inputs);
    mode = choice.mode;
    const refNames = [
      ...work.specs.map((spec) => spec.name),
      ...work.templates.filter((template) => template.placeholders.length > 0).map((t) => t.name),
    ];
    const problems = modeProblems(mode, { refNames, environment: work.environment });
    if (problems.length > 0) {
      return { failures: [...problems, ...malformed], listed: subjects(work, undefined) };
    }
    const opened = await open(mode, inputs, runner);
    for (const warning of [...choice.warnings, ...opened.warnings]) runner.warning(warning);
    answers = await resolveAll(runner, opened, mode, work);
  } catch (thrown) {
    return { failures: [...malformed, toSecretsError(thrown)], listed: subjects(work, undefined) };
  }
  const collected = collect(
    work.specs,
    answers.outcomes,
    work.templates.map((template) => template.name),
  );
  const rendered = templateEntries(work.templates, answers.outcomes);
  const entries = [...collected.entries, ...rendered.entries];
  const { variables } = answers;
  const environment =
    variables instanceof SecretsError
      ? { entries: [], errors: [variables] }
      : environmentEntries(work.environment ?? '', variables ?? [], entries);
  entries.push(...environment.entries);
  const failures = [...malformed, ...collected.errors, ...rendered.errors, ...environment.errors];
  const listed = subjects(work, answers);
  return failures.length > 0 ? { failures, listed } : { mode, entries, listed };
}

/** Loads every secret the step asks for and exports them all, or reports every failure. */
export async function loadSecrets(runner: Runner, open: Open = openSource): Promise<void> {
  const { inputs, errors: inputErrors } = readInputs(runner);
  protectCredentials(runner, inputs);
  const settings = [...inputErrors, ...settingsProblems(inputs)];
  if (settings.length > 0) return fail(runner, settings);
  if (inputs.version !== undefined) {
    runner.warning(
      `version "${inputs.version}" is accepted for compatibility with 1Password's own action, ` +
        'but this action installs no op CLI: add 1password/install-cli-action before steps that run op',
    );
  }

  // A bad configuration stops the run before any request; malformed references are reported
  // together with what the well-formed ones resolve to, so that one run says everything.
  const { work, malformed, errors } = await readWork(runner, inputs);
  let listed = subjects(work, undefined);
  if (malformed.length < errors.length) return fail(runner, errors, inputs, listed);

  const previous = previouslyManaged(runner);
  const plan = {
    exportEnv: inputs.exportEnv,
    unset: inputs.unsetPrevious ? previous : [],
    stillManaged: inputs.unsetPrevious ? [] : previous,
    refreshAfterSeconds: inputs.refreshAfterSeconds,
    dryRun: inputs.dryRun,
  };
  // Workload-identity settings ask for an Environment: without one, the step says so.
  const nothing =
    work.specs.length === 0 &&
    work.templates.length === 0 &&
    work.environment === undefined &&
    inputs.workloadId === undefined &&
    inputs.integrationKey === undefined;
  let entries: Entry[] = [];
  let mode: Mode | undefined;
  if (nothing) {
    if (malformed.length > 0) return fail(runner, malformed, inputs, listed);
    runner.warning(
      'no secrets to load: the secrets input is empty and no step env value is an op:// reference',
    );
  } else {
    const loaded = await load(runner, open, inputs, work, malformed);
    listed = loaded.listed;
    if ('failures' in loaded) return fail(runner, loaded.failures, inputs, listed);
    ({ mode, entries } = loaded);
  }

  let exported: string[];
  try {
    exported = exportAll(runner, { ...plan, entries, resolvedAt: runner.now() });
  } catch (thrown) {
    return fail(runner, [toSecretsError(thrown)], inputs, listed);
  }
  if (mode === undefined) return;
  const count = plural(listed.length, 'secret');
  runner.info(
    inputs.dryRun
      ? `dry run: resolved ${count} via ${mode}; nothing was exported`
      : `resolved ${count} via ${mode} as outputs` +
          (exported.length > 0
            ? `, and exported ${plural(exported.length, 'environment variable')}`
            : ''),
  );
  await summarize(
    runner,
    heading(runner, inputs.dryRun ? 'dry run, nothing exported' : undefined),
    rows(listed, inputs, []),
  );
}
