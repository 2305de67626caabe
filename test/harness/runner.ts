// A minimal, faithful GitHub Actions runner for one job: it runs a JavaScript action's `main`
// and `post` entry points in child processes exactly as actions/runner does (see
// shared/RUNNER-NOTES.md; ActionRunner.cs, NodeScriptActionHandler.cs, OutputManager.cs,
// ActionCommandManager.cs, FileCommandManager.cs, SecretMasker.cs of actions/runner).
//
// Not modelled: problem matchers; expressions (`with:` values and action.yml defaults are taken
// literally); step `if:`/`continue-on-error`; job outputs; the ACTIONS_RUNTIME_*/ID-token
// variables (there are no services); the cap of 10 annotations per type (all are kept). Server
// feature flags are taken as on github.com: `::notice` is processed and `::set-output`/
// `::save-state` warn. Where the runner would throw out of command processing (an invalid
// `::stop-commands` token), the step is failed with the runner's message. stdout and stderr
// lines are processed in arrival order, as the runner does, so their relative order (and
// whether a stderr line is masked by a mask just registered on stdout) is not deterministic.
// Once the process exits, descendants still holding its pipes get 2 s, then its process group
// is killed.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { parse as parseYaml } from 'yaml';
import {
  getProperty,
  OMIT_ECHO,
  type ParsedCommand,
  parseCommand,
  RUNNER_COMMANDS,
} from './commands.ts';
import { FILE_COMMANDS, parseEnvFile, readAllLines, readAllText } from './file-commands.ts';
import { isNullOrWhiteSpace, SecretMasker, splitMaskLines } from './masker.ts';

const WINDOWS = process.platform === 'win32';
const DEFAULT_TIMEOUT_MS = 60_000;
/** How long to wait for the output pipes to close once the process has exited. */
const STREAM_GRACE_MS = 2_000;
const REPOSITORY_OWNER = 'op-secrets-action';
const REPOSITORY_NAME = 'op-secrets-action';
const SUMMARY_SIZE_LIMIT = 1024 * 1024;

const UNSUPPORTED_COMMAND_MESSAGE =
  'The `{0}` command is deprecated and will be disabled soon. Please upgrade to using Environment Files. For more information see: https://github.blog/changelog/2022-10-11-github-actions-deprecating-save-state-and-set-output-commands/';
const UNSUPPORTED_COMMAND_MESSAGE_DISABLED =
  'The `{0}` command is disabled. Please upgrade to using Environment Files or opt into unsecure command execution by setting the `ACTIONS_ALLOW_UNSECURE_COMMANDS` environment variable to `true`. For more information see: https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/';
const UNSUPPORTED_STOP_COMMAND_TOKEN_DISABLED =
  "You cannot use a endToken that is an empty string, the string 'pause-logging', or another workflow command. For more information see: https://docs.github.com/actions/learn-github-actions/workflow-commands-for-github-actions#example-stopping-and-starting-workflow-commands or opt into insecure command execution by setting the `ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS` environment variable to `true`.";

export interface StepOptions {
  /**
   * A sub-action of the repository, as its directory under the action's root (`configure` for
   * `uses: OWNER/REPO/configure@v1`): its action.yml gives the entries and the inputs.
   */
  uses?: string;
  /** The `with:` map, keys as in the workflow (e.g. `connect-host`). */
  inputs?: Record<string, string>;
  /** The step's `env:`, merged over the job env. */
  env?: Record<string, string>;
  /** Entry file of the main step; default: `runs.main` of action.yml, relative to the action dir. */
  entry?: string;
  /** Entry file of the post step; default: `runs.post` of action.yml; `null`: no post step. */
  postEntry?: string | null;
  /** The step's `id:` (becomes `GITHUB_ACTION`); default `__self`, `__self_2`, ... like the runner. */
  id?: string;
  /** Kill the child (and its process group) after this many ms; default 60 000. */
  timeoutMs?: number;
  /**
   * Time the step out as `timeoutMs` would, but once this settles: driven by an event (the step
   * got going), so that a test of the timeout needs no real-time margin.
   */
  timeoutWhen?: Promise<unknown>;
  /**
   * Kill the child and its process group (SIGKILL) once this settles, as a runner that is shut
   * down or loses its machine would: driven by an event, such as a file the step writes.
   */
  killWhen?: Promise<unknown>;
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  title?: string;
  /** The command's data, unescaped and unmasked, as the step printed it. */
  message: string;
  properties: Record<string, string>;
}

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  data: string;
  /** The runner processes commands on stderr too. */
  stream: 'stdout' | 'stderr';
}

/** One raw line of the child's output, split as the runner splits it (CR, LF or CRLF). */
export interface RawLine {
  stream: 'stdout' | 'stderr';
  text: string;
  /** Lower-cased name of the workflow command this line was processed as, if it was one. */
  command?: string;
}

export interface LogEntry {
  /** `runner`: lines the runner writes itself (step header, issues it raises, debug). */
  stream: 'stdout' | 'stderr' | 'runner';
  text: string;
}

export interface StepResult {
  stage: 'main' | 'post';
  /** The step id (`GITHUB_ACTION`). */
  id: string;
  entry: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The runner's verdict on the step: non-zero exit, timeout, a failed command or file command. */
  failed: boolean;
  /** Raw output. */
  stdout: string;
  stderr: string;
  /** Raw lines of both streams in arrival order. */
  lines: RawLine[];
  /** Workflow commands processed, unescaped. */
  commands: WorkflowCommand[];
  /** From `::error`/`::warning`/`::notice` (raw, unmasked). */
  annotations: Annotation[];
  /** Raw values registered with `::add-mask::` by this step. */
  masks: string[];
  /** The log as the runner shows it (masked; command lines removed or rendered). */
  log: string[];
  /** The same, with where each line came from. */
  logEntries: LogEntry[];
  outputs: Record<string, string>;
  exportedEnv: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  /** Warnings the runner raised itself (raw): unexpected inputs, empty add-mask, deprecated commands. */
  warnings: string[];
  /** Errors the runner raised itself (raw): disabled commands, bad file commands, timeout. */
  errors: string[];
  /** The environment the child process got. */
  processEnv: Record<string, string>;
}

interface ActionDefinition {
  using: string;
  main: string;
  post: string | undefined;
  postIf: string;
  inputs: { name: string; default: string | undefined }[];
}

interface PostRegistration {
  id: string;
  options: StepOptions;
  postEntry: string;
  state: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function format(template: string, arg: string): string {
  return template.replace('{0}', arg);
}

/** .NET `ToUpperInvariant` (no length-changing mappings, unlike `toUpperCase`). */
function upperInvariant(value: string): string {
  let out = '';
  for (const ch of value) {
    const upper = ch.toUpperCase();
    out += upper.length === ch.length ? upper : ch;
  }
  return out;
}

/** Environment keys are case-insensitive on Windows. */
function envKey(env: Record<string, string>, key: string): string | undefined {
  if (Object.hasOwn(env, key)) return key;
  if (!WINDOWS) return undefined;
  const upper = key.toUpperCase();
  return Object.keys(env).find((k) => k.toUpperCase() === upper);
}

function envGet(env: Record<string, string>, key: string): string | undefined {
  const found = envKey(env, key);
  return found === undefined ? undefined : env[found];
}

function envSet(env: Record<string, string>, key: string, value: string): void {
  const found = envKey(env, key);
  if (found !== undefined && found !== key) delete env[found];
  env[key] = value;
}

function envDelete(env: Record<string, string>, key: string): void {
  const found = envKey(env, key);
  if (found !== undefined) delete env[found];
}

/** `bool.TryParse`. */
function parseDotnetBool(value: string | undefined): boolean {
  return value !== undefined && value.trim().toLowerCase() === 'true';
}

/** `StringUtil.ConvertToBoolean`. */
function convertToBoolean(value: string | undefined): boolean {
  if (value === undefined) return false;
  return ['1', 'true', '$true'].includes(value.toLowerCase());
}

function runnerOs(): string {
  if (process.platform === 'win32') return 'Windows';
  if (process.platform === 'darwin') return 'macOS';
  return 'Linux';
}

function runnerArch(): string {
  switch (process.arch) {
    case 'arm64':
      return 'ARM64';
    case 'arm':
      return 'ARM';
    case 'ia32':
      return 'X86';
    default:
      return 'X64';
  }
}

/** The part of the parent's environment a runner process would have: PATH, HOME, Windows basics. */
function baseEnvironment(): Record<string, string> {
  const allowed = WINDOWS
    ? new Set([
        'PATH',
        'PATHEXT',
        'SYSTEMROOT',
        'SYSTEMDRIVE',
        'WINDIR',
        'COMSPEC',
        'TEMP',
        'TMP',
        'USERPROFILE',
        'HOMEDRIVE',
        'HOMEPATH',
        'APPDATA',
        'LOCALAPPDATA',
        'PROGRAMDATA',
        'PROGRAMFILES',
        'PROGRAMFILES(X86)',
        'PROGRAMW6432',
        'COMMONPROGRAMFILES',
        'NUMBER_OF_PROCESSORS',
        'PROCESSOR_ARCHITECTURE',
        'OS',
        'USERNAME',
        'COMPUTERNAME',
      ])
    : new Set(['PATH', 'HOME']);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && allowed.has(WINDOWS ? key.toUpperCase() : key)) env[key] = value;
  }
  return env;
}

/** Splits decoded output into lines like .NET `StreamReader.ReadLine` (CR, LF or CRLF). */
class LineSplitter {
  #buffer = '';
  readonly #decoder = new StringDecoder('utf8');

  write(chunk: Buffer): string[] {
    this.#buffer += this.#decoder.write(chunk);
    return this.#take(false);
  }

  end(): string[] {
    this.#buffer += this.#decoder.end();
    return this.#take(true);
  }

  #take(final: boolean): string[] {
    const buffer = this.#buffer;
    const lines: string[] = [];
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const code = buffer.charCodeAt(i);
      if (code === 10) {
        lines.push(buffer.slice(start, i));
        start = i + 1;
      } else if (code === 13) {
        if (i + 1 < buffer.length) {
          lines.push(buffer.slice(start, i));
          if (buffer.charCodeAt(i + 1) === 10) i++;
          start = i + 1;
        } else if (final) {
          lines.push(buffer.slice(start, i));
          start = i + 1;
        } else {
          break;
        }
      }
    }
    let rest = buffer.slice(start);
    if (final && rest !== '') {
      lines.push(rest);
      rest = '';
    }
    this.#buffer = rest;
    return lines;
  }
}

// Children still running, killed if the test process exits first.
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function killTree(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (WINDOWS) {
    spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], {
      stdio: 'ignore',
      windowsHide: true,
    });
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
    return;
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of liveChildren) killTree(c);
    });
  }
}

/** Reads action.yml with the failsafe schema: every scalar is the string written in the file. */
export function loadActionDefinition(actionDir: string): ActionDefinition {
  const file = ['action.yml', 'action.yaml']
    .map((name) => path.join(actionDir, name))
    .find((p) => existsSync(p));
  if (file === undefined) throw new Error(`no action.yml in ${actionDir}`);
  const doc: unknown = parseYaml(readFileSync(file, 'utf8'), { schema: 'failsafe' });
  const { runs: runsNode, inputs: inputsNode } = asRecord(doc, 'action.yml');
  const runs = asRecord(runsNode, 'runs');
  const { using, main, post } = runs;
  const postIf = runs['post-if'];
  if (typeof using !== 'string' || !/^node\d+$/i.test(using)) {
    throw new Error(`the harness runs JavaScript actions only, not runs.using '${String(using)}'`);
  }
  if (typeof main !== 'string') throw new Error('action.yml has no runs.main');
  const inputs: ActionDefinition['inputs'] = [];
  if (inputsNode !== undefined && inputsNode !== null && inputsNode !== '') {
    for (const [name, spec] of Object.entries(asRecord(inputsNode, 'inputs'))) {
      const value =
        spec !== null && typeof spec === 'object' && !Array.isArray(spec)
          ? (spec as { default?: unknown }).default
          : undefined;
      inputs.push({ name, default: typeof value === 'string' ? value : undefined });
    }
  }
  return {
    using,
    main,
    post: typeof post === 'string' ? post : undefined,
    postIf: typeof postIf === 'string' ? postIf : 'always()',
    inputs,
  };
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`action.yml: ${what} is not a mapping`);
  }
  return value as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// One step's execution context

class StepContext {
  readonly logEntries: LogEntry[] = [];
  readonly lines: RawLine[] = [];
  readonly commands: WorkflowCommand[] = [];
  readonly annotations: Annotation[] = [];
  readonly masks: string[] = [];
  readonly warnings: string[] = [];
  readonly errors: string[] = [];
  readonly outputs: Record<string, string> = {};
  readonly state: Record<string, string> = {};
  readonly exportedEnv: Record<string, string> = {};
  summary = '';
  failed = false;
  echo: boolean;
  readonly job: Job;
  readonly masker: SecretMasker;
  readonly id: string;
  readonly debugEnabled: boolean;
  readonly envContext: Record<string, string>;
  readonly #registered = new Set(RUNNER_COMMANDS);
  #stopped = false;
  #stopToken: string | undefined;

  constructor(
    job: Job,
    masker: SecretMasker,
    id: string,
    debugEnabled: boolean,
    envContext: Record<string, string>,
  ) {
    this.job = job;
    this.masker = masker;
    this.id = id;
    this.debugEnabled = debugEnabled;
    this.envContext = envContext;
    this.echo = debugEnabled;
  }

  /** `ExecutionContext.Write`: the tag and message are masked together. */
  write(tag: string, message: string, stream: LogEntry['stream'] = 'runner'): void {
    const masked = this.masker.mask(`${tag}${message}`);
    for (const text of masked.split(/\r?\n/)) this.logEntries.push({ stream, text });
  }

  output(message: string, stream: LogEntry['stream'] = 'runner'): void {
    this.write('', message, stream);
  }

  debug(message: string): void {
    if (!this.debugEnabled) return;
    for (const line of message.replaceAll('\r\n', '\n').split('\n')) this.write('##[debug]', line);
  }

  /** `ExecutionContext.AddIssue` with the default log options. */
  issue(level: Annotation['level'], message: string): void {
    const masked = this.masker.mask(message).slice(0, 4096);
    if (masked !== '') this.write(`##[${level}]`, masked);
  }

  warning(message: string): void {
    this.warnings.push(message);
    this.issue('warning', message);
  }

  error(message: string): void {
    this.errors.push(message);
    this.issue('error', message);
  }

  errorFromException(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.error(message);
    this.debug(`System.Exception: ${message}`);
  }

  /** `OutputManager.OnDataReceived`. */
  onLine(stream: RawLine['stream'], line: string): void {
    const raw: RawLine = { stream, text: line };
    this.lines.push(raw);
    if (line !== '' && (line.includes('##[') || line.includes('::'))) {
      const processed = this.#tryProcessCommand(line, stream);
      if (processed !== undefined) {
        raw.command = processed;
        return;
      }
    }
    let text = line;
    if (text.includes('##[start-action') || text.includes('##[end-action')) {
      text = text
        .replaceAll('##[start-action', '##[\\start-action')
        .replaceAll('##[end-action', '##[\\end-action');
    }
    this.output(text, stream);
  }

  /** `ActionCommandManager.TryProcessCommand`; returns the command name if the line was one. */
  #tryProcessCommand(input: string, stream: RawLine['stream']): string | undefined {
    const command = parseCommand(input, this.#registered);
    if (command === undefined) return undefined;
    const name = command.command.toLowerCase();

    if (this.#stopped) {
      if (this.#stopToken !== undefined && name === this.#stopToken.toLowerCase()) {
        this.#record(command, stream);
        this.output(input, stream);
        this.debug('Resume processing commands');
        this.#registered.delete(this.#stopToken.toLowerCase());
        this.#stopped = false;
        this.#stopToken = undefined;
        return name;
      }
      this.debug(
        `Process commands has been stopped and waiting for '##[${this.#stopToken ?? ''}]' to resume.`,
      );
      return undefined;
    }

    if (name === 'stop-commands') {
      const token = command.data;
      const invalid =
        token === '' ||
        this.#registered.has(token.toLowerCase()) ||
        token.toLowerCase() === 'pause-logging';
      const allowed = convertToBoolean(
        envGet(this.envContext, 'ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS'),
      );
      this.#record(command, stream);
      if (invalid && !allowed) {
        // The runner throws out of TryProcessCommand here; the step fails.
        this.error(UNSUPPORTED_STOP_COMMAND_TOKEN_DISABLED);
        this.failed = true;
        return name;
      }
      this.#stopToken = token;
      this.#stopped = true;
      this.#registered.add(token.toLowerCase());
      if (token.length > 6) this.masker.addValue(token);
      this.output(input, stream);
      this.debug(
        'Paused processing commands until the token you called ::stopCommands:: with is received',
      );
      return name;
    }

    this.#record(command, stream);
    if (this.echo && !OMIT_ECHO.has(name)) this.output(input, stream);
    try {
      this.#handle(name, command);
    } catch (error) {
      this.error(`Unable to process command '${OMIT_ECHO.has(name) ? name : input}' successfully.`);
      this.errorFromException(error);
      this.failed = true;
    }
    return name;
  }

  #record(command: ParsedCommand, stream: RawLine['stream']): void {
    this.commands.push({ ...command, properties: { ...command.properties }, stream });
  }

  #allowUnsecureCommands(): boolean {
    return parseDotnetBool(envGet(this.envContext, 'ACTIONS_ALLOW_UNSECURE_COMMANDS'));
  }

  #handle(name: string, command: ParsedCommand): void {
    const { data, properties } = command;
    switch (name) {
      case 'set-env': {
        if (!this.#allowUnsecureCommands()) {
          throw new Error(format(UNSUPPORTED_COMMAND_MESSAGE_DISABLED, 'set-env'));
        }
        const envName = getProperty(properties, 'name');
        if (envName === undefined || envName === '') {
          throw new Error("Required field 'name' is missing in ##[set-env] command.");
        }
        if (envName.toUpperCase() === 'NODE_OPTIONS') {
          this.error("Can't update NODE_OPTIONS environment variable using ::set-env:: command.");
          return;
        }
        envSet(this.job.env, envName, data);
        this.exportedEnv[envName] = data;
        this.debug(`${envName}='${data}'`);
        return;
      }
      case 'set-output':
      case 'save-state': {
        this.warning(format(UNSUPPORTED_COMMAND_MESSAGE, name));
        const key = getProperty(properties, 'name');
        if (key === undefined || key === '') {
          throw new Error(`Required field 'name' is missing in ##[${name}] command.`);
        }
        if (name === 'set-output') {
          this.outputs[key] = data;
          this.debug(`${this.#outputReference(key)}='${data}'`);
        } else {
          this.state[key] = data;
          this.debug(`Save intra-action state ${key} = ${data}`);
        }
        return;
      }
      case 'add-path': {
        if (!this.#allowUnsecureCommands()) {
          throw new Error(format(UNSUPPORTED_COMMAND_MESSAGE_DISABLED, 'add-path'));
        }
        if (data === '') throw new Error("Parameter 'path' cannot be null or empty.");
        this.job.prependPath(data);
        return;
      }
      case 'add-mask': {
        if (isNullOrWhiteSpace(data)) {
          this.warning("Can't add secret mask for empty string in ##[add-mask] command.");
          return;
        }
        if (this.echo) this.output('::add-mask::***');
        this.masker.addValue(data);
        this.masks.push(data);
        for (const line of splitMaskLines(data)) this.masker.addValue(line);
        return;
      }
      case 'add-matcher':
        // Problem matchers are not modelled.
        if (data === '') this.warning('File path must be specified.');
        return;
      case 'remove-matcher': {
        const owner = getProperty(properties, 'owner') ?? '';
        if (owner !== '' && data !== '') {
          this.warning(
            'Either specify an owner name or a file path in ##[remove-matcher] command. Both values cannot be set.',
          );
        } else if (owner === '' && data === '') {
          this.warning(
            'Either an owner name or a file path must be specified in ##[remove-matcher] command.',
          );
        }
        return;
      }
      case 'debug':
        this.debug(data);
        return;
      case 'warning':
      case 'error':
      case 'notice': {
        const annotation: Annotation = {
          level: name,
          message: data,
          properties: { ...properties },
        };
        const title = getProperty(properties, 'title');
        if (title !== undefined) annotation.title = title;
        this.annotations.push(annotation);
        this.issue(name, data);
        return;
      }
      case 'group':
        this.output(`##[group]${data}`);
        return;
      case 'endgroup':
        this.output('##[endgroup]');
        return;
      case 'echo': {
        if (data === '') throw new Error("Parameter 'value' cannot be null or empty.");
        const value = data.trim().toUpperCase();
        if (value === 'ON') {
          this.echo = true;
          this.debug("Setting echo command value to 'on'");
        } else if (value === 'OFF') {
          this.echo = false;
          this.debug("Setting echo command value to 'off'");
        } else {
          throw new Error(
            `Invalid echo command value. Possible values can be: 'on', 'off'. Current value is: '${data}'.`,
          );
        }
        return;
      }
      default:
        this.warning(`Can't find command extension for ##[${name}.command].`);
    }
  }

  #outputReference(name: string): string {
    return this.id.startsWith('__') ? '' : `steps.${this.id}.outputs.${name}`;
  }

  /** `FileCommandManager.ProcessFiles`, in the runner's order. */
  processFiles(files: Record<(typeof FILE_COMMANDS)[number]['contextName'], string>): void {
    for (const fileCommand of FILE_COMMANDS) {
      const file = files[fileCommand.contextName];
      try {
        switch (fileCommand.contextName) {
          case 'path':
            if (existsSync(file)) {
              for (const line of readAllLines(file)) if (line !== '') this.job.prependPath(line);
            }
            break;
          case 'env':
            this.#processPairs(file, (key, value) => {
              if (key.toUpperCase() === 'NODE_OPTIONS') {
                this.error(
                  "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.",
                );
                return;
              }
              envSet(this.job.env, key, value);
              this.exportedEnv[key] = value;
              this.debug(`${key}='${value}'`);
            });
            break;
          case 'step_summary':
            if (existsSync(file)) {
              this.summary = readAllText(file);
              const size = statSync(file).size;
              if (size > SUMMARY_SIZE_LIMIT) {
                this.error(
                  `$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of ${SUMMARY_SIZE_LIMIT / 1024}k, got ${Math.floor(size / 1024)}k. For more information see: https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-markdown-summary`,
                );
              }
            }
            break;
          case 'state':
            this.#processPairs(file, (key, value) => {
              this.state[key] = value;
              this.debug(`Save intra-action state ${key} = ${value}`);
            });
            break;
          case 'output':
            this.#processPairs(file, (key, value) => {
              if (key === '') throw new Error("Value cannot be null or empty. (Parameter 'name')");
              this.outputs[key] = value;
              this.debug(`Set output ${key} = ${value}`);
            });
            break;
        }
      } catch (error) {
        this.error(`Unable to process file command '${fileCommand.contextName}' successfully.`);
        this.errorFromException(error);
        this.failed = true;
      }
    }
  }

  #processPairs(file: string, apply: (key: string, value: string) => void): void {
    if (!existsSync(file)) {
      this.debug(`File does not exist '${file}'`);
      return;
    }
    const { pairs, error } = parseEnvFile(readAllText(file));
    for (const [key, value] of pairs) apply(key, value);
    if (error !== undefined) throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// The job

export class Job {
  /** The workspace (`GITHUB_WORKSPACE`, the steps' working directory). */
  readonly workspace: string;
  /** `RUNNER_TEMP`; the runner's `_runner_file_commands` and `_github_workflow` live inside it. */
  readonly runnerTemp: string;
  /** The job env: workflow/job `env:`, then what steps exported through `GITHUB_ENV`. */
  env: Record<string, string>;

  readonly #root: string;
  readonly #actionDir: string;
  readonly #toolCache: string;
  readonly #runnerWorkspace: string;
  readonly #fileCommandDir: string;
  readonly #eventPath: string;
  readonly #masker = new SecretMasker();
  readonly #prependPath: string[] = [];
  readonly #posts: PostRegistration[] = [];
  readonly #runnerEnv: Record<string, string>;
  readonly #actions = new Map<string, ActionDefinition>();
  #stepCount = 0;
  #failed = false;

  constructor(
    options: {
      env?: Record<string, string>;
      /** The action's root (where action.yml is); default: this repository. */
      actionDir?: string;
      /** Job secrets (`secrets.*`): the runner masks them from the start, trimmed, and each line. */
      secrets?: string[];
      /**
       * The runner process's own environment (a self-hosted runner started from a shell): every
       * step's process inherits it, under the step's env, and the step header never prints it.
       */
      runnerEnv?: Record<string, string>;
    } = {},
  ) {
    this.#actionDir = path.resolve(options.actionDir ?? path.join(import.meta.dirname, '..', '..'));
    this.env = {};
    for (const [key, value] of Object.entries(options.env ?? {})) envSet(this.env, key, value);
    this.#runnerEnv = { ...options.runnerEnv };
    for (const secret of options.secrets ?? []) {
      const value = secret.trim();
      this.#masker.addValue(value);
      for (const line of splitMaskLines(value)) this.#masker.addValue(line);
    }
    this.#root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'gha-job-')));
    const work = path.join(this.#root, '_work');
    this.runnerTemp = path.join(work, '_temp');
    this.#toolCache = path.join(work, '_tool');
    this.#runnerWorkspace = path.join(work, REPOSITORY_NAME);
    this.workspace = path.join(this.#runnerWorkspace, REPOSITORY_NAME);
    this.#fileCommandDir = path.join(this.runnerTemp, '_runner_file_commands');
    this.#eventPath = path.join(this.runnerTemp, '_github_workflow', 'event.json');
    for (const dir of [this.runnerTemp, this.#toolCache, this.workspace]) {
      mkdirSync(dir, { recursive: true });
    }
  }

  /** Every value the job's masker masks (job secrets and all `::add-mask::` so far). */
  get maskedValues(): string[] {
    return this.#masker.values;
  }

  /** Whether any step so far failed (what `success()`/`failure()` see). */
  get failed(): boolean {
    return this.#failed;
  }

  /** Mask a string with the job's masker as it stands. */
  mask(text: string): string {
    return this.#masker.mask(text);
  }

  /** The runner's `Global.PrependPath` (GITHUB_PATH, add-path). */
  prependPath(entry: string): void {
    const index = this.#prependPath.indexOf(entry);
    if (index >= 0) this.#prependPath.splice(index, 1);
    this.#prependPath.push(entry);
  }

  /** Runs the action's main entry point as one step, and registers its post step. */
  async step(options: StepOptions = {}): Promise<StepResult> {
    const action = this.#loadAction(options.uses);
    const actionDir = path.join(this.#actionDir, options.uses ?? '');
    this.#stepCount++;
    const id = options.id ?? (this.#stepCount === 1 ? '__self' : `__self_${this.#stepCount}`);
    // Path.Combine, as the runner does: `../dist/x.js` reaches outside the sub-action's directory.
    const entry = path.resolve(actionDir, options.entry ?? action.main);
    let postEntry: string | undefined;
    if (options.postEntry === undefined) {
      postEntry = action.post === undefined ? undefined : path.resolve(actionDir, action.post);
    } else if (options.postEntry !== null) {
      postEntry = path.resolve(actionDir, options.postEntry);
    }
    // The runner registers the post step before it runs the main one.
    const registration: PostRegistration | undefined =
      postEntry === undefined ? undefined : { id, options, postEntry, state: {} };
    if (registration !== undefined) this.#posts.push(registration);
    const result = await this.#run('main', entry, options, id, {});
    if (registration !== undefined) registration.state = { ...result.state };
    return result;
  }

  /**
   * Runs the post steps of all steps so far, last registered first, if `post-if` holds;
   * `afterEach` sees each one's result before the next starts.
   */
  async post(afterEach?: (result: StepResult) => void): Promise<StepResult[]> {
    const results: StepResult[] = [];
    for (let registration = this.#posts.pop(); registration; registration = this.#posts.pop()) {
      if (!this.#evaluatePostIf(this.#loadAction(registration.options.uses).postIf)) continue;
      const result = await this.#run(
        'post',
        registration.postEntry,
        registration.options,
        registration.id,
        registration.state,
      );
      results.push(result);
      afterEach?.(result);
    }
    return results;
  }

  /** Removes every directory of the job (the runner empties RUNNER_TEMP after the job). */
  async cleanup(): Promise<void> {
    await rm(this.#root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }

  #loadAction(uses = ''): ActionDefinition {
    let action = this.#actions.get(uses);
    if (action === undefined) {
      action = loadActionDefinition(path.join(this.#actionDir, uses));
      this.#actions.set(uses, action);
    }
    return action;
  }

  #evaluatePostIf(condition: string): boolean {
    const expression = condition
      .trim()
      .replace(/^\$\{\{([\s\S]*)\}\}$/, '$1')
      .trim();
    switch (expression) {
      case 'always()':
        return true;
      case 'success()':
        return !this.#failed;
      case 'failure()':
        return this.#failed;
      case 'cancelled()':
        return false;
      default:
        throw new Error(`the harness cannot evaluate post-if '${condition}'`);
    }
  }

  async #run(
    stage: 'main' | 'post',
    entry: string,
    options: StepOptions,
    id: string,
    state: Record<string, string>,
  ): Promise<StepResult> {
    const action = this.#loadAction(options.uses);

    // The env context: job env, then the step's env.
    const envContext: Record<string, string> = { ...this.env };
    for (const [key, value] of Object.entries(options.env ?? {})) envSet(envContext, key, value);
    const debugEnabled = convertToBoolean(envGet(envContext, 'ACTIONS_STEP_DEBUG'));
    const ctx = new StepContext(this, this.#masker, id, debugEnabled, envContext);

    // FileCommandManager.InitializeFiles: fresh empty files for this step.
    mkdirSync(this.#fileCommandDir, { recursive: true });
    const suffix = randomUUID();
    const files = {} as Record<(typeof FILE_COMMANDS)[number]['contextName'], string>;
    for (const fileCommand of FILE_COMMANDS) {
      const file = path.join(this.#fileCommandDir, `${fileCommand.prefix}${suffix}`);
      writeFileSync(file, '');
      files[fileCommand.contextName] = file;
    }
    // ExecutionContext.WriteWebhookPayload.
    mkdirSync(path.dirname(this.#eventPath), { recursive: true });
    writeFileSync(this.#eventPath, JSON.stringify(this.#eventPayload(), null, 2));

    // Inputs: the `with:` map, then the defaults of the declared inputs not given.
    const inputs: [string, string][] = [];
    const given = options.inputs ?? {};
    const valid = action.inputs.map((input) => input.name);
    const validLower = new Set(valid.map((name) => name.toLowerCase()));
    const givenLower = new Set<string>();
    const unexpected: string[] = [];
    for (const [key, value] of Object.entries(given)) {
      inputs.push([key, value]);
      givenLower.add(key.toLowerCase());
      if (!validLower.has(key.toLowerCase())) unexpected.push(key);
    }
    for (const input of action.inputs) {
      if (!givenLower.has(input.name.toLowerCase()) && input.default !== undefined) {
        inputs.push([input.name, input.default]);
      }
    }
    if (unexpected.length > 0) {
      ctx.warning(
        `Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${valid.join("', '")}']`,
      );
    }

    // ActionRunner's environment: the env context, then the intra-action state.
    const environment: Record<string, string> = { ...envContext };
    for (const [key, value] of Object.entries(state)) envSet(environment, `STATE_${key}`, value);

    // Handler.PrintActionDetails.
    if (stage === 'post') {
      ctx.output('Post job cleanup.');
    } else {
      ctx.output('##[group]Run ./');
      if (inputs.length > 0) {
        ctx.output('with:');
        for (const [key, value] of inputs) if (value !== '') ctx.output(`  ${key}: ${value}`);
      }
      const envEntries = Object.entries(environment);
      if (envEntries.length > 0) {
        ctx.output('env:');
        for (const [key, value] of envEntries) ctx.output(`  ${key}: ${value}`);
      }
      ctx.output('##[endgroup]');
    }

    // NodeScriptActionHandler.RunAsync: inputs, PATH, contexts.
    for (const [key, value] of inputs) {
      envSet(environment, `INPUT_${upperInvariant(key.replaceAll(' ', '_'))}`, value);
    }
    const base = baseEnvironment();
    for (const [key, value] of Object.entries(this.#runnerEnv)) envSet(base, key, value);
    if (this.#prependPath.length > 0) {
      const prepend = [...this.#prependPath].reverse().join(path.delimiter);
      const original = envGet(environment, 'PATH') ?? envGet(base, 'PATH') ?? '';
      const newPath =
        original === '' || original.startsWith(prepend + path.delimiter)
          ? original === ''
            ? prepend
            : original
          : `${prepend}${path.delimiter}${original}`;
      envSet(environment, WINDOWS ? 'Path' : 'PATH', newPath);
    }
    for (const [key, value] of Object.entries(this.#githubContext(id, files))) {
      envSet(environment, `GITHUB_${upperInvariant(key)}`, value);
    }
    for (const [key, value] of Object.entries(this.#runnerContext(debugEnabled))) {
      envSet(environment, `RUNNER_${upperInvariant(key)}`, value);
    }
    envDelete(environment, 'NODE_ICU_DATA');

    // ProcessInvoker: the runner's own environment, the step's, GITHUB_ACTIONS, CI.
    const processEnv: Record<string, string> = base;
    for (const [key, value] of Object.entries(environment)) {
      const k = key.split('\0')[0] ?? '';
      if (k !== '') envSet(processEnv, k, value.split('\0')[0] ?? '');
    }
    envSet(processEnv, 'GITHUB_ACTIONS', 'true');
    if (envKey(processEnv, 'CI') === undefined) envSet(processEnv, 'CI', 'true');

    let exitCode: number | null = null;
    let signal: NodeJS.Signals | null = null;
    let timedOut = false;
    let stdout = '';
    let stderr = '';
    try {
      if (!existsSync(entry)) throw new Error(`File not found: '${entry}'`);
      const outcome = await this.#spawn(
        entry,
        processEnv,
        options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        ctx,
        stage === 'main' ? options.killWhen : undefined,
        stage === 'main' ? options.timeoutWhen : undefined,
      );
      ({ exitCode, signal, timedOut, stdout, stderr } = outcome);
      if (timedOut) {
        ctx.error(
          `The action '${stage === 'post' ? 'Post Run ./' : 'Run ./'}' has timed out after ${(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 60_000} minutes.`,
        );
        ctx.failed = true;
      } else {
        ctx.debug(`Node Action run completed with exit code ${exitCode ?? 'null'}`);
        if (exitCode !== 0) ctx.failed = true;
      }
    } catch (error) {
      ctx.errorFromException(error);
      ctx.failed = true;
    } finally {
      ctx.processFiles(files);
    }
    if (ctx.failed) this.#failed = true;

    return {
      stage,
      id,
      entry,
      exitCode,
      signal,
      timedOut,
      failed: ctx.failed,
      stdout,
      stderr,
      lines: ctx.lines,
      commands: ctx.commands,
      annotations: ctx.annotations,
      masks: ctx.masks,
      log: ctx.logEntries.map((e) => e.text),
      logEntries: ctx.logEntries,
      outputs: ctx.outputs,
      exportedEnv: ctx.exportedEnv,
      state: ctx.state,
      summary: ctx.summary,
      warnings: ctx.warnings,
      errors: ctx.errors,
      processEnv,
    };
  }

  #spawn(
    entry: string,
    env: Record<string, string>,
    timeoutMs: number,
    ctx: StepContext,
    killWhen: Promise<unknown> | undefined,
    timeoutWhen: Promise<unknown> | undefined,
  ): Promise<{
    exitCode: number | null;
    signal: NodeJS.Signals | null;
    timedOut: boolean;
    stdout: string;
    stderr: string;
  }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [entry], {
        cwd: this.workspace,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        windowsHide: true,
        // Its own process group, so that a timeout kills what it started too.
        detached: !WINDOWS,
      });
      trackChild(child);
      child.stdin?.on('error', () => {});
      child.stdin?.end();

      const raw = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
      const splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };
      let timedOut = false;
      let exitCode: number | null = null;
      let signal: NodeJS.Signals | null = null;
      let settled = false;
      let graceTimer: NodeJS.Timeout | undefined;

      for (const stream of ['stdout', 'stderr'] as const) {
        child[stream]?.on('data', (chunk: Buffer) => {
          raw[stream].push(chunk);
          for (const line of splitters[stream].write(chunk)) ctx.onLine(stream, line);
        });
      }

      const kill = (): void => {
        if (!settled && exitCode === null && signal === null) killTree(child);
      };
      const timeOut = (): void => {
        if (settled || exitCode !== null || signal !== null) return;
        timedOut = true;
        killTree(child);
      };
      const timer = setTimeout(timeOut, timeoutMs);
      killWhen?.then(kill, kill);
      timeoutWhen?.then(timeOut, timeOut);

      const finish = (): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (graceTimer !== undefined) clearTimeout(graceTimer);
        liveChildren.delete(child);
        for (const stream of ['stdout', 'stderr'] as const) {
          for (const line of splitters[stream].end()) ctx.onLine(stream, line);
        }
        resolve({
          exitCode,
          signal,
          timedOut,
          stdout: Buffer.concat(raw.stdout).toString('utf8'),
          stderr: Buffer.concat(raw.stderr).toString('utf8'),
        });
      };

      child.on('error', (error) => {
        if (child.pid === undefined) {
          settled = true;
          clearTimeout(timer);
          liveChildren.delete(child);
          reject(error);
        }
      });
      child.on('exit', (code, sig) => {
        exitCode = code;
        signal = sig;
        // Something the step started may still hold the pipes: end it after a grace period.
        graceTimer = setTimeout(() => {
          killTree(child);
          child.stdout?.destroy();
          child.stderr?.destroy();
          finish();
        }, STREAM_GRACE_MS);
      });
      child.on('close', finish);
    });
  }

  #githubContext(
    id: string,
    files: Record<(typeof FILE_COMMANDS)[number]['contextName'], string>,
  ): Record<string, string> {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const repository = `${REPOSITORY_OWNER}/${REPOSITORY_NAME}`;
    return {
      action: id,
      actor: 'octocat',
      actor_id: '583231',
      api_url: 'https://api.github.com',
      base_ref: '',
      env: files.env,
      event_name: 'push',
      event_path: this.#eventPath,
      graphql_url: 'https://api.github.com/graphql',
      head_ref: '',
      job: 'test',
      output: files.output,
      path: files.path,
      ref: 'refs/heads/main',
      ref_name: 'main',
      ref_protected: 'false',
      ref_type: 'branch',
      repository,
      repository_id: '1',
      repository_owner: REPOSITORY_OWNER,
      repository_owner_id: '1',
      retention_days: '90',
      run_attempt: '1',
      run_id: '1',
      run_number: '1',
      server_url: 'https://github.com',
      sha,
      state: files.state,
      step_summary: files.step_summary,
      triggering_actor: 'octocat',
      workflow: 'test',
      workflow_ref: `${repository}/.github/workflows/test.yml@refs/heads/main`,
      workflow_sha: sha,
      workspace: this.workspace,
    };
  }

  #runnerContext(debug: boolean): Record<string, string> {
    return {
      ...(debug ? { debug: '1' } : {}),
      os: runnerOs(),
      arch: runnerArch(),
      name: 'GitHub Actions 1',
      environment: 'github-hosted',
      tool_cache: this.#toolCache,
      temp: this.runnerTemp,
      workspace: this.#runnerWorkspace,
    };
  }

  #eventPayload(): unknown {
    return {
      ref: 'refs/heads/main',
      repository: {
        full_name: `${REPOSITORY_OWNER}/${REPOSITORY_NAME}`,
        name: REPOSITORY_NAME,
        owner: { login: REPOSITORY_OWNER },
      },
    };
  }
}
