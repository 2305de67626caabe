/**
 * Inputs that hold a YAML mapping keyed by name (`secrets`, `templates`), read strictly: one
 * document, keys unique in every mapping, aliases bounded, the root a mapping (or nothing), keys
 * strings. Every problem is a SECRETS_CONFIG_INVALID that names the input.
 */
import { isMap, isScalar, parseDocument, visit, type Document } from 'yaml';
import { Code, describe, SecretsError } from './errors.ts';

/** How messages speak of an input. */
export interface MappingInput {
  /** The input's name: `secrets`. */
  readonly name: string;
  /** What its entries look like: `NAME: ref`. */
  readonly shape: string;
  /** What a key names: `secret`. */
  readonly noun: string;
}

function configError(message: string): SecretsError {
  return new SecretsError(Code.configInvalid, message);
}

/**
 * A key given twice in any mapping of the document: scalars compared by value, anything else
 * by identity, as yaml's own `uniqueKeys` does, but in linear time (yaml's check compares every
 * pair: 20,000 secrets took seconds).
 */
function repeatedKey(document: Document): string | undefined {
  let repeated: string | undefined;
  visit(document, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        const identity = isScalar(key) ? key.value : key;
        if (seen.has(identity)) {
          repeated = String(identity);
          return visit.BREAK;
        }
        seen.add(identity);
      }
      return undefined;
    },
  });
  return repeated;
}

/**
 * Reads each entry of the mapping `text` holds with `read`, in order, given its key and its
 * value as plain data (strings, numbers, arrays, objects); empty text, a comment or a YAML null
 * is an empty mapping. Errors come in the order of the document: a key that is not a string,
 * and whatever `read` returns as an error.
 */
export function readYamlMapping<T>(
  text: string,
  input: MappingInput,
  read: (key: string, value: unknown) => T | SecretsError,
): { values: T[]; errors: SecretsError[] } {
  const failed = (message: string) => ({ values: [], errors: [configError(message)] });
  if (text.trim() === '') return { values: [], errors: [] };
  const document = parseDocument(text, {
    uniqueKeys: false,
    prettyErrors: false,
    logLevel: 'error',
  });
  if (document.errors.length > 0) {
    const first = document.errors[0];
    return failed(`the ${input.name} input is not valid YAML: ${first?.message}`);
  }
  const repeated = repeatedKey(document);
  if (repeated !== undefined) {
    return failed(
      `the ${input.name} input is not valid YAML: map keys must be unique (${JSON.stringify(repeated)} is given twice)`,
    );
  }
  const root = document.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { values: [], errors: [] };
  if (!isMap(root))
    return failed(`the ${input.name} input must be a YAML mapping of ${input.shape}`);
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 50 });
  } catch (thrown) {
    return failed(`the ${input.name} input cannot be read: ${describe(thrown)}`);
  }
  const values: T[] = [];
  const errors: SecretsError[] = [];
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? pair.key.value : pair.key;
    const entry =
      typeof key === 'string'
        ? read(key, (data as Record<string, unknown>)[key])
        : configError(`${input.noun} names must be strings, got ${JSON.stringify(String(key))}`);
    if (entry instanceof SecretsError) errors.push(entry);
    else values.push(entry);
  }
  return { values, errors };
}
