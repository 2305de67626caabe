/**
 * HTTP for one origin, on undici: one keep-alive pool, a deadline on every attempt, answers of
 * at most 64 MiB, redirects never followed, and the shared retries of transient faults.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createSecureContext } from 'node:tls';
import { type Dispatcher, Pool } from 'undici';
import { describe } from '../errors.ts';
import { redact } from '../redact.ts';
import { TLS_CODES, tlsFailure } from '../tls.ts';
import { MAX_RESPONSE_BYTES } from './source.ts';
import {
  type Clock,
  gated,
  limits,
  type Limits,
  RetriesExhausted,
  type RetryPolicy,
  type Transient,
} from './retry.ts';

/** Requests at once, and connections in the pool: one connection per request in flight. */
const CONCURRENCY = 32;

export interface HttpResponse {
  readonly status: number;
  readonly body: Uint8Array;
  readonly contentType: string;
  /** Where a redirect points (never followed). */
  readonly location: string | undefined;
}

/**
 * Why a request failed: `tls` (the server's certificate, or TLS itself), `too-large` (the answer
 * passed MAX_RESPONSE_BYTES), `unanswered` (unreachable, too slow, kept failing, cancelled).
 */
export type FailureKind = 'unanswered' | 'tls' | 'too-large';

export class HttpFailure extends Error {
  readonly kind: FailureKind;

  constructor(message: string, kind: FailureKind = 'unanswered') {
    super(message);
    this.name = 'HttpFailure';
    this.kind = kind;
  }
}

export interface HttpClientOptions {
  readonly origin: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Trusted CA certificates (PEM) for https; undefined keeps Node's. */
  readonly ca?: readonly string[];
  readonly policy?: RetryPolicy;
  readonly clock?: Clock;
  /** Sends the requests instead of the client's own pool (tests); the caller closes it. */
  readonly dispatcher?: Dispatcher;
}

const RETRIED_STATUS = (status: number) => status === 408 || status === 429 || status >= 500;

/** undici's own deadlines: backstops to the attempt's deadline, and as transient. */
const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const TOO_LARGE = `the answer exceeded ${MAX_RESPONSE_BYTES / 2 ** 20} MiB: abandoned unread`;

/** The most telling code: undici's generic socket error defers to its cause. */
function errorCode(thrown: unknown): string | undefined {
  let current: unknown = thrown;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    current = current.cause;
  }
  return undefined;
}

function hasCode(thrown: unknown): boolean {
  return thrown instanceof Error && typeof (thrown as { code?: unknown }).code === 'string';
}

/** Seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: number): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** TLS for the pool's connections, built once: undici hands these options to tls.connect. */
function tlsOptions(ca: readonly string[] | undefined) {
  return {
    // Explicit, so that an inherited NODE_TLS_REJECT_UNAUTHORIZED=0 cannot turn verification off.
    rejectUnauthorized: true,
    // One context for every connection: given `ca` instead, each connection would parse every
    // trusted certificate again (~15 ms each with the system store).
    ...(ca ? { secureContext: createSecureContext({ ca: [...ca] }) } : {}),
  };
}

export class HttpClient {
  readonly #origin: string;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #dispatcher: Dispatcher;
  readonly #owned: Pool | undefined;
  readonly #limits: Limits;
  readonly #closing = new AbortController();

  constructor(options: HttpClientOptions) {
    this.#origin = options.origin;
    this.#headers = options.headers;
    this.#limits = limits(options, CONCURRENCY, this.#closing.signal);
    if (options.dispatcher) {
      this.#dispatcher = options.dispatcher;
      this.#owned = undefined;
      return;
    }
    const timeout = this.#limits.policy.attemptTimeoutMs;
    this.#owned = new Pool(options.origin, {
      connections: CONCURRENCY,
      // Backstops: every attempt has its own deadline besides.
      connectTimeout: timeout,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      maxResponseSize: MAX_RESPONSE_BYTES,
      ...(new URL(options.origin).protocol === 'https:' ? { connect: tlsOptions(options.ca) } : {}),
    });
    this.#dispatcher = this.#owned;
  }

  /** GET with retries; resolves with any final status (the caller maps it), rejects with HttpFailure. */
  async get(path: string): Promise<HttpResponse> {
    try {
      return await gated((leftMs) => this.#attempt(path, leftMs), this.#limits);
    } catch (thrown) {
      if (thrown instanceof HttpFailure) throw thrown;
      if (thrown instanceof RetriesExhausted) throw new HttpFailure(redact(thrown.message));
      throw new HttpFailure(
        this.#closing.signal.aborted ? 'the run was cancelled' : redact(describe(thrown)),
      );
    }
  }

  /** One attempt: a final response, a transient fault worth retrying, or a thrown HttpFailure. */
  async #attempt(path: string, leftMs: number): Promise<HttpResponse | Transient> {
    const deadline = AbortSignal.timeout(
      Math.max(1, Math.min(this.#limits.policy.attemptTimeoutMs, leftMs)),
    );
    const signal = AbortSignal.any([this.#closing.signal, deadline]);
    try {
      const response = await this.#dispatcher.request({
        origin: this.#origin,
        path,
        method: 'GET',
        headers: this.#headers,
        signal,
      });
      const { statusCode: status, headers, body } = response;
      if (RETRIED_STATUS(status)) {
        await body.dump();
        const waitMs = retryAfterMs(header(headers, 'retry-after'), this.#limits.clock.now());
        return { transient: `HTTP ${status}`, waitMs };
      }
      // Announced too long: abandoned before its first byte.
      if (Number(header(headers, 'content-length') ?? 0) > MAX_RESPONSE_BYTES) {
        await body.dump({ limit: 0 }); // drops it unread (a bare destroy() would throw uncaught)
        throw new HttpFailure(TOO_LARGE, 'too-large');
      }
      const bytes = new Uint8Array(await body.arrayBuffer());
      // undici frees a connection one event-loop turn after its answer: waiting that turn lets
      // the requests this answer leads to reuse it rather than open new ones.
      await nextTurn();
      return {
        status,
        body: bytes,
        contentType: header(headers, 'content-type') ?? '',
        location: header(headers, 'location'),
      };
    } catch (thrown) {
      if (thrown instanceof HttpFailure) throw thrown;
      if (this.#closing.signal.aborted) throw new HttpFailure('the run was cancelled');
      if (deadline.aborted) return { transient: `no answer within ${Math.round(leftMs)} ms` };
      return this.#fault(thrown, leftMs);
    }
  }

  /** A thrown fault: final (TLS, too large, a bug), or transient (the network, a timeout). */
  #fault(thrown: unknown, leftMs: number): Transient {
    const code = errorCode(thrown);
    const message = redact(describe(thrown));
    if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') throw new HttpFailure(TOO_LARGE, 'too-large');
    if (code && TLS_CODES.has(code)) {
      throw new HttpFailure(tlsFailure(code, message), 'tls');
    }
    if (code && TIMEOUT_CODES.has(code)) {
      return { transient: `no answer within ${Math.round(leftMs)} ms (${code})` };
    }
    // A fault of the network has a code; anything else is a bug, not worth another attempt.
    if (code === undefined && !hasCode(thrown)) {
      throw new HttpFailure(`unexpected failure: ${message}`);
    }
    return { transient: code ?? message };
  }

  /** Aborts what is in flight and closes the pool's connections. */
  async close(): Promise<void> {
    this.#closing.abort(new Error('closed'));
    await this.#owned?.destroy();
  }
}
