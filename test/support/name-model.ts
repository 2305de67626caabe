/**
 * An independent model of the rule for secret names (src/names.ts): property tests check
 * nameProblem against it, and generate the valid names of a mapping from it.
 */

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** SPEC.md, Secrecy, lists these and ends each list with "...". */
export const SPEC_PREFIXES = [
  'GITHUB_',
  'RUNNER_',
  'ACTIONS_',
  'LD_',
  'DYLD_',
  'COR_',
  'CORECLR_',
  'GIT_CONFIG_',
];
export const SPEC_NAMES = [
  'CI',
  'PATH',
  'HOME',
  'NODE_OPTIONS',
  'LD_PRELOAD',
  'BASH_ENV',
  'ENV',
  'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS',
  'JDK_JAVA_OPTIONS',
  'DOTNET_STARTUP_HOOKS',
  'PYTHONSTARTUP',
  'PYTHONPATH',
  'PYTHONHOME',
  'PERL5OPT',
  'RUBYOPT',
  'GCONV_PATH',
  'GIT_SSH_COMMAND',
  'GIT_ASKPASS',
  'PSMODULEPATH',
  'OP_SERVICE_ACCOUNT_TOKEN',
  'OP_CONNECT_HOST',
  'OP_CONNECT_TOKEN',
  'OP_ENV_FILE',
  'OP_WORKLOAD_ID',
  'OP_INTEGRATION_KEY',
  'OP_ENVIRONMENT_ID',
  'OP_MANAGED_VARIABLES',
];
/** A reserved prefix's exception, in SPEC.md too. */
export const SPEC_ALLOWED = ['GITHUB_TOKEN'];
/**
 * The "..." of SPEC.md as the README and the implementation spell it out. Kept here so that
 * the model is exact: refusing a new name, or accepting one of these, must be a deliberate change.
 */
export const EXTRA_PREFIXES = ['INPUT_', 'STATE_'];
export const EXTRA_NAMES = [
  'PATHEXT',
  'SHELL',
  'BASHOPTS',
  'SHELLOPTS',
  'IFS',
  'PS4',
  'PROMPT_COMMAND',
  'CDPATH',
  'TMPDIR',
  'TEMP',
  'TMP',
  'COMSPEC',
  'SYSTEMROOT',
  'NODE_PATH',
  'NODE_EXTRA_CA_CERTS',
  'NODE_TLS_REJECT_UNAUTHORIZED',
  'NODE_USE_ENV_PROXY',
  'NODE_USE_SYSTEM_CA',
  'NODE_REPL_EXTERNAL_MODULE',
  'NODE_V8_COVERAGE',
  'NODE_ICU_DATA',
  'NODE_PRESERVE_SYMLINKS',
  'NODE_REDIRECT_WARNINGS',
  'NODE_COMPILE_CACHE',
  'PERL5LIB',
  'PERLLIB',
  'RUBYLIB',
  'GIT_SSH',
  'GIT_EXEC_PATH',
  'GIT_PROXY_COMMAND',
];

export function modelReserved(name: string): boolean {
  const upper = name.toUpperCase();
  if (SPEC_ALLOWED.includes(upper)) return false;
  return (
    [...SPEC_NAMES, ...EXTRA_NAMES].includes(upper) ||
    [...SPEC_PREFIXES, ...EXTRA_PREFIXES].some((prefix) => upper.startsWith(prefix))
  );
}

export function modelAccepts(name: string): boolean {
  return NAME_PATTERN.test(name) && !modelReserved(name);
}
