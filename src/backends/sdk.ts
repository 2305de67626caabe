/**
 * A service account or a workload identity through `@1password/sdk`, in-process. The SDK (and
 * its 14 MB WebAssembly core) is imported only when this backend signs in. Every call is bounded
 * in time and transient faults are retried, since the SDK itself does neither.
 */
import packageJson from '../../package.json' with { type: 'json' };
import { describe, Hint } from '../errors.ts';
import { redact, registerCredential } from '../redact.ts';
import { keepTlsVerification, tlsCause, tlsFailure } from '../tls.ts';
import {
  type Clock,
  type Limits,
  limits,
  type RetryPolicy,
  retried,
  type Transient,
} from './retry.ts';
import type { SdkAuth, SdkClient, SdkConnector, SdkFileAttributes, SdkItem } from './sdk-client.ts';
import { OidcFetch, oidcFailure } from './sdk-oidc.ts';
import {
  type EnvironmentVariable,
  type Field,
  type Item,
  type ItemSummary,
  ownWords,
  type SecretSource,
  SourceError,
  type VaultSummary,
} from './source.ts';

export const INTEGRATION_NAME = 'op-secrets-action';

/** Field types as the SDK names them, in Connect's names (the resolver's model). */
const FIELD_TYPES: Readonly<Record<string, string>> = {
  Text: 'STRING',
  Concealed: 'CONCEALED',
  Totp: 'OTP',
  SshKey: 'SSHKEY',
  Url: 'URL',
  Email: 'EMAIL',
  Menu: 'MENU',
  MonthYear: 'MONTH_YEAR',
  Date: 'DATE',
};

/** The real SDK, loaded on first use; every HTTP request it makes gets a timeout. */
export function realConnector(attemptTimeoutMs: number): SdkConnector {
  return async (auth) => {
    // Also here for callers that do not come through run(): before the SDK's first request.
    keepTlsVerification();
    boundFetch(attemptTimeoutMs);
    const loaded = await import('@1password/sdk');
    // Node hands the CommonJS SDK over with named exports; a bundled chunk, as its default.
    const sdk =
      typeof loaded.createClient === 'function'
        ? loaded
        : (loaded as unknown as { default: typeof loaded }).default;
    const integration = {
      integrationName: INTEGRATION_NAME,
      integrationVersion: packageJson.version,
    };
    if (auth.kind === 'service-account') {
      return sdk.createClient({ auth: auth.token, ...integration });
    }
    return sdk.createClient({
      ...integration,
      oidcFetcher: auth.idToken,
      workloadDetails: {
        workloadUuid: auth.workloadId,
        customerManagedSecret: auth.integrationKey,
      },
    });
  };
}

let fetchBound = false;
/**
 * The last TLS failure of the SDK's fetch, until an attempt takes it: the SDK itself reports any
 * failed request as "error sending request", which would be retried as a network fault.
 */
let tlsFailed: { host: string; failure: string } | undefined;

/** The SDK sends everything through the global fetch, with no timeout of its own. */
function boundFetch(timeoutMs: number): void {
  if (fetchBound) return;
  fetchBound = true;
  const original = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      return await original(input, { ...init, signal });
    } catch (thrown) {
      const cause = tlsCause(thrown);
      if (cause !== undefined) {
        const url =
          typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        tlsFailed = { host: new URL(url).host, failure: tlsFailure(cause.code, cause.message) };
      }
      throw thrown;
    }
  };
}

/** The TLS failure met since the last call, if any: final, whatever the SDK made of it. */
function takeTlsFailure(what: string): SourceError | undefined {
  const failed = tlsFailed;
  tlsFailed = undefined;
  return failed === undefined
    ? undefined
    : new SourceError(
        'unavailable',
        redact(
          `TLS verification failed for ${failed.host} while ${what}: ${failed.failure} (${Hint.tlsTrust})`,
        ),
      );
}

/** How the SDK was signed in: the words and hints of a sign-in failure depend on it. */
export type SdkAuthKind = SdkAuth['kind'];

/** Texts of the SDK core that say an Environment is unknown or not the caller's to read. */
const ENVIRONMENT_NOT_FOUND =
  /invalid environment uuid|does not correspond to an environment|environment was not found/i;

/**
 * Sorts an SDK failure: worth another attempt, or final. Its messages are plain text. `auth`
 * picks the wording of a sign-in failure: a workload never hears about a service account.
 */
export function classifySdkError(
  thrown: unknown,
  auth: SdkAuthKind = 'service-account',
): Transient | SourceError {
  const text = redact(describe(thrown));
  const words = ownWords(text);
  const name = thrown instanceof Error ? thrown.name : '';
  const workload = workloadError(words, text);
  if (workload) return workload;
  if (name === 'RateLimitExceededError' || /rate.?limit|too many requests|\b429\b/i.test(words)) {
    return { transient: `rate limited (${text})` };
  }
  if (
    name === 'TimeoutError' ||
    /error sending request|timed? ?out|connection|network|\b50[0-9]\b|internal server error|service unavailable|bad gateway/i.test(
      words,
    )
  ) {
    return { transient: text };
  }
  if (ENVIRONMENT_NOT_FOUND.test(words)) return new SourceError('not-found', text);
  if (
    name === 'AuthExpiredError' ||
    /^authentication error/i.test(words) ||
    /auth|token|unauthori[sz]ed|\b401\b|invalid user input|sign.?in|credential/i.test(words)
  ) {
    return signInFailure(auth, text);
  }
  if (/not found|doesn't exist|does not exist|isn't a/i.test(words)) {
    return new SourceError('not-found', text);
  }
  if (/forbidden|permission|access denied|not in scope|\b403\b/i.test(words)) {
    return new SourceError('denied', text);
  }
  return new SourceError('unavailable', `the 1Password SDK failed: ${text}`);
}

/** The failures only workload identity meets: its key, its OIDC token, its keyset. */
function workloadError(words: string, text: string): SourceError | undefined {
  if (/invalid customer managed secret|customer_managed_secret/i.test(words)) {
    // The SDK's text names the check that failed, never the key.
    const reason = text.replace(/^.*?invalid customer managed secret:\s*/i, '');
    return new SourceError(
      'unavailable',
      `the integration key is malformed: ${reason} (${Hint.integrationKey})`,
    );
  }
  if (/oidc token fetcher/i.test(words)) {
    const reason = text.replace(/^.*?oidc token fetcher (failed:\s*)?/i, (_match, failed) =>
      failed ? '' : 'the fetcher ',
    );
    return /OIDC token could not be fetched/.test(reason)
      ? new SourceError('unavailable', reason)
      : oidcFailure(reason);
  }
  if (
    /workload keyset decryption failed|credential broker configuration|NoKeysetMatchesCmk|NoKeysetEncryptedByProvider|no client key found for this workload/i.test(
      words,
    )
  ) {
    return signInFailure('workload-identity', text);
  }
  return undefined;
}

/** A sign-in the SDK refused, in the words of the way it signed in. */
function signInFailure(auth: SdkAuthKind, text: string): SourceError {
  return auth === 'service-account'
    ? new SourceError(
        'unavailable',
        `the service account could not sign in: ${text} (${Hint.serviceAccountToken})`,
      )
    : new SourceError(
        'unavailable',
        `workload identity could not sign in: ${text} (${Hint.workloadIdentity})`,
      );
}

function otpCode(content: unknown): string | undefined {
  const code =
    typeof content === 'object' && content !== null
      ? (content as { code?: unknown }).code
      : undefined;
  return typeof code === 'string' ? code : undefined;
}

export interface SdkSourceOptions {
  readonly auth: SdkAuth;
  readonly connect: SdkConnector;
  readonly policy?: RetryPolicy;
  readonly clock?: Clock;
  readonly concurrency?: number;
}

interface PendingItem {
  readonly itemId: string;
  readonly resolve: (item: Item) => void;
  readonly reject: (error: unknown) => void;
}

export class SdkSource implements SecretSource {
  readonly #options: SdkSourceOptions;
  readonly #closing = new AbortController();
  readonly #limits: Limits;
  #client: Promise<SdkClient> | undefined;
  /** Items asked for in the same turn, per vault: fetched with one getAll. */
  readonly #pending = new Map<string, PendingItem[]>();
  readonly #files = new Map<string, SdkFileAttributes>();

  constructor(options: SdkSourceOptions) {
    this.#options = options;
    this.#limits = limits(options, options.concurrency ?? 8, this.#closing.signal);
  }

  async listVaults(): Promise<VaultSummary[]> {
    const vaults = await this.#call('listing vaults', (client) => client.vaults.list());
    return vaults.map((vault) => ({ id: vault.id, title: vault.title }));
  }

  async getVault(vaultId: string): Promise<VaultSummary> {
    const vault = await this.#call(`reading vault ${vaultId}`, (client) =>
      client.vaults.getOverview(vaultId),
    );
    return { id: vault.id, title: vault.title };
  }

  async listItems(vaultId: string): Promise<ItemSummary[]> {
    const items = await this.#call(`listing the items of vault ${vaultId}`, (client) =>
      client.items.list(vaultId),
    );
    return items.map((item) => ({ id: item.id, title: item.title }));
  }

  getItem(vaultId: string, itemId: string): Promise<Item> {
    return new Promise((resolve, reject) => {
      const queue = this.#pending.get(vaultId);
      if (queue) {
        queue.push({ itemId, resolve, reject });
        return;
      }
      this.#pending.set(vaultId, [{ itemId, resolve, reject }]);
      // Collect every item asked for in this turn of the event loop into one call.
      setImmediate(() => void this.#flush(vaultId));
    });
  }

  async getFile(vaultId: string, itemId: string, fileId: string): Promise<Uint8Array> {
    const attributes = this.#files.get(`${vaultId}/${itemId}/${fileId}`);
    if (!attributes)
      throw new SourceError('not-found', `file ${fileId} not found in item ${itemId}`);
    const bytes: unknown = await this.#call(`reading file ${attributes.name}`, (client) =>
      client.items.files.read(vaultId, itemId, attributes),
    );
    // The SDK's JSON reviver leaves an empty file as a plain array.
    return bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes as ArrayLike<number>);
  }

  /**
   * Reads simple references with one `secrets.resolveAll`. The references it cannot read come
   * back missing, and the resolver reads them itself, so that each failure gets its own code.
   */
  async readBatch(refs: readonly string[]): Promise<ReadonlyMap<string, string> | undefined> {
    let response;
    try {
      response = await this.#call(`resolving ${refs.length} references`, (client) =>
        client.secrets.resolveAll([...refs]),
      );
    } catch (thrown) {
      if (thrown instanceof SourceError && thrown.failure !== 'unavailable') return undefined;
      throw thrown;
    }
    const values = new Map<string, string>();
    for (const ref of refs) {
      const secret = response.individualResponses[ref]?.content?.secret;
      // U+FFFD: bytes that were not text (an attached binary file): read it as a file instead.
      if (typeof secret === 'string' && !secret.includes('\uFFFD')) values.set(ref, secret);
    }
    return values;
  }

  /** Every variable of a 1Password Environment, in the SDK's order. */
  async readEnvironment(environmentId: string): Promise<EnvironmentVariable[]> {
    let response;
    try {
      response = await this.#call(`reading Environment ${environmentId}`, (client) =>
        client.environments.getVariables(environmentId),
      );
    } catch (thrown) {
      if (thrown instanceof SourceError && thrown.failure === 'not-found') {
        const reader =
          this.#options.auth.kind === 'service-account' ? 'service account' : 'workload';
        throw new SourceError(
          'not-found',
          `Environment ${environmentId} does not exist or is not shared with this ${reader} (${thrown.message})`,
        );
      }
      if (thrown instanceof SourceError && thrown.failure === 'denied') {
        throw new SourceError('denied', `Environment ${environmentId}: ${thrown.message}`);
      }
      throw thrown;
    }
    // Names are checked with the step's other names (an empty one too); a non-string is the SDK's.
    return response.variables.map(({ name, value }: { name: unknown; value: unknown }) => {
      if (typeof name !== 'string' || typeof value !== 'string') {
        throw new SourceError(
          'unavailable',
          'the 1Password SDK returned a malformed environment variable',
        );
      }
      return { name, value };
    });
  }

  close(): Promise<void> {
    this.#closing.abort(new Error('closed'));
    return Promise.resolve();
  }

  async #flush(vaultId: string): Promise<void> {
    const batch = this.#pending.get(vaultId) ?? [];
    this.#pending.delete(vaultId);
    const ids = [...new Set(batch.map((entry) => entry.itemId))];
    try {
      const response = await this.#call(
        `reading ${ids.length} items of vault ${vaultId}`,
        (client) => client.items.getAll(vaultId, ids),
      );
      const byId = new Map<string, Item | SourceError>();
      ids.forEach((id, index) => {
        const answer = response.individualResponses[index];
        byId.set(
          id,
          answer?.content
            ? this.#toItem(answer.content)
            : new SourceError(
                answer?.error?.type === 'itemNotFound' ? 'not-found' : 'unavailable',
                `item ${id}: ${redact(answer?.error?.message ?? answer?.error?.type ?? 'no answer')}`,
              ),
        );
      });
      for (const entry of batch) {
        const outcome = byId.get(entry.itemId);
        if (outcome instanceof SourceError || outcome === undefined) entry.reject(outcome);
        else entry.resolve(outcome);
      }
    } catch (thrown) {
      for (const entry of batch) entry.reject(thrown);
    }
  }

  #toItem(item: SdkItem): Item {
    const fields: Field[] = item.fields.map((field) => ({
      id: field.id,
      label: field.title,
      type: FIELD_TYPES[field.fieldType] ?? field.fieldType.toUpperCase(),
      value: field.value,
      sectionId: field.sectionId || undefined,
      totp: field.details?.type === 'Otp' ? otpCode(field.details.content) : undefined,
    }));
    if (item.notes !== '') {
      // The SDK keeps notes apart; Connect and the CLI show them as the field notesPlain.
      fields.push({
        id: 'notesPlain',
        label: 'notesPlain',
        type: 'STRING',
        value: item.notes,
        sectionId: undefined,
        totp: undefined,
      });
    }
    for (const file of item.files) {
      this.#files.set(`${item.vaultId}/${item.id}/${file.attributes.id}`, file.attributes);
    }
    return {
      id: item.id,
      title: item.title,
      vaultId: item.vaultId,
      sections: item.sections.map((section) => ({ id: section.id, label: section.title })),
      fields,
      files: item.files.map((file) => ({
        id: file.attributes.id,
        name: file.attributes.name,
        sectionId: file.sectionId || undefined,
      })),
    };
  }

  /** Signs in once (lazily), then runs `call` with a deadline and retries. */
  async #call<T>(what: string, call: (client: SdkClient) => Promise<T>): Promise<T> {
    this.#client ??= this.#bounded('signing in', (leftMs) => this.#signIn(leftMs));
    const client = await this.#client;
    return this.#bounded(what, () => call(client));
  }

  /**
   * One sign-in attempt. Workload identity: the OIDC token may take half of the attempt (the
   * SDK's own requests need the rest), and a token that could not be had is the failure
   * reported, whatever the SDK made of it.
   */
  async #signIn(leftMs: number): Promise<SdkClient> {
    const { auth, connect } = this.#options;
    if (auth.kind === 'service-account') return connect(auth);
    // A credential: scrubbed from every message, whoever else registered it.
    registerCredential(auth.integrationKey);
    const oidc = new OidcFetch(auth.idToken, leftMs / 2);
    try {
      return await connect({
        ...auth,
        // The SDK refuses base64 padding, which integration keys may come with.
        integrationKey: auth.integrationKey.replace(/=+$/, ''),
        idToken: oidc.fetch,
      });
    } catch (thrown) {
      throw oidc.failure ?? thrown;
    }
  }

  #bounded<T>(what: string, call: (leftMs: number) => Promise<T>): Promise<T> {
    return retried(
      `1Password did not answer ${what}`,
      (leftMs) => this.#attempt(what, call, leftMs),
      this.#limits,
    );
  }

  async #attempt<T>(
    what: string,
    call: (leftMs: number) => Promise<T>,
    leftMs: number,
  ): Promise<T | Transient> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<Transient>((resolve) => {
      timer = setTimeout(
        () => resolve({ transient: `no answer within ${Math.round(leftMs)} ms` }),
        leftMs,
      );
    });
    try {
      return await Promise.race([call(leftMs), deadline]);
    } catch (thrown) {
      if (thrown instanceof SourceError) throw thrown;
      const tls = takeTlsFailure(what);
      if (tls) throw tls;
      const sorted = classifySdkError(thrown, this.#options.auth.kind);
      if (sorted instanceof SourceError) throw sorted;
      return sorted;
    } finally {
      clearTimeout(timer);
    }
  }
}
