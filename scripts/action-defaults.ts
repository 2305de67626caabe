/**
 * The input defaults that action.yml and configure/action.yml declare, fixed at build time as
 * src/generated/action-defaults.ts, so that no run parses YAML to learn them. The build refuses a
 * module that no longer says what the files say; `npm run generate` writes it anew.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const GENERATED = 'src/generated/action-defaults.ts';

/** Each exported constant of the module, and the metadata file it is read from. */
export const SOURCES = {
  MAIN_INPUT_DEFAULTS: 'action.yml',
  CONFIGURE_INPUT_DEFAULTS: 'configure/action.yml',
} as const;

export type Sources = Readonly<Record<keyof typeof SOURCES, string>>;

/**
 * Each input `yamlText` declares, with its default ('' when none). The failsafe schema keeps
 * every scalar as the text written, as the runner passes it (`3600`, `false`).
 */
export function inputDefaults(yamlText: string, file: string): Record<string, string> {
  const doc = parse(yamlText, { schema: 'failsafe' }) as { inputs?: unknown } | null;
  const inputs = doc?.inputs ?? {};
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
    throw new Error(`${file}: inputs is not a mapping`);
  }
  return Object.fromEntries(
    Object.entries(inputs).map(([name, input]: [string, unknown]) => {
      const value = (input as { default?: unknown } | null)?.default ?? '';
      if (typeof value !== 'string') throw new Error(`${file}: the default of ${name} is not text`);
      return [name, value];
    }),
  );
}

/** A string literal as prettier writes it: single quotes, unless the text holds more of them. */
function quote(text: string): string {
  const mark = text.split("'").length > text.split('"').length ? '"' : "'";
  const escaped = text
    .replaceAll('\\', '\\\\')
    .replaceAll(mark, `\\${mark}`)
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r');
  return `${mark}${escaped}${mark}`;
}
const key = (name: string): string => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name));

/** The module's text (formatted as prettier formats it), from each file's YAML text. */
export function renderDefaults(yamlTexts: Sources): string {
  const constants = Object.entries(SOURCES).map(([constant, file]) => {
    const defaults = inputDefaults(yamlTexts[constant as keyof Sources], file);
    const entries = Object.entries(defaults).map(
      ([name, value]) => `  ${key(name)}: ${quote(value)},\n`,
    );
    return (
      `/** Each input ${file} declares, with its default ('' when it gives none). */\n` +
      `export const ${constant} = {\n${entries.join('')}} as const;\n`
    );
  });
  return (
    `// Generated from ${Object.values(SOURCES).join(' and ')} by scripts/action-defaults.ts` +
    ' (npm run generate): do not edit.\n\n' +
    constants.join('\n')
  );
}

/** A problem, or undefined when the committed module says exactly what `expected` says. */
export function staleness(committed: string | undefined, expected: string): string | undefined {
  if (committed === expected) return undefined;
  return (
    `${GENERATED} ${committed === undefined ? 'is missing' : `does not match ${Object.values(SOURCES).join(' or ')}`}: ` +
    'run `npm run generate` and commit the result'
  );
}

const readSources = (root: string): Sources => {
  const read = (file: string) => readFileSync(join(root, file), 'utf8');
  return {
    MAIN_INPUT_DEFAULTS: read(SOURCES.MAIN_INPUT_DEFAULTS),
    CONFIGURE_INPUT_DEFAULTS: read(SOURCES.CONFIGURE_INPUT_DEFAULTS),
  };
};

/** Throws unless the committed module under `root` matches the metadata files there. */
export function checkGenerated(root: string): void {
  const file = join(root, GENERATED);
  const committed = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  const problem = staleness(committed, renderDefaults(readSources(root)));
  if (problem !== undefined) throw new Error(problem);
}

/** Writes the module under `root` from the metadata files there. */
export function writeGenerated(root: string): void {
  writeFileSync(join(root, GENERATED), renderDefaults(readSources(root)));
}

if (import.meta.main) writeGenerated(join(import.meta.dirname, '..'));
