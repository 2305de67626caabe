/**
 * Which names a secret may take: it becomes an output and, with export-env, an environment
 * variable. The reserved names are data, printed in docs/what-to-load.md (a test keeps the two equal).
 */
import { Hint } from './errors.ts';

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Where the names this action exported are kept for later runs (as 1Password's own action keeps them). */
export const MANAGED_VARIABLES = 'OP_MANAGED_VARIABLES';

/** Every name starting with one of these is refused (upper case; compared case-insensitively). */
export const RESERVED_PREFIXES: readonly string[] = [
  // The runner and the toolkit.
  'GITHUB_',
  'RUNNER_',
  'ACTIONS_',
  'INPUT_',
  'STATE_',
  // Dynamic loaders.
  'LD_',
  'DYLD_',
  // .NET profilers (COR_PROFILER_PATH, CORECLR_PROFILER, ...) load a library into the process.
  'COR_',
  'CORECLR_',
  // git reads configuration, aliases and hooks included, from GIT_CONFIG_KEY_<n> and friends.
  'GIT_CONFIG_',
];

/** Names a reserved prefix would refuse but that stay allowed. */
export const ALLOWED_NAMES: readonly string[] = [
  // 1Password's own action accepts it as a secret name in step env, and tools read it.
  'GITHUB_TOKEN',
];

/** Names refused outright (upper case; compared case-insensitively). */
export const RESERVED_NAMES: readonly string[] = [
  // Read by the runner, a shell or the system.
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
  'COMSPEC',
  'SYSTEMROOT',
  'PSMODULEPATH',
  // Change how Node loads or runs.
  'NODE_OPTIONS',
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
  // Change how the JVM, .NET, Python, Perl and Ruby load or run.
  'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS',
  'JDK_JAVA_OPTIONS',
  'DOTNET_STARTUP_HOOKS',
  'PYTHONHOME',
  'PYTHONSTARTUP',
  'PYTHONPATH',
  'PERL5OPT',
  'PERL5LIB',
  'PERLLIB',
  'RUBYOPT',
  'RUBYLIB',
  'GCONV_PATH',
  // Commands git runs.
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_ASKPASS',
  'GIT_EXEC_PATH',
  'GIT_PROXY_COMMAND',
  // This action's own settings.
  'OP_SERVICE_ACCOUNT_TOKEN',
  'OP_CONNECT_HOST',
  'OP_CONNECT_TOKEN',
  'OP_ENV_FILE',
  'OP_WORKLOAD_ID',
  'OP_INTEGRATION_KEY',
  'OP_ENVIRONMENT_ID',
  MANAGED_VARIABLES,
];

const reserved = new Set(RESERVED_NAMES);
const allowed = new Set(ALLOWED_NAMES);

/** Whether `name` is reserved for the runner, a program loader or this action. */
export function isReserved(name: string): boolean {
  const upper = name.toUpperCase();
  if (allowed.has(upper)) return false;
  return reserved.has(upper) || RESERVED_PREFIXES.some((prefix) => upper.startsWith(prefix));
}

/** Returns why `name` cannot be used, or undefined when it can. Case-insensitive, as Windows is. */
export function nameProblem(name: string): string | undefined {
  if (!NAME_PATTERN.test(name)) return `"${name}" is not a valid name (${Hint.nameRule})`;
  if (isReserved(name)) {
    return `"${name}" is reserved for the runner, a program loader or this action; choose another name`;
  }
  return undefined;
}

/** Names are compared as GitHub compares output names and Windows compares variables. */
export function nameKey(name: string): string {
  return name.toUpperCase();
}
