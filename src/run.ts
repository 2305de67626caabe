/**
 * The pipeline: inputs -> what to load (secrets, templates, an Environment) -> backend ->
 * resolve -> entries -> export (masked inside; nothing in a dry run) -> report.
 */
import type { Door, Mode, Opened, Settings } from './backends/modes.ts';
import {
  asksForEnvironment,
  chooseMode,
  credentials,
  modeProblems,
  openSource,
  settingsProblems,
} from './backends/select.ts';
import type { EnvironmentVariable } from './backends/source.ts';
import {
  collect,
  environmentEntries,
  environmentLabel,
  fieldName,
  shownName,
  templateEntries,
} from './entries.ts';
import { Code, providerUnavailable, SecretsError } from './errors.ts';
import { type Entry, exportAll, previouslyManaged } from './export.ts';
import { type Inputs, readInputs } from './inputs.ts';
import { MAX_CREDENTIAL_BYTES, oversizedCredential, redact, registerCredential } from './redact.ts';
import { annotate, type Row, summarize } from './report.ts';
import { type Outcome, Resolver, toSecretsError } from './resolve.ts';
import type { Runner } from './runner.ts';
import type { SecretSpec } from './secret-specs.ts';
import { plural } from './text.ts';
import { readWork, type Work } from './work.ts';

/** Opens the backend of a mode; tests pass one built on their fakes. */
export type Open = (mode: Mode, settings: Settings, door: Door) => Promise<Opened>;

/** The summary's heading; it names the step (its id) so that several steps' tables can be told apart. */
function heading(runner: Runner, outcome?: string): string {
  const step = runner.env['GITHUB_ACTION'];
  const title = step ? `1Password secrets (step ${step})` : '1Password secrets';
  return outcome === undefined ? title : `${title}: ${outcome}`;
}

/** What the backend answered: each reference's outcome, and the Environment's variables. */
interface Answers {
  readonly outcomes: ReadonlyMap<string, Outcome>;
  readonly variables: readonly EnvironmentVariable[] | SecretsError | undefined;
}

/**
 * One secret the step asked for, as the user wrote it: a secret, each field of a whole item once
 * resolved, a template, each variable of the Environment once read. The log counts these and
 * the summary lists them.
 */
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
  return variables.map((variable) => ({
    name: shownName(variable.name),
    ref: label,
    file: false,
  }));
}

/** A secret, or each of its fields when it is a whole item that was resolved and accepted. */
function specSubjects(spec: SecretSpec, answers: Answers | undefined, failed: boolean): Subject[] {
  const subject = { name: spec.name, ref: spec.ref.text, file: spec.file };
  const outcome = answers?.outcomes.get(spec.ref.text);
  if (failed || outcome === undefined || outcome instanceof SecretsError || outcome.kind !== 'item')
    return [subject];
  return outcome.fields.map((field) => ({ ...subject, name: fieldName(spec, field.suffix) }));
}

function subjects(
  work: Work,
  answers: Answers | undefined,
  failures: readonly SecretsError[] = [],
): Subject[] {
  const failed = new Set(failures.map((error) => error.secret));
  return [
    ...work.specs.flatMap((spec) => specSubjects(spec, answers, failed.has(spec.name))),
    ...work.templates.map((template) => ({ name: template.name, ref: template.path, file: true })),
    ...environmentSubjects(work, answers),
  ];
}

/** A secret the step asked for, with its own failure if any. */
interface Line {
  readonly subject: Subject;
  readonly failure: SecretsError | undefined;
  /** False for a secret that never became one (a malformed reference, a refused name). */
  readonly parsed: boolean;
}

/**
 * Every secret the step asked for, each once, with its own failure: those that never became a
 * secret too. The log's counts and the summary's rows both come from here, so that no count
 * says more failed than were asked for.
 */
function account(listed: readonly Subject[], failures: readonly SecretsError[]): Line[] {
  const own = new Map<string, SecretsError>();
  for (const error of failures) {
    if (error.secret !== undefined && !own.has(error.secret)) own.set(error.secret, error);
  }
  const named = new Set(listed.map((subject) => subject.name));
  const unparsed = [...own.values()]
    .filter((error) => !named.has(error.secret ?? ''))
    .map((error) => ({
      subject: { name: error.secret ?? '', ref: error.ref ?? '', file: false },
      failure: error,
      parsed: false,
    }));
  return [
    ...listed.map((subject) => ({ subject, failure: own.get(subject.name), parsed: true })),
    ...unparsed,
  ];
}

function rows(lines: readonly Line[], inputs: Inputs, failures: readonly SecretsError[]): Row[] {
  const runFailure = failures.find((error) => error.secret === undefined);
  const ok = failures.length === 0;
  return lines.map(({ subject, failure, parsed }) => {
    const as = ['output', ...(inputs.exportEnv ? ['env'] : []), ...(subject.file ? ['file'] : [])];
    return {
      name: subject.name,
      ref: subject.ref,
      exported:
        !ok || !parsed
          ? 'nothing'
          : inputs.dryRun
            ? `nothing (dry run: ${as.join(', ')})`
            : as.join(', '),
      result: (failure ?? runFailure)?.code ?? (ok ? 'resolved' : 'resolved, not exported'),
    };
  });
}

/** The runner's own tokens: masked by the runner, scrubbed from this action's messages too. */
const RUNNER_TOKENS = ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'ACTIONS_RUNTIME_TOKEN'] as const;

/**
 * Masks credentials from the start, so that no message can show them; the runner's own tokens
 * (which the runner masks) are scrubbed too. One over 64 KiB is no credential: it is refused
 * before anything else is done with it, since registering it costs in proportion to its size.
 */
function protectCredentials(runner: Runner, inputs: Inputs): SecretsError[] {
  const given = [
    ...credentials(inputs).map(({ name, value }) => [name, value, true] as const),
    ...RUNNER_TOKENS.map((name) => [name, runner.env[name], false] as const),
  ];
  const errors: SecretsError[] = [];
  for (const [name, credential, mask] of given) {
    if (credential === undefined || credential === '') continue;
    if (oversizedCredential(credential)) {
      errors.push(
        providerUnavailable(
          `${name} is over ${MAX_CREDENTIAL_BYTES / 1024} KiB, longer than any credential: check that it holds the credential alone`,
        ),
      );
      continue;
    }
    if (mask) runner.setSecret(credential);
    registerCredential(credential);
  }
  return errors;
}

async function fail(
  runner: Runner,
  errors: readonly SecretsError[],
  inputs?: Inputs,
  listed: readonly Subject[] = [],
): Promise<void> {
  annotate(runner, errors);
  runner.fail();
  const lines = account(listed, errors);
  const failed = lines.filter((line) => line.failure !== undefined).length;
  runner.info(
    failed > 0
      ? `${failed} of ${plural(lines.length, 'secret')} failed; nothing was exported`
      : 'nothing was exported',
  );
  if (inputs) await summarize(runner, heading(runner, 'failed'), rows(lines, inputs, errors));
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

/**
 * Whether the step needs a backend: references to resolve, an Environment, or settings that ask
 * for an Environment (without one, the step says so).
 */
function needsBackend(work: Work, inputs: Inputs): boolean {
  return refsOf(work).length > 0 || work.environment !== undefined || asksForEnvironment(inputs);
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
    runner.platform,
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
  const listed = subjects(work, answers, failures);
  return failures.length > 0 ? { failures, listed } : { mode, entries, listed };
}

/**
 * 1Password's action installs the `op` of `version`. Its default, `latest` (in 1Password's own
 * workflows too), gets one line; a pinned version was chosen for a reason, so it is a warning.
 */
function noteVersion(runner: Runner, version: string | undefined): void {
  if (version === undefined) return;
  if (version === 'latest') {
    runner.info(
      'version "latest": this action installs no op CLI; steps that run op need 1password/install-cli-action',
    );
    return;
  }
  runner.warning(
    `version "${version}" is accepted for compatibility with 1Password's own action, ` +
      'but this action installs no op CLI: add 1password/install-cli-action before steps that run op',
  );
}

/** Loads every secret the step asks for and exports them all, or reports every failure. */
export async function loadSecrets(runner: Runner, open: Open = openSource): Promise<void> {
  const { inputs, errors: inputErrors } = readInputs(runner);
  const oversized = protectCredentials(runner, inputs);
  const settings = [...oversized, ...inputErrors, ...settingsProblems(inputs)];
  if (settings.length > 0) return fail(runner, settings);
  noteVersion(runner, inputs.version);

  // A bad configuration stops the run before any request; malformed references are reported
  // together with what the well-formed ones resolve to, so that one run says everything.
  const { work, malformed, errors } = await readWork(runner, inputs);
  let listed = subjects(work, undefined);
  if (malformed.length < errors.length) return fail(runner, errors, inputs, listed);

  const previous = previouslyManaged(runner);
  const plan = {
    exportEnv: inputs.exportEnv,
    unset: inputs.unsetPrevious ? previous : undefined,
    stillManaged: inputs.unsetPrevious ? [] : previous,
    refreshAfterSeconds: inputs.refreshAfterSeconds,
    dryRun: inputs.dryRun,
  };
  let entries: Entry[];
  let mode: Mode | undefined;
  if (needsBackend(work, inputs)) {
    const loaded = await load(runner, open, inputs, work, malformed);
    listed = loaded.listed;
    if ('failures' in loaded) return fail(runner, loaded.failures, inputs, listed);
    ({ mode, entries } = loaded);
  } else {
    if (malformed.length > 0) return fail(runner, malformed, inputs, listed);
    // Templates without placeholders: rendered with no credentials and no request.
    entries = templateEntries(work.templates, new Map()).entries;
    // A step that only unsets earlier variables is an everyday step, not a mistake.
    if (entries.length === 0 && !inputs.unsetPrevious) {
      runner.warning(
        'no secrets to load: the secrets input is empty and no step env value is an op:// reference',
      );
    }
  }

  let exported: string[];
  try {
    exported = exportAll(runner, { ...plan, entries, resolvedAt: runner.now() });
  } catch (thrown) {
    return fail(runner, [toSecretsError(thrown)], inputs, listed);
  }
  if (mode === undefined && entries.length === 0) return;
  const resolved = `resolved ${plural(listed.length, 'secret')} ${
    mode === undefined ? 'without a request (no op:// references)' : `via ${mode}`
  }`;
  runner.info(
    inputs.dryRun
      ? `dry run: ${resolved}; nothing was exported`
      : `${resolved} as outputs` +
          (exported.length > 0
            ? `, and exported ${plural(exported.length, 'environment variable')}`
            : ''),
  );
  await summarize(
    runner,
    heading(runner, inputs.dryRun ? 'dry run, nothing exported' : undefined),
    rows(account(listed, []), inputs, []),
  );
}
