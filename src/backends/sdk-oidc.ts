/**
 * The job's GitHub OIDC token, as workload identity hands it to the SDK: fetched for the
 * audience the SDK names, within a deadline, registered as a credential before the SDK sees
 * it, and, when it cannot be had, remembered so that the failure is reported as what it is
 * rather than as the SDK's own wrapping ("OIDC token fetcher failed: ...").
 */
import { describe } from '../errors.ts';
import {
  MAX_CREDENTIAL_BYTES,
  oversizedCredential,
  redact,
  registerCredential,
} from '../redact.ts';
import { SourceError } from './source.ts';

/** How a failed token fetch is worded, whoever reports it. */
export function oidcFailure(reason: string): SourceError {
  return new SourceError(
    'unavailable',
    `the job's GitHub OIDC token could not be fetched: ${redact(reason)}`,
  );
}

/**
 * One sign-in's token fetcher. Not retried here: `core.getIDToken` retries the runner's 5xx
 * itself, and a 401 or 403 (no `id-token: write`, a token request from a fork) will not change.
 */
export class OidcFetch {
  readonly #idToken: (audience: string) => Promise<string>;
  readonly #deadlineMs: number;
  /** The audiences asked for, in order (never a secret). */
  readonly audiences: string[] = [];
  #failure: SourceError | undefined;

  constructor(idToken: (audience: string) => Promise<string>, deadlineMs: number) {
    this.#idToken = idToken;
    this.#deadlineMs = deadlineMs;
  }

  /** Why the last fetch failed, if it did. */
  get failure(): SourceError | undefined {
    return this.#failure;
  }

  /** The `oidcFetcher` the SDK calls. */
  readonly fetch = async (audience: string): Promise<string> => {
    this.audiences.push(audience);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no token within ${Math.round(this.#deadlineMs)} ms`)),
        this.#deadlineMs,
      );
    });
    try {
      const token = await Promise.race([this.#idToken(audience), deadline]);
      if (typeof token !== 'string' || token === '') {
        throw new Error('the runner returned no token');
      }
      if (oversizedCredential(token)) {
        throw new Error(
          `the runner returned ${token.length} characters, over the ${MAX_CREDENTIAL_BYTES / 1024} KiB a token may be`,
        );
      }
      registerCredential(token);
      this.#failure = undefined;
      return token;
    } catch (thrown) {
      this.#failure = oidcFailure(describe(thrown));
      // The SDK wraps this text; what the step reports is `failure`.
      throw new Error(this.#failure.message, { cause: thrown });
    } finally {
      clearTimeout(timer);
    }
  };
}
