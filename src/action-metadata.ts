/**
 * What action.yml declares, read from the file itself so that input defaults live in one place.
 * The runner fills defaults in; runs outside it (local runs, tests) may leave inputs empty.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

interface ActionYml {
  readonly inputs?: Readonly<Record<string, { readonly default?: string | number | boolean }>>;
}

let defaults: ReadonlyMap<string, string> | undefined;

/** action.yml sits at the root: above src/, dist/ or dist/chunks/. */
function actionYmlPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < 3; level++) {
    const path = join(dir, 'action.yml');
    if (existsSync(path)) return path;
    dir = dirname(dir);
  }
  throw new Error('action.yml not found beside the action code');
}

/** The default action.yml gives `input`, or '' when it gives none. */
export function inputDefault(input: string): string {
  defaults ??= new Map(
    Object.entries((parse(readFileSync(actionYmlPath(), 'utf8')) as ActionYml).inputs ?? {}).map(
      ([name, { default: value }]) => [name, value === undefined ? '' : String(value)],
    ),
  );
  return defaults.get(input) ?? '';
}
