/**
 * What a step asks for: its secrets (the secrets input, op:// references in the step's
 * environment, OP_ENV_FILE), its templates and its Environment, each file read and checked.
 */
import { readsEnvironmentsOnly } from './backends/select.ts';
import { fileNameErrors } from './entries.ts';
import { Code, describe, SecretsError } from './errors.ts';
import { type Place, readInputFile } from './input-file.ts';
import type { Inputs } from './inputs.ts';
import { nameKey } from './names.ts';
import { redact } from './redact.ts';
import type { Runner } from './runner.ts';
import {
  buildSpecs,
  discoverEnvRefs,
  type ParsedSpecs,
  parseEnvFile,
  parseSecretsYaml,
  type SecretSpec,
} from './secret-specs.ts';
import { parseTemplatesYaml, readTemplate, type Template } from './templates.ts';
import { plural, printable } from './text.ts';

/** Everything a step asks for. */
export interface Work {
  readonly specs: readonly SecretSpec[];
  readonly templates: readonly Template[];
  readonly environment: string | undefined;
}

/**
 * Everything to load: the secrets input, step env references and OP_ENV_FILE entries. With
 * `envRefs: 'leave'` (workload identity) the references of the step's environment and of
 * OP_ENV_FILE are not loaded, nor checked: `leftAlone` names them.
 */
export async function readSpecs(
  inputs: Inputs,
  runner: Runner,
  envRefs: 'load' | 'leave' = 'load',
): Promise<ParsedSpecs & { readonly leftAlone: readonly string[] }> {
  const { env } = runner;
  const leave = envRefs === 'leave';
  const fromYaml = parseSecretsYaml(inputs.secrets);
  const fromEnv = discoverEnvRefs(env);
  const errors = [...fromYaml.errors];
  const envFile = env['OP_ENV_FILE'];
  let unread: string | undefined;
  if (envFile !== undefined && envFile !== '') {
    try {
      const parsed = await parseEnvFile(readInputFile('OP_ENV_FILE', envFile, runner));
      fromEnv.push(...parsed.raw);
      for (const name of leave ? [] : parsed.duplicates) {
        errors.push(
          new SecretsError(Code.configInvalid, `OP_ENV_FILE sets "${name}" more than once`, name),
        );
      }
      if (parsed.skipped.length > 0) {
        runner.info(
          `OP_ENV_FILE: left alone ${plural(parsed.skipped.length, 'entry', 'entries')} without an op:// reference`,
        );
      }
    } catch (thrown) {
      const error =
        thrown instanceof SecretsError
          ? thrown
          : new SecretsError(
              Code.configInvalid,
              `OP_ENV_FILE "${printable(envFile)}": ${printable(describe(thrown))}`,
            );
      // Left alone, the file need not exist: a step written for 1Password's v5 still runs.
      if (leave) unread = error.message;
      else errors.push(error);
    }
  }
  const built = buildSpecs(leave ? fromYaml.raw : [...fromYaml.raw, ...fromEnv], inputs.vault);
  return {
    specs: built.specs,
    errors: [...errors, ...built.errors],
    leftAlone: leave
      ? [...new Set(fromEnv.map((entry) => entry.name)), ...(unread === undefined ? [] : [unread])]
      : [],
  };
}

/** The templates input: each file read and parsed. A template takes no secret's name. */
export function readTemplates(
  inputs: Inputs,
  place: Place,
  specs: readonly SecretSpec[],
): { templates: Template[]; errors: SecretsError[] } {
  const { specs: listed, errors } = parseTemplatesYaml(inputs.templates);
  const secrets = new Map(specs.map((spec) => [nameKey(spec.name), spec.name]));
  const templates: Template[] = [];
  for (const spec of listed) {
    const secret = secrets.get(nameKey(spec.name));
    if (secret !== undefined) {
      errors.push(
        new SecretsError(
          Code.configInvalid,
          `"${spec.name}" names both a template and the secret ${secret}; names are case-insensitive`,
          spec.name,
        ),
      );
      continue;
    }
    const read = readTemplate(spec, place);
    errors.push(...read.errors);
    if (read.template !== undefined) templates.push(read.template);
  }
  return { templates, errors };
}

/**
 * Everything the step asks for, or the configuration errors that stop it before any request:
 * all of them, the names the runner's OS refuses for a file included, in dry runs too.
 */
export async function readWork(
  runner: Runner,
  inputs: Inputs,
): Promise<{ work: Work; malformed: SecretsError[]; errors: SecretsError[] }> {
  const workload = readsEnvironmentsOnly(inputs);
  const read = await readSpecs(inputs, runner, workload ? 'leave' : 'load');
  const { specs, leftAlone } = read;
  if (leftAlone.length > 0) {
    runner.info(
      redact(
        `workload identity reads 1Password Environments only: left alone the op:// ` +
          `${leftAlone.length === 1 ? 'reference' : 'references'} of the step's environment ` +
          `and OP_ENV_FILE: ${leftAlone.join(', ')}`,
      ),
    );
  }
  const { templates, errors: templateErrors } = readTemplates(inputs, runner, specs);
  const errors = [
    ...read.errors,
    ...templateErrors,
    ...fileNameErrors(specs, templates, runner.platform),
  ];
  const malformed = errors.filter((error) => error.code === Code.refInvalid);
  return { work: { specs, templates, environment: inputs.environment }, malformed, errors };
}
