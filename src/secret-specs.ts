/**
 * Pure parsing of what to load: the `secrets` YAML input, step env values that are
 * references, and the entries of an `OP_ENV_FILE`. Every problem is collected, so that
 * all of them are reported at once.
 */
import { Code, SecretsError } from './errors.ts';
import { nameKey, nameProblem } from './names.ts';
import { looksLikeRef, parseRef, type Ref } from './refs.ts';
import { type MappingInput, readYamlMapping } from './yaml-mapping.ts';

export type SpecSource = 'secrets' | 'env' | 'env-file';

export interface SecretSpec {
  readonly name: string;
  readonly ref: Ref;
  /** Write the value to a 0600 file; the output and variable hold its path. */
  readonly file: boolean;
  /** Register the value with the runner's masker (only `mask: false` turns it off). */
  readonly mask: boolean;
  readonly source: SpecSource;
}

export interface ParsedSpecs {
  readonly specs: readonly SecretSpec[];
  readonly errors: readonly SecretsError[];
}

interface RawSpec {
  name: string;
  ref: string;
  file: boolean;
  mask: boolean;
  source: SpecSource;
}

const OPTION_KEYS = new Set(['ref', 'file', 'mask']);

function configError(message: string, secret?: string): SecretsError {
  return new SecretsError(Code.configInvalid, message, secret);
}

function readOptions(name: string, node: unknown): RawSpec | SecretsError {
  if (typeof node === 'string')
    return { name, ref: node, file: false, mask: true, source: 'secrets' };
  if (node === null || typeof node !== 'object' || Array.isArray(node)) {
    return configError('the value must be a reference string or a mapping {ref, file, mask}', name);
  }
  const options = node as Record<string, unknown>;
  const unknown = Object.keys(options).filter((key) => !OPTION_KEYS.has(key));
  if (unknown.length > 0) {
    return configError(
      `unknown option(s) ${unknown.join(', ')}: allowed are ref, file, mask`,
      name,
    );
  }
  const { ref, file = false, mask = true } = options;
  if (typeof ref !== 'string') return configError('"ref" must be a reference string', name);
  if (typeof file !== 'boolean') return configError('"file" must be true or false', name);
  if (typeof mask !== 'boolean') return configError('"mask" must be true or false', name);
  return { name, ref, file, mask, source: 'secrets' };
}

const SECRETS_INPUT: MappingInput = { name: 'secrets', shape: 'NAME: ref', noun: 'secret' };

/** Parses the `secrets` input: a YAML mapping `NAME: ref` or `NAME: {ref, file, mask}`. */
export function parseSecretsYaml(text: string): { raw: RawSpec[]; errors: SecretsError[] } {
  const { values, errors } = readYamlMapping(text, SECRETS_INPUT, readOptions);
  return { raw: values, errors };
}

/** Step env values that are references, as 1Password's own action finds them. */
export function discoverEnvRefs(env: Readonly<Record<string, string | undefined>>): RawSpec[] {
  return Object.entries(env)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && looksLikeRef(entry[1]))
    .filter(([name]) => !/^(INPUT|STATE)_/i.test(name))
    .map(([name, ref]) => ({ name, ref, file: false, mask: true, source: 'env' }));
}

/** Names a dotenv file assigns at the start of a line; dotenv itself keeps only the last. */
function assignedNames(text: string): string[] {
  return [...text.matchAll(/^[ \t]*(?:export[ \t]+)?([\w.-]+)[ \t]*[=:]/gm)].map(
    (match) => match[1] as string,
  );
}

/**
 * The entries of a dotenv file whose values are references; the names of the others, and of
 * those given twice (dotenv would keep the last one without a word).
 */
export async function parseEnvFile(text: string): Promise<{
  raw: RawSpec[];
  skipped: string[];
  duplicates: string[];
}> {
  // Loaded only for OP_ENV_FILE: dotenv loads node:crypto (~4 ms) as it starts.
  const { default: dotenv } = await import('dotenv');
  // Sets, not indexOf/includes: a 100,000-line file took 19 s with the quadratic check.
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const name of assignedNames(text)) {
    if (seen.has(name)) repeated.add(name);
    seen.add(name);
  }
  const duplicates = [...repeated];
  const entries = Object.entries(dotenv.parse(text)).filter(([name]) => !repeated.has(name));
  return {
    raw: entries
      .filter(([, value]) => looksLikeRef(value))
      .map(([name, ref]) => ({ name, ref, file: false, mask: true, source: 'env-file' })),
    skipped: entries.filter(([, value]) => !looksLikeRef(value)).map(([name]) => name),
    duplicates,
  };
}

/** Checks names (pattern, reserved, duplicates across all sources) and parses every reference. */
export function buildSpecs(raw: readonly RawSpec[], defaultVault?: string): ParsedSpecs {
  const specs: SecretSpec[] = [];
  const errors: SecretsError[] = [];
  const seen = new Map<string, RawSpec>();
  for (const entry of raw) {
    const problem = nameProblem(entry.name);
    if (problem) {
      errors.push(configError(problem, entry.name));
      continue;
    }
    const earlier = seen.get(nameKey(entry.name));
    if (earlier) {
      errors.push(
        configError(
          `"${entry.name}" is given twice (${earlier.source} and ${entry.source}); names are case-insensitive`,
          entry.name,
        ),
      );
      continue;
    }
    seen.set(nameKey(entry.name), entry);
    try {
      const ref = parseRef(entry.ref, entry.source === 'secrets' ? defaultVault : undefined);
      specs.push({
        name: entry.name,
        ref,
        file: entry.file,
        mask: entry.mask,
        source: entry.source,
      });
    } catch (thrown) {
      if (!(thrown instanceof SecretsError)) throw thrown;
      // Only text written as a reference is echoed: anything else may be a pasted value.
      errors.push(thrown.forSecret(entry.name, looksLikeRef(entry.ref) ? entry.ref : undefined));
    }
  }
  return { specs, errors };
}
