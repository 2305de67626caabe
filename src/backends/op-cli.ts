/**
 * The 1Password CLI (`op` 2.x): a service account (token in op's environment only) or a
 * developer's signed-in account session. op is looked up on PATH only when it is first needed.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { which } from '@actions/io';
import { redact } from '../redact.ts';
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
  type Item,
  type ItemSummary,
  type SecretSource,
  SourceError,
  type VaultSummary,
} from './source.ts';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function unexpected(what: string): SourceError {
  return new SourceError('unavailable', `op printed an unexpected ${what}`);
}

export const OP_NOT_FOUND = 'op CLI not found in PATH - install 1password-cli to use this provider';

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
}

interface Run {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** op's own message, without its `[ERROR] 2024/01/01 12:00:00` prefix and without credentials. */
export function opMessage(stderr: string): string {
  const text = stderr.replace(/\[ERROR\] \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /g, '').trim();
  return redact(text === '' ? 'op failed without a message' : text).slice(0, 500);
}

/** Sorts an op failure: worth another attempt, or final. */
export function classifyOpError(message: string): Transient | SourceError {
  // Names op quotes ("signing-key", 'op://...') must not sway the class: match op's own words.
  const words = message.replace(/"[^"]*"|'[^']*'/g, '""');
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

export class CliSource implements SecretSource {
  readonly #options: CliSourceOptions;
  readonly #closing = new AbortController();
  readonly #limits: Limits;
  readonly #env: Record<string, string>;
  #op: Promise<string> | undefined;
  #version: Promise<void> | undefined;

  constructor(options: CliSourceOptions) {
    this.#options = options;
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
    const vault = await this.#json(`reading vault ${vaultId}`, ['vault', 'get', vaultId]);
    return summary(object(vault, 'vault', unexpected), 'name', 'vault', unexpected);
  }

  async listItems(vaultId: string): Promise<ItemSummary[]> {
    const what = `listing the items of vault ${vaultId}`;
    const items = await this.#json(what, ['item', 'list', '--vault', vaultId]);
    return records(items, 'item list', unexpected).map((item) =>
      summary(item, 'title', 'item', unexpected),
    );
  }

  async getItem(vaultId: string, itemId: string): Promise<Item> {
    const item = await this.#json(`reading item ${itemId}`, [
      'item',
      'get',
      itemId,
      '--vault',
      vaultId,
    ]);
    return toItem(item, vaultId, unexpected);
  }

  async getFile(vaultId: string, itemId: string, fileId: string): Promise<Uint8Array> {
    const run = await this.#run(`reading file ${fileId}`, [
      'read',
      '--no-newline',
      `op://${vaultId}/${itemId}/${fileId}`,
    ]);
    return new Uint8Array(run.stdout);
  }

  /**
   * Reads many simple references with one `op inject`. Undefined when op fails: the resolver
   * then resolves each reference itself, so that every failure gets its own code.
   */
  async readBatch(refs: readonly string[]): Promise<ReadonlyMap<string, string> | undefined> {
    const boundary = `\n--op-secrets-${randomUUID()}--\n`;
    const template = refs.map((ref) => `${boundary}{{ ${ref} }}`).join('') + boundary;
    let run: Run;
    try {
      run = await this.#run(
        `injecting ${refs.length} references`,
        ['inject'],
        Buffer.from(template),
      );
    } catch (thrown) {
      // A reference op cannot read: each is resolved alone. op itself unusable: the run ends.
      if (thrown instanceof SourceError && thrown.failure !== 'unavailable') return undefined;
      throw thrown;
    }
    const parts = splitBuffer(run.stdout, Buffer.from(boundary));
    // Nothing before the first boundary or after the last; one value between each pair.
    if (parts.length !== refs.length + 2 || parts[0]?.length !== 0 || parts.at(-1)?.length !== 0) {
      return undefined;
    }
    const values = new Map<string, string>();
    refs.forEach((ref, index) => {
      try {
        values.set(ref, strictUtf8.decode(parts[index + 1]));
      } catch {
        // Bytes that are not text (an attached binary file): the resolver reads them itself.
      }
    });
    return values;
  }

  close(): Promise<void> {
    this.#closing.abort(new Error('closed'));
    return Promise.resolve();
  }

  async #json(what: string, args: readonly string[]): Promise<unknown> {
    const run = await this.#run(what, [...args, '--format', 'json']);
    try {
      return JSON.parse(run.stdout.toString('utf8')) as unknown;
    } catch {
      throw new SourceError('unavailable', `op printed something other than JSON while ${what}`);
    }
  }

  /** Runs op (found and version-checked once) with retries of transient failures. */
  async #run(what: string, args: readonly string[], input?: Buffer): Promise<Run> {
    const op = await (this.#op ??= this.#locate());
    // The version is checked once, beside the first command rather than before it.
    this.#version ??= this.#checkVersion(op);
    const account = this.#options.account === undefined ? [] : ['--account', this.#options.account];
    const command = retried(
      `op did not succeed ${what}`,
      (leftMs) => this.#attempt(op, [...account, ...args], leftMs, input),
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
    input: Buffer | undefined,
  ): Promise<Run | Transient> {
    const run = await this.#spawn(op, args, leftMs, input);
    if (run === 'timeout')
      return { transient: `op gave no answer within ${Math.round(leftMs)} ms` };
    if (run.code === 0) return run;
    const sorted = classifyOpError(opMessage(run.stderr));
    if (sorted instanceof SourceError) throw sorted;
    return sorted;
  }

  async #locate(): Promise<string> {
    const op = await (this.#options.findOp ?? (() => which('op', false)))();
    if (op === '') throw new SourceError('unavailable', OP_NOT_FOUND);
    return op;
  }

  async #checkVersion(op: string): Promise<void> {
    const timeoutMs = this.#limits.policy.attemptTimeoutMs;
    const run = await this.#spawn(op, ['--version'], timeoutMs);
    if (run === 'timeout') {
      throw new SourceError('unavailable', `${op} --version gave no answer within ${timeoutMs} ms`);
    }
    const version = run.stdout.toString('utf8').trim();
    if (run.code !== 0 || !/^2\.\d+/.test(version)) {
      const found =
        version === '' ? 'an op that does not report its version' : `op ${version.slice(0, 40)}`;
      throw new SourceError('unavailable', `${found} at ${op}: the 1Password CLI 2.x is required`);
    }
  }

  /** Runs op without a shell; kills it when it overstays. */
  #spawn(
    op: string,
    args: readonly string[],
    timeoutMs: number,
    input?: Buffer,
  ): Promise<Run | 'timeout'> {
    return new Promise((resolve, reject) => {
      const child = spawn(op, args, {
        env: this.#env,
        stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        windowsHide: true,
        signal: this.#closing.signal,
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new SourceError('unavailable', `op could not be started: ${redact(error.message)}`));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (timedOut) resolve('timeout');
        else
          resolve({
            code,
            stdout: Buffer.concat(stdout),
            stderr: Buffer.concat(stderr).toString('utf8'),
          });
      });
    });
  }
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
