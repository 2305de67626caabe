/**
 * What action.yml declares, fixed at build time (scripts/action-defaults.ts): no run reads or
 * parses action.yml. The runner fills defaults in; runs outside it (local runs, tests) may leave
 * inputs empty.
 */
import { MAIN_INPUT_DEFAULTS } from './generated/action-defaults.ts';

const defaults: ReadonlyMap<string, string> = new Map(Object.entries(MAIN_INPUT_DEFAULTS));

/** The default action.yml gives `input`, or '' when it gives none. */
export function inputDefault(input: string): string {
  return defaults.get(input) ?? '';
}
