/**
 * A small HTTP client for one origin: one keep-alive pool, bounded concurrency, a timeout on
 * every attempt, and retries of transient faults with jittered backoff and Retry-After.
 */
import * as http from 'node:http';
import { urlToHttpOptions } from 'node:url';
import { redact } from '../redact.ts';
import {
  type Clock,
  DEFAULT_POLICY,
  Gate,
  gated,
  RetriesExhausted,
  type RetryPolicy,
  realClock,
  type Transient,
} from './retry.ts';

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

export class HttpClient {
  readonly #origin: URL;
  readonly #agent: http.Agent;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #policy: RetryPolicy;
  readonly #clock: Clock;
  readonly #gate: Gate;
  readonly #closing = new AbortController();

  constructor(options: HttpClientOptions) {
    const concurrency = options.concurrency ?? 32;
    this.#policy = options.policy ?? DEFAULT_POLICY;
    this.#clock = options.clock ?? realClock;
    this.#headers = options.headers;
    this.#gate = new Gate(concurrency);
    this.#origin = new URL(options.origin);
    const pool = { keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency };
    if (this.#origin.protocol === 'https:') {
      // Loaded only here: plain-http runs never load TLS.
      const https = process.getBuiltinModule('node:https');
      const tls = process.getBuiltinModule('node:tls');
      this.#agent = new https.Agent({
        ...pool,
        // Explicit, so that an inherited NODE_TLS_REJECT_UNAUTHORIZED=0 cannot turn verification off.
        rejectUnauthorized: true,
        // One context for every connection: given `ca` instead, each connection would parse
        // every trusted certificate again (~15 ms each with the system store).
        ...(options.ca ? { secureContext: tls.createSecureContext({ ca: [...options.ca] }) } : {}),
      });
    } else {
      this.#agent = new http.Agent(pool);
    }
  }

  /** GET with retries; resolves with any final status (the caller maps 4xx), rejects with HttpFailure. */
  async get(path: string): Promise<HttpResponse> {
    try {
      return await gated((leftMs) => this.#try(path, leftMs), {
        policy: this.#policy,
        clock: this.#clock,
        gate: this.#gate,
        signal: this.#closing.signal,
      });
    } catch (thrown) {
      if (thrown instanceof HttpFailure) throw thrown;
      if (thrown instanceof RetriesExhausted) throw new HttpFailure(thrown.message, thrown.status);
      throw new HttpFailure('the run was cancelled');
    }
  }

  /** One attempt: a final response, a transient fault worth retrying, or a thrown HttpFailure. */
  async #try(path: string, leftMs: number): Promise<HttpResponse | Transient> {
    try {
      const response = await this.#attempt(path, leftMs);
      if (!RETRIED_STATUS(response.status)) return response;
      return {
        transient: `HTTP ${response.status}`,
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
      // A fault of the network has a code; anything else is a bug, not worth another attempt.
      if (!timedOut && code === undefined && !hasCode(thrown)) {
        throw new HttpFailure(`unexpected failure: ${message}`);
      }
      return {
        transient: timedOut ? `no answer within ${Math.round(leftMs)} ms` : (code ?? message),
      };
    }
  }

  async #attempt(
    path: string,
    leftMs: number,
  ): Promise<HttpResponse & { retryAfter: string | undefined }> {
    const timeout = AbortSignal.timeout(
      Math.max(1, Math.min(this.#policy.attemptTimeoutMs, leftMs)),
    );
    const signal = AbortSignal.any([this.#closing.signal, timeout]);
    try {
      return await new Promise((resolve, reject) => {
        // http.request speaks TLS when the agent does.
        const request = http.request(
          {
            // Node's own reading of the URL: it unbrackets IPv6 hosts.
            ...urlToHttpOptions(this.#origin),
            path,
            method: 'GET',
            headers: this.#headers,
            agent: this.#agent,
            signal,
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('error', reject);
            response.on('end', () => {
              const header = (name: string) => {
                const value = response.headers[name];
                return Array.isArray(value) ? value[0] : value;
              };
              resolve({
                status: response.statusCode ?? 0,
                body: new Uint8Array(Buffer.concat(chunks)),
                contentType: header('content-type') ?? '',
                retryAfter: header('retry-after'),
              });
            });
          },
        );
        request.on('error', reject);
        request.end();
      });
    } catch (thrown) {
      throw timeout.aborted ? timeout.reason : thrown;
    }
  }

  /** Aborts what is in flight and closes the pool's connections. */
  close(): Promise<void> {
    this.#closing.abort(new Error('closed'));
    this.#agent.destroy();
    return Promise.resolve();
  }
}
