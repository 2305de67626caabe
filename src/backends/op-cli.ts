/**
 * The 1Password CLI (`op` 2.x): a service account (token in op's environment only) or a
 * developer's signed-in account session. op is looked up on PATH only when it is first needed,
 * and run through @actions/exec, without a shell.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from '@actions/exec';
import { which } from '@actions/io';
import semver from 'semver';
import { describe } from '../errors.ts';
import { redact } from '../redact.ts';
import { utf8 } from '../text.ts';
import { withStdinErrorsDropped } from './child-stdin.ts';
import { object, records, summary, toItem } from './item-json.ts';
import {
  type Clock,
  type Limits,
  limits,
  type RetryPolicy,
  retried,
  type Transient,
} from './retry.ts';
import {
  type EnvironmentVariable,
  type Item,
  type ItemSummary,
  MAX_RESPONSE_BYTES,
  ownWords,
  type SecretSource,
  SourceError,
  type VaultSummary,
} from './source.ts';

function unexpected(what: string): SourceError {
  return new SourceError('unavailable', `op printed an unexpected ${what}`);
}

export const OP_NOT_FOUND = 'op CLI not found in PATH - install 1password-cli to use this provider';

/**
 * How long op's output may take to arrive once op has exited. What op wrote before it exited is
 * already in the pipe and is read within milliseconds even on a loaded machine; a process op
 * left behind may hold the pipe open for minutes, and is not waited for (exec's default: 10 s).
 */
const OUTPUT_GRACE_MS = 500;

/** The most of op's stderr kept: its message comes first. */
const STDERR_BYTES = 1024 * 1024;

/** Stdin for every command: none (templates go to `op inject` as a file). */
const NO_INPUT = Buffer.alloc(0);

/**
 * The first op with `op environment read`: a beta build (1Password's CLI reference,
 * management-commands/environment). Stable builds after it may still lack the command; op then
 * answers "unknown command", which gets the same message.
 */
export const OP_ENVIRONMENT_READ_VERSION = '2.33.0-beta.02';

/** Where to get an op with Environments, and the way around op. */
export const OP_ENVIRONMENT_HINT =
  'in a build with 1Password Environments (so far the beta builds: ' +
  'https://app-updates.agilebits.com/product_history/CLI2, "show betas"); ' +
  'with a service account, service-account-resolver: sdk reads Environments without op';

function noEnvironmentRead(version: string): SourceError {
  return new SourceError(
    'unavailable',
    `op ${version.slice(0, 40)} has no \`op environment read\`; ` +
      `1Password CLI ${OP_ENVIRONMENT_READ_VERSION} or newer is needed, ${OP_ENVIRONMENT_HINT}`,
  );
}

/** Variables op must never see: they would switch it to another account or to Connect. */
const STRIPPED = /^(OP_SERVICE_ACCOUNT_TOKEN|OP_CONNECT_HOST|OP_CONNECT_TOKEN|INPUT_.*)$/i;

export interface CliSourceOptions {
  /** A service-account token for op's environment; undefined uses the account session. */
  readonly token?: string | undefined;
  readonly account?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly policy?: RetryPolicy;
  readonly clock?: Clock;
  readonly concurrency?: number;
  /** Finds op; '' when it is not installed. */
  readonly findOp?: () => Promise<string>;
  /** The most op may print for one command (default MAX_RESPONSE_BYTES; tests set less). */
  readonly maxOutputBytes?: number;
  /**
   * The step's directory, made on first use, where `op inject`'s template is written; without
   * it (a CliSource built on its own), a fresh directory under the system temp directory.
   */
  readonly directory?: () => string;
}

/** Sorts op's message of a failed command: worth another attempt, or final. */
type Classify = (message: string) => Transient | SourceError;

interface Run {
  /** null when op was ended by a signal. */
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
  /** op printed more than it may: its output was dropped. */
  readonly tooLarge: boolean;
}

/** op's own message, without its `[ERROR] 2024/01/01 12:00:00` prefix and without credentials. */
export function opMessage(stderr: string): string {
  const text = stderr.replace(/\[ERROR\] \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /g, '').trim();
  return redact(text === '' ? 'op failed without a message' : text).slice(0, 500);
}

/** Sorts an op failure: worth another attempt, or final. */
export function classifyOpError(message: string): Transient | SourceError {
  const words = ownWords(message);
  if (/more than one (item|vault|field|file) matches/i.test(words)) {
    return new SourceError('ambiguous', message);
  }
  if (
    /too (many|few) (""|'\/')|invalid character in secret reference|attribute is only supported|query parameter is only supported/i.test(
      words,
    )
  ) {
    return new SourceError('invalid', message);
  }
  if (
    /isn't (a|an) (vault|item|field)|does not have a field|not found|no item|no vault/i.test(words)
  ) {
    return new SourceError('not-found', message);
  }
  if (/forbidden|\b403\b|permission|access denied|not authorized/i.test(words)) {
    return new SourceError('denied', message);
  }
  if (
    /rate.?limit|too many requests|\b429\b|timed? ?out|timeout|connection (refused|reset)|\b50[0-9]\b|service unavailable|bad gateway/i.test(
      words,
    )
  ) {
    return { transient: message };
  }
  if (
    /not currently signed in|sign ?in|DecodeSACredentials|unauthori[sz]ed|\b401\b|authenticat|session expired|error initializing client|invalid token/i.test(
      words,
    )
  ) {
    return new SourceError('unavailable', `op could not sign in: ${message}`);
  }
  return new SourceError('unavailable', `op failed: ${message}`);
}

/**
 * Sorts a failure of `op environment read`. op's text for an unknown Environment is not
 * documented: any failure that speaks of the environment as missing or invalid is not-found.
 */
export function classifyEnvironmentError(
  message: string,
  version: string,
): Transient | SourceError {
  const words = ownWords(message);
  if (/unknown command/i.test(words)) return noEnvironmentRead(version);
  if (
    /\benvironment\b/i.test(words) &&
    /isn't|is not|not found|does not exist|doesn't exist|invalid|no access/i.test(words) &&
    !/forbidden|\b403\b|permission/i.test(words)
  ) {
    return new SourceError('not-found', message);
  }
  return classifyOpError(message);
}

/**
 * Whether op's version is known to be older than the first with `op environment read`. op
 * writes pre-releases as `2.33.0-beta.02`, which only semver's loose mode reads; a version it
 * cannot read is left to op itself ("unknown command").
 */
export function lacksEnvironmentRead(version: string): boolean {
  const found = semver.valid(version, { loose: true });
  return found !== null && semver.lt(found, OP_ENVIRONMENT_READ_VERSION, { loose: true });
}

export class CliSource implements SecretSource {
  readonly #options: CliSourceOptions;
  readonly #closing = new AbortController();
  readonly #limits: Limits;
  readonly #env: Record<string, string>;
  readonly #maxOutputBytes: number;
  /** The size op reported for each attached file read, by `vault/item/file`. */
  readonly #fileSizes = new Map<string, number>();
  #op: Promise<string> | undefined;
  /** What `op --version` printed, once checked to be 2.x. */
  #version: Promise<string> | undefined;

  constructor(options: CliSourceOptions) {
    this.#options = options;
    this.#maxOutputBytes = options.maxOutputBytes ?? MAX_RESPONSE_BYTES;
    this.#limits = limits(options, options.concurrency ?? 4, this.#closing.signal);
    this.#env = Object.fromEntries(
      Object.entries(options.env).filter(
        (entry): entry is [string, string] => entry[1] !== undefined && !STRIPPED.test(entry[0]),
      ),
    );
    if (options.token !== undefined) this.#env['OP_SERVICE_ACCOUNT_TOKEN'] = options.token;
  }

  async listVaults(): Promise<VaultSummary[]> {
    const vaults = await this.#json('listing vaults', ['vault', 'list']);
    return records(vaults, 'vault list', unexpected).map((vault) =>
      summary(vault, 'name', 'vault', unexpected),
    );
  }

  async getVault(vaultId: string): Promise<VaultSummary> {
    const vault = await this.#json(`reading vault ${vaultId}`, ['vault', 'get'], classifyOpError, [
      vaultId,
    ]);
    return summary(object(vault, 'vault', unexpected), 'name', 'vault', unexpected);
  }

  async listItems(vaultId: string): Promise<ItemSummary[]> {
    const what = `listing the items of vault ${vaultId}`;
    const items = await this.#json(what, ['item', 'list', `--vault=${vaultId}`]);
    return records(items, 'item list', unexpected).map((item) =>
      summary(item, 'title', 'item', unexpected),
    );
  }

  async getItem(vaultId: string, itemId: string): Promise<Item> {
    const json = await this.#json(
      `reading item ${itemId}`,
      ['item', 'get', `--vault=${vaultId}`],
      classifyOpError,
      [itemId],
    );
    const item = toItem(json, vaultId, unexpected);
    for (const [fileId, size] of fileSizes(json)) {
      this.#fileSizes.set(`${vaultId}/${item.id}/${fileId}`, size);
    }
    return item;
  }

  async getFile(vaultId: string, itemId: string, fileId: string): Promise<Uint8Array> {
    const run = await this.#run(`reading file ${fileId}`, [
      'read',
      '--no-newline',
      `op://${vaultId}/${itemId}/${fileId}`,
    ]);
    // Raw bytes have no shape to check: the size from `op item get` makes a cut-short output an
    // error, never a shorter file.
    const size = this.#fileSizes.get(`${vaultId}/${itemId}/${fileId}`);
    if (size !== undefined && run.stdout.length !== size) {
      throw new SourceError(
        'unavailable',
        `op printed ${run.stdout.length} bytes of file ${fileId}, whose size is ${size} bytes`,
      );
    }
    return new Uint8Array(run.stdout);
  }

  /**
   * Reads many simple references with one `op inject`. Undefined when op fails: the resolver
   * then resolves each reference itself, so that every failure gets its own code.
   */
  async readBatch(refs: readonly string[]): Promise<ReadonlyMap<string, string> | undefined> {
    const boundary = `\n--op-secrets-${randomUUID()}--\n`;
    const template = refs.map((ref) => `${boundary}{{ ${ref} }}`).join('') + boundary;
    // A file, not stdin: op's stdin stays empty, so no template larger than a pipe holds is ever
    // written to an op that may exit without reading it. In the step's directory, which the post
    // step removes even if this step is killed while op runs.
    const { directory } = this.#options;
    const dir = directory ? directory() : mkdtempSync(join(tmpdir(), 'op-secrets-inject-'));
    // Never a secret's name: those have no `-` or `.`.
    const file = join(dir, `op-inject-${randomUUID()}.tpl`);
    let run: Run;
    try {
      writeFileSync(file, template, { mode: 0o600, flag: 'wx' });
      run = await this.#run(`injecting ${refs.length} references`, ['inject', '--in-file', file]);
    } catch (thrown) {
      // A reference op cannot read: each is resolved alone. op itself unusable: the run ends.
      if (thrown instanceof SourceError && thrown.failure !== 'unavailable') return undefined;
      throw thrown;
    } finally {
      try {
        rmSync(directory ? file : dir, { recursive: true, force: true });
      } catch {
        // An op that hung may still hold it open (Windows); it holds references, no values.
      }
    }
    const parts = splitBuffer(run.stdout, Buffer.from(boundary));
    // Nothing before the first boundary or after the last; one value between each pair.
    if (parts.length !== refs.length + 2 || parts[0]?.length !== 0 || parts.at(-1)?.length !== 0) {
      return undefined;
    }
    const values = new Map<string, string>();
    refs.forEach((ref, index) => {
      // Bytes that are not text (an attached binary file): the resolver reads them itself.
      const text = utf8(parts[index + 1] ?? Buffer.alloc(0));
      if (text !== undefined) values.set(ref, text);
    });
    return values;
  }

  /**
   * Every variable of an Environment, in its order, from `op environment read --format json`
   * (an array of `{name, value}`). The version is checked first: an op without the command
   * runs nothing more.
   */
  async readEnvironment(environmentId: string): Promise<EnvironmentVariable[]> {
    const op = await (this.#op ??= this.#locate());
    const version = await (this.#version ??= this.#checkVersion(op));
    if (lacksEnvironmentRead(version)) throw noEnvironmentRead(version);
    const json = await this.#json(
      `reading environment ${environmentId}`,
      ['environment', 'read'],
      (message) => classifyEnvironmentError(message, version),
      [environmentId],
    );
    // Go prints a nil slice as null: an Environment without variables.
    if (json === null) return [];
    // An empty name is the variable's own problem, refused with the others' names (entries.ts).
    return records(json, 'environment', unexpected).map(({ name, value }) => {
      if (typeof name !== 'string' || typeof value !== 'string') {
        throw unexpected('environment variable');
      }
      return { name, value };
    });
  }

  /** Ends the waits between retries. A hung op is not stopped (exec offers no handle). */
  close(): Promise<void> {
    this.#closing.abort(new Error('closed'));
    return Promise.resolve();
  }

  /** Runs op for JSON; `operands` go after `--`, so that op never takes one for an option. */
  async #json(
    what: string,
    args: readonly string[],
    classify: Classify = classifyOpError,
    operands: readonly string[] = [],
  ): Promise<unknown> {
    const end = operands.length === 0 ? [] : ['--', ...operands];
    const run = await this.#run(what, [...args, '--format', 'json', ...end], classify);
    try {
      return JSON.parse(run.stdout.toString('utf8')) as unknown;
    } catch {
      throw new SourceError('unavailable', `op printed something other than JSON while ${what}`);
    }
  }

  /** Runs op (found and version-checked once) with retries of transient failures. */
  async #run(
    what: string,
    args: readonly string[],
    classify: Classify = classifyOpError,
  ): Promise<Run> {
    const op = await (this.#op ??= this.#locate());
    // The version is checked once, beside the first command rather than before it.
    this.#version ??= this.#checkVersion(op);
    const account = this.#options.account === undefined ? [] : ['--account', this.#options.account];
    const command = retried(
      `op did not succeed ${what}`,
      (leftMs) => this.#attempt(op, [...account, ...args], leftMs, classify),
      this.#limits,
    );
    command.catch(() => undefined); // awaited below, after the version
    await this.#version;
    return command;
  }

  async #attempt(
    op: string,
    args: string[],
    leftMs: number,
    classify: Classify,
  ): Promise<Run | Transient> {
    const run = await this.#exec(op, args, leftMs);
    // Final, not retried: each attempt would leave one more op running.
    if (run === undefined) {
      throw new SourceError('unavailable', `op gave no answer within ${Math.round(leftMs)} ms`);
    }
    if (run.tooLarge) {
      const limit = this.#maxOutputBytes / 2 ** 20;
      throw new SourceError(
        'unavailable',
        `op printed more than ${limit} MiB: its answer was dropped`,
      );
    }
    if (run.code === 0) return run;
    const sorted = classify(opMessage(run.stderr));
    if (sorted instanceof SourceError) throw sorted;
    return sorted;
  }

  async #locate(): Promise<string> {
    const op = await (this.#options.findOp ?? (() => which('op', false)))();
    if (op === '') throw new SourceError('unavailable', OP_NOT_FOUND);
    return op;
  }

  async #checkVersion(op: string): Promise<string> {
    const timeoutMs = this.#limits.policy.attemptTimeoutMs;
    const run = await this.#exec(op, ['--version'], timeoutMs);
    if (run === undefined) {
      throw new SourceError('unavailable', `${op} --version gave no answer within ${timeoutMs} ms`);
    }
    const version = run.stdout.toString('utf8').trim();
    if (run.code !== 0 || !/^2\.\d+/.test(version)) {
      const found =
        version === '' ? 'an op that does not report its version' : `op ${version.slice(0, 40)}`;
      throw new SourceError('unavailable', `${found} at ${op}: the 1Password CLI 2.x is required`);
    }
    return version;
  }

  /**
   * Runs op once, without a shell and silently (its output is secrets); undefined when it gave
   * no answer within `timeoutMs`. exec offers no handle to kill it: a hung op is left running,
   * the step still ends (the entry exits once its work is done) and the runner ends it with the job.
   */
  async #exec(op: string, args: readonly string[], timeoutMs: number): Promise<Run | undefined> {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrBytes = 0;
    let tooLarge = false;
    let listening = true; // a hung op's later output is nobody's: do not hoard it
    // exec splits its first argument like a command line: quoted, a path with spaces stays whole.
    // An op that exits before reading its stdin fails exec's write to it: dropped, not a crash.
    const running = withStdinErrorsDropped(() =>
      exec(`"${op}"`, [...args], {
        env: this.#env,
        // An empty stdin, closed: op reads a piped stdin (`item get` takes item names from it).
        input: NO_INPUT,
        silent: true,
        ignoreReturnCode: true,
        delay: OUTPUT_GRACE_MS,
        listeners: {
          stdout: (chunk: Buffer) => {
            if (!listening || tooLarge) return;
            stdoutBytes += chunk.length;
            tooLarge = stdoutBytes > this.#maxOutputBytes;
            if (tooLarge) stdout.length = 0;
            else stdout.push(chunk);
          },
          stderr: (chunk: Buffer) => {
            // op's message is at its start; the rest of a runaway stderr is dropped.
            stderrBytes += chunk.length;
            if (listening && stderrBytes <= STDERR_BYTES) stderr.push(chunk);
          },
        },
      }),
    ).then(
      (code): Run => ({
        code,
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr).toString('utf8'),
        tooLarge,
      }),
      (error: unknown) => {
        throw new SourceError('unavailable', `op could not be started: ${redact(describe(error))}`);
      },
    );
    running.catch(() => undefined); // awaited below, unless the timeout wins
    const stop = new AbortController();
    const timeout = this.#limits.clock.sleep(timeoutMs, stop.signal).then(
      () => undefined,
      () => undefined,
    );
    try {
      return await Promise.race([running, timeout]);
    } finally {
      listening = false;
      stop.abort();
    }
  }
}

/** The sizes op gives for an item's attached files, by file ID. */
function fileSizes(json: unknown): [string, number][] {
  const files = records(object(json, 'item', unexpected)['files'] ?? [], 'item', unexpected);
  return files.flatMap((file) => {
    const { id, size } = file;
    return typeof id === 'string' && typeof size === 'number' && Number.isSafeInteger(size)
      ? [[id, size] as [string, number]]
      : [];
  });
}

function splitBuffer(buffer: Buffer, separator: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let at = buffer.indexOf(separator); at !== -1; at = buffer.indexOf(separator, start)) {
    parts.push(buffer.subarray(start, at));
    start = at + separator.length;
  }
  parts.push(buffer.subarray(start));
  return parts;
}
