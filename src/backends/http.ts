/**
 * A small HTTP client for one origin: one keep-alive pool, bounded concurrency, a timeout on
 * every attempt, and retries of transient faults with jittered backoff and Retry-After.
 */
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { redact } from '../redact.ts';

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Time one request may take, its attempts and waits together. */
  readonly budgetMs: number;
  readonly attemptTimeoutMs: number;
}

export const DEFAULT_POLICY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  budgetMs: 30_000,
  attemptTimeoutMs: 15_000,
};

/** Time, injectable so that retry tests take no real time. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  random(): number;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }),
  random: Math.random,
};

export interface HttpResponse {
  readonly status: number;
  readonly body: Uint8Array;
  readonly contentType: string;
}

/** The request could not be completed: the server is unreachable, too slow, or kept failing. */
export class HttpFailure extends Error {
  /** Set when the last answer was an HTTP status rather than a network fault. */
  readonly status: number | undefined;
  readonly tls: boolean;

  constructor(message: string, status?: number, tls = false) {
    super(message);
    this.name = 'HttpFailure';
    this.status = status;
    this.tls = tls;
  }
}

/** A fault worth another attempt: a network error, a timeout, 408, 429 or 5xx. */
interface Transient {
  readonly reason: string;
  readonly status: number | undefined;
  readonly waitMs: number | undefined;
}

export interface HttpClientOptions {
  readonly origin: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly ca?: readonly string[];
  readonly concurrency?: number;
  readonly policy?: RetryPolicy;
  readonly clock?: Clock;
}

const RETRIED_STATUS = (status: number) => status === 408 || status === 429 || status >= 500;

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

function errorCode(thrown: unknown): string | undefined {
  let current: unknown = thrown;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    current = current.cause;
  }
  return undefined;
}

/** Seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: number): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Limits how many requests run at once, so that timeouts measure the request, not the queue. */
class Gate {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}

export class HttpClient {
  readonly #pool: Pool;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #policy: RetryPolicy;
  readonly #clock: Clock;
  readonly #gate: Gate;
  readonly #closing = new AbortController();

  constructor(options: HttpClientOptions) {
    const concurrency = options.concurrency ?? 16;
    this.#policy = options.policy ?? DEFAULT_POLICY;
    this.#clock = options.clock ?? realClock;
    this.#headers = options.headers;
    this.#gate = new Gate(concurrency);
    this.#pool = new Pool(options.origin, {
      connections: concurrency,
      // Explicit, so that an inherited NODE_TLS_REJECT_UNAUTHORIZED=0 cannot turn verification off.
      connect: { rejectUnauthorized: true, ...(options.ca ? { ca: [...options.ca] } : {}) },
      headersTimeout: this.#policy.attemptTimeoutMs,
      bodyTimeout: this.#policy.attemptTimeoutMs,
      keepAliveTimeout: 10_000,
    });
  }

  /** GET with retries; resolves with any final status (the caller maps 4xx), rejects with HttpFailure. */
  async get(path: string): Promise<HttpResponse> {
    const started = this.#clock.now();
    const elapsed = () => this.#clock.now() - started;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#gate.run(() =>
        this.#try(path, this.#policy.budgetMs - elapsed()),
      );
      if (!('reason' in outcome)) return outcome;
      const failed = `${outcome.reason} after ${attempt} attempts`;
      if (attempt >= this.#policy.attempts) throw new HttpFailure(failed, outcome.status);
      const backoff = Math.min(
        this.#policy.maxDelayMs,
        this.#policy.baseDelayMs * 2 ** (attempt - 1),
      );
      const delay = Math.max(
        backoff / 2 + (this.#clock.random() * backoff) / 2,
        outcome.waitMs ?? 0,
      );
      if (delay >= this.#policy.budgetMs - elapsed()) {
        const asked =
          outcome.waitMs === undefined
            ? ''
            : `, server asked to wait ${Math.ceil(outcome.waitMs / 1000)} s`;
        throw new HttpFailure(`${failed} (retry budget spent${asked})`, outcome.status);
      }
      await this.#clock.sleep(delay, this.#closing.signal);
    }
  }

  /** One attempt: a final response, a transient fault worth retrying, or a thrown HttpFailure. */
  async #try(path: string, leftMs: number): Promise<HttpResponse | Transient> {
    try {
      const response = await this.#attempt(path, leftMs);
      if (!RETRIED_STATUS(response.status)) return response;
      return {
        reason: `HTTP ${response.status}`,
        status: response.status,
        waitMs: retryAfterMs(response.retryAfter, this.#clock.now()),
      };
    } catch (thrown) {
      if (this.#closing.signal.aborted) throw new HttpFailure('the run was cancelled');
      const code = errorCode(thrown);
      const message = redact(thrown instanceof Error ? thrown.message : String(thrown));
      if (code && TLS_CODES.has(code)) {
        throw new HttpFailure(`TLS failure (${code}): ${message}`, undefined, true);
      }
      const timedOut = thrown instanceof Error && thrown.name === 'TimeoutError';
      return {
        reason: timedOut
          ? `no answer within ${this.#policy.attemptTimeoutMs} ms`
          : (code ?? message),
        status: undefined,
        waitMs: undefined,
      };
    }
  }

  async #attempt(
    path: string,
    leftMs: number,
  ): Promise<HttpResponse & { retryAfter: string | undefined }> {
    const timeout = Math.max(1, Math.min(this.#policy.attemptTimeoutMs, leftMs));
    const signal = AbortSignal.any([this.#closing.signal, AbortSignal.timeout(timeout)]);
    const response = await this.#pool.request({
      method: 'GET',
      path,
      headers: { ...this.#headers },
      signal,
    });
    const body = new Uint8Array(await response.body.arrayBuffer());
    // The pool frees the connection one turn after the body ends: wait for it, so the next request reuses it.
    await nextTurn();
    const header = (name: string) => {
      const value = response.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    return {
      status: response.statusCode,
      body,
      contentType: header('content-type') ?? '',
      retryAfter: header('retry-after'),
    };
  }

  /** Aborts what is in flight and closes the pool's connections. */
  async close(): Promise<void> {
    this.#closing.abort(new Error('closed'));
    await this.#pool.destroy();
  }
}
