/**
 * What every backend hands over: vaults, items and files in one model, so that the rules
 * for matching a reference live in one place (src/resolve.ts) and give one answer everywhere.
 */

export interface VaultSummary {
  readonly id: string;
  readonly title: string;
}

export interface ItemSummary {
  readonly id: string;
  readonly title: string;
}

export interface Section {
  readonly id: string;
  readonly label: string;
}

export interface Field {
  readonly id: string;
  readonly label: string;
  /** The 1Password field type: STRING, CONCEALED, OTP, SSHKEY, ... */
  readonly type: string;
  readonly value: string;
  readonly sectionId: string | undefined;
  /** The current one-time code, for OTP fields. */
  readonly totp: string | undefined;
}

export interface Attachment {
  readonly id: string;
  readonly name: string;
  readonly sectionId: string | undefined;
}

export interface Item {
  readonly id: string;
  readonly title: string;
  readonly vaultId: string;
  readonly sections: readonly Section[];
  readonly fields: readonly Field[];
  readonly files: readonly Attachment[];
}

/**
 * IDs in a server's answers are opaque (26 characters of `a-z0-9` from 1Password, UUIDs in its
 * SDK fixtures): one of these characters goes into a request path as is, anything else never.
 */
const ANSWERED_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isAnsweredId(id: string): boolean {
  return ANSWERED_ID.test(id);
}

/** An ID that failed `isAnsweredId`, cut short (a hostile one may be megabytes), and why. */
export function refusedId(id: string): string {
  const shown =
    id.length > 64
      ? `${JSON.stringify(id.slice(0, 64))}... (${id.length} characters)`
      : JSON.stringify(id);
  return (
    `the ID ${shown}, which the action will not put in a request path ` +
    '(IDs are letters, digits, - and _, at most 64 characters)'
  );
}

/** No backend's answer is read past this: a longer one is abandoned (a hostile or broken server, a runaway op). */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** One variable of a 1Password Environment. */
export interface EnvironmentVariable {
  readonly name: string;
  readonly value: string;
}

/** Why a backend call failed, in the contract's terms; the resolver adds which secret and ref. */
export type SourceFailure = 'unavailable' | 'denied' | 'not-found' | 'invalid' | 'ambiguous';

/**
 * A failure's text with what it quotes blanked (`"signing-key"`, `'op://...'`): a vault or item
 * named "timeout" must not sway how the failure is sorted, only the backend's own words.
 */
export function ownWords(message: string): string {
  return message.replace(/"[^"]*"|'[^']*'/g, '""');
}

export class SourceError extends Error {
  readonly failure: SourceFailure;

  constructor(failure: SourceFailure, message: string) {
    super(message);
    this.name = 'SourceError';
    this.failure = failure;
  }
}

/**
 * A backend. Calls may run concurrently; the resolver calls each at most once per
 * argument and run. Failures are thrown as SourceError.
 */
export interface SecretSource {
  listVaults(): Promise<readonly VaultSummary[]>;
  /** One vault by ID, to tell a vault outside the token's scope (denied) from a missing one. */
  getVault(vaultId: string): Promise<VaultSummary>;
  listItems(vaultId: string): Promise<readonly ItemSummary[]>;
  getItem(vaultId: string, itemId: string): Promise<Item>;
  getFile(vaultId: string, itemId: string, fileId: string): Promise<Uint8Array>;
  /**
   * Optional native batch for simple references (`op://vault/item/field`, plain characters):
   * the values it read (the others are resolved alone, so that each failure gets its code), or
   * undefined when the batch failed as a whole; throws when the provider itself is unusable.
   */
  readBatch?(refs: readonly string[]): Promise<ReadonlyMap<string, string> | undefined>;
  /**
   * Every variable of a 1Password Environment, in its order. Backends without Environments
   * (Connect) leave it out. An unknown or inaccessible Environment throws SourceError
   * 'not-found' (or 'denied' where the backend can tell).
   */
  readEnvironment?(environmentId: string): Promise<readonly EnvironmentVariable[]>;
  close(): Promise<void>;
}
