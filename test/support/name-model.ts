/**
 * An independent model of the rule for secret names (src/names.ts): property tests check
 * nameProblem against it, and generate the valid names of a mapping from it.
 */

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** SPEC.md, Secrecy, lists these and ends with "...". */
export const SPEC_PREFIXES = ['GITHUB_', 'RUNNER_', 'ACTIONS_'];
export const SPEC_NAMES = ['NODE_OPTIONS', 'LD_PRELOAD', 'BASH_ENV', 'PATH'];
/**
 * The "..." of SPEC.md as the README and the implementation spell it out. Kept here so that
 * the model is exact: refusing a new name, or accepting one of these, must be a deliberate change.
 */
export const EXTRA_PREFIXES = ['INPUT_', 'STATE_', 'LD_', 'DYLD_'];
export const EXTRA_NAMES = [
  'CI',
  'PATHEXT',
  'HOME',
  'SHELL',
  'ENV',
  'BASHOPTS',
  'SHELLOPTS',
  'IFS',
  'PS4',
  'PROMPT_COMMAND',
  'CDPATH',
  'TMPDIR',
  'TEMP',
  'TMP',
  'NODE_PATH',
  'NODE_EXTRA_CA_CERTS',
  'NODE_TLS_REJECT_UNAUTHORIZED',
  'NODE_USE_ENV_PROXY',
  'PYTHONPATH',
  'PYTHONSTARTUP',
  'PERL5OPT',
  'PERL5LIB',
  'RUBYOPT',
  'JAVA_TOOL_OPTIONS',
  'COMSPEC',
  'SYSTEMROOT',
  'OP_MANAGED_VARIABLES',
];

export function modelReserved(name: string): boolean {
  const upper = name.toUpperCase();
  return (
    [...SPEC_NAMES, ...EXTRA_NAMES].includes(upper) ||
    [...SPEC_PREFIXES, ...EXTRA_PREFIXES].some((prefix) => upper.startsWith(prefix))
  );
}

export function modelAccepts(name: string): boolean {
  return NAME_PATTERN.test(name) && !modelReserved(name);
}
