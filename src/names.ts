/** Which names a secret may take: it becomes an output and, with export-env, an environment variable. */
import { Hint } from './errors.ts';

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Where the names this action exported are kept for later runs (as 1Password's own action keeps them). */
export const MANAGED_VARIABLES = 'OP_MANAGED_VARIABLES';

/** Prefixes the runner, the toolkit and the action itself use for their own variables. */
const FORBIDDEN_PREFIXES = ['GITHUB_', 'RUNNER_', 'ACTIONS_', 'INPUT_', 'STATE_', 'LD_', 'DYLD_'];

/** Names that change how the runner, a shell or a process loader behaves. */
const FORBIDDEN_NAMES = new Set([
  'CI',
  'PATH',
  'PATHEXT',
  'HOME',
  'SHELL',
  'ENV',
  'BASH_ENV',
  'BASHOPTS',
  'SHELLOPTS',
  'IFS',
  'PS4',
  'PROMPT_COMMAND',
  'CDPATH',
  'TMPDIR',
  'TEMP',
  'TMP',
  'NODE_OPTIONS',
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
  MANAGED_VARIABLES,
]);

/** Returns why `name` cannot be used, or undefined when it can. Case-insensitive, as Windows is. */
export function nameProblem(name: string): string | undefined {
  if (!NAME_PATTERN.test(name)) return `"${name}" is not a valid name (${Hint.nameRule})`;
  const upper = name.toUpperCase();
  if (FORBIDDEN_NAMES.has(upper) || FORBIDDEN_PREFIXES.some((prefix) => upper.startsWith(prefix))) {
    return `"${name}" is reserved for the runner or the process loader; choose another name`;
  }
  return undefined;
}

/** Names are compared as GitHub compares output names and Windows compares variables. */
export function nameKey(name: string): string {
  return name.toUpperCase();
}
