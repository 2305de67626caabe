/**
 * An in-memory door to the runner (src/runner.ts) for in-process tests of the pipeline: it
 * records what the action registered, wrote and said, in order, and can be told that a target
 * cannot be written.
 */
import type { Env, ExportTarget, Runner } from '../../src/runner.ts';

export interface MemoryRunnerOptions {
  /** The `with:` map; inputs not given are '' (the pipeline fills in action.yml's defaults). */
  readonly inputs?: Readonly<Record<string, string>>;
  readonly env?: Env;
  readonly cwd?: string;
  /** The runner's OS; default this process's. */
  readonly platform?: NodeJS.Platform;
  readonly state?: Readonly<Record<string, string>>;
  readonly now?: Date;
  /** Answers the OIDC token requests; without it, they fail as a runner without `id-token: write`. */
  readonly idToken?: (audience: string) => Promise<string>;
  /** Targets that cannot be written, with why. */
  readonly unwritable?: Partial<Record<ExportTarget, string>>;
}

/** One thing the action did through the door, in order: `setSecret`, `setOutput`, ... */
export interface Event {
  readonly kind: string;
  readonly name?: string;
  readonly value: string;
}

export class MemoryRunner implements Runner {
  readonly env: Env;
  readonly cwd: string;
  readonly platform: NodeJS.Platform;
  readonly events: Event[] = [];
  readonly secrets: string[] = [];
  readonly outputs: Record<string, string> = {};
  readonly exported: Record<string, string> = {};
  readonly savedState: Record<string, string> = {};
  readonly summaries: { heading: string; table: string[][] }[] = [];
  readonly errors: { message: string; title: string }[] = [];
  readonly warnings: string[] = [];
  readonly infos: string[] = [];
  readonly debugs: string[] = [];
  failed = false;
  readonly #options: MemoryRunnerOptions;

  constructor(options: MemoryRunnerOptions = {}) {
    this.#options = options;
    this.env = options.env ?? {};
    this.cwd = options.cwd ?? process.cwd();
    this.platform = options.platform ?? process.platform;
  }

  input(name: string): string {
    return (this.#options.inputs?.[name] ?? '').trim();
  }

  now(): Date {
    return this.#options.now ?? new Date('2026-01-02T03:04:05.000Z');
  }

  setSecret(value: string): void {
    this.secrets.push(value);
    this.events.push({ kind: 'setSecret', value });
  }

  unwritable(targets: readonly ExportTarget[]): string[] {
    return targets.flatMap((target) => {
      const why = this.#options.unwritable?.[target];
      return why === undefined ? [] : [`${target}: ${why}`];
    });
  }

  setOutput(name: string, value: string): void {
    this.outputs[name] = value;
    this.events.push({ kind: 'setOutput', name, value });
  }

  exportVariable(name: string, value: string): void {
    this.exported[name] = value;
    this.events.push({ kind: 'exportVariable', name, value });
  }

  saveState(name: string, value: string): void {
    this.savedState[name] = value;
    this.events.push({ kind: 'saveState', name, value });
  }

  getState(name: string): string {
    return this.#options.state?.[name] ?? '';
  }

  /** The audiences the OIDC token was asked for, in order. */
  readonly audiences: string[] = [];

  async idToken(audience: string): Promise<string> {
    this.audiences.push(audience);
    const answer = this.#options.idToken;
    if (answer === undefined) {
      throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
    }
    const token = await answer(audience);
    this.setSecret(token);
    return token;
  }

  summary(heading: string, table: readonly (readonly string[])[]): Promise<void> {
    this.summaries.push({ heading, table: table.map((row) => [...row]) });
    return Promise.resolve();
  }

  info(message: string): void {
    this.infos.push(message);
    this.events.push({ kind: 'info', value: message });
  }

  debug(message: string): void {
    this.debugs.push(message);
    this.events.push({ kind: 'debug', value: message });
  }

  warning(message: string): void {
    this.warnings.push(message);
    this.events.push({ kind: 'warning', value: message });
  }

  error(message: string, title: string): void {
    this.errors.push({ message, title });
    this.events.push({ kind: 'error', name: title, value: message });
  }

  group<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.events.push({ kind: 'group', value: name });
    return work();
  }

  fail(): void {
    this.failed = true;
  }

  /** Everything the action said or wrote, as one text: for checks that a value never shows. */
  transcript(): string {
    return JSON.stringify([this.events, this.summaries]);
  }
}
