/**
 * How the test fakes read a secret reference (`op://vault/item[/section]/field[?query]`)
 * against `FakeVault[]` data: one implementation shared by the fake `op` CLI
 * (./op/fake-op.ts) and the fake SDK client (./sdk/fake-client.ts), so that both fakes
 * find the same vault, item, field or file for the same reference.
 *
 * Nothing here formats an error text: every function returns a structured result, either
 * `{ ok: true, ... }` or `{ ok: false, error: { kind, ...details } }`, and each fake words
 * the error its own way (op's sentences, the SDK's `ResolveReferenceError` types).
 *
 * Syntax differs between the two, so there are two parsers producing the same `Reference`:
 * - `parseOpReference`: op 2.x's documented rules (ASCII letters, digits, `-`, `_`, `.` and
 *   spaces; 3 or 4 non-empty segments; `attribute` = type, value, id, purpose, label, otp,
 *   totp, case-insensitive; `ssh-format=openssh`; several query options allowed).
 * - `parseSdkReference`: what `@1password/sdk` 0.5.0 accepts, checked against the real
 *   `Secrets.validateSecretReference` (see test/integration/fake-sdk.test.ts): the same
 *   characters, but empty segments are accepted; exactly one query option,
 *   `attribute=otp|totp` or `ssh-format=openssh`, case-sensitive.
 *
 * Matching (`findVault`, `findItem`, `findTarget`, `resolveReference`): IDs first, then exact
 * names, then names ignoring case; a vault or item matching more than once is ambiguous;
 * 3 segments = item + field, 4 = item + section + field; among several fields of that name
 * the one outside any section wins (without a section in the reference); fields before
 * attached files (by name or ID); `?attribute=otp|totp` gives the current code of an OTP
 * field; `?ssh-format=openssh` converts an SSH key field (with `sshpk`, loaded only then).
 */
import type { FakeField, FakeFile, FakeItem, FakeVault } from './connect-server.ts';
import { totp } from './totp.ts';

/** A parsed reference, in either dialect. Segments are kept exactly as written. */
export interface Reference {
  readonly text: string;
  readonly vault: string;
  readonly item: string;
  /** Present for 4-segment references. */
  readonly section: string | undefined;
  readonly field: string;
  /** Lower-cased for op; `otp` or `totp` for the SDK. */
  readonly attribute: string | undefined;
  readonly sshFormat: string | undefined;
}

export type Result<T, E> = ({ readonly ok: true } & T) | { readonly ok: false; readonly error: E };

const PREFIX = 'op://';

// ---------------------------------------------------------------------------------------
// op's syntax

/** The shape op's messages quote. */
export const OP_REFERENCE_SHAPE = 'op://<vault>/<item>[/<section>]/<field>';

/** A name op's reference syntax can carry (ASCII letters, digits, `-`, `_`, `.`, spaces). */
export const OP_SEGMENT = /^[A-Za-z0-9\-_. ]+$/;

/** The values op accepts for `?attribute=`, in the order its message lists them. */
export const OP_ATTRIBUTES: readonly string[] = [
  'type',
  'value',
  'id',
  'purpose',
  'label',
  'otp',
  'totp',
];

export type OpSyntaxError =
  | { readonly kind: 'noScheme' }
  | { readonly kind: 'tooFewSegments' }
  | { readonly kind: 'tooManySegments' }
  | { readonly kind: 'emptySegment' }
  | { readonly kind: 'badCharacter'; readonly character: string }
  | { readonly kind: 'badAttribute'; readonly value: string }
  | { readonly kind: 'badSshFormat'; readonly value: string }
  | { readonly kind: 'badQueryKey'; readonly key: string };

/** Parses a reference the way op 2.x does; the first problem found is reported. */
export function parseOpReference(text: string): Result<{ ref: Reference }, OpSyntaxError> {
  const fail = (error: OpSyntaxError) => ({ ok: false, error }) as const;
  if (!text.startsWith(PREFIX)) return fail({ kind: 'noScheme' });
  const rest = text.slice(PREFIX.length);
  const queryAt = rest.indexOf('?');
  const path = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const query = queryAt < 0 ? undefined : rest.slice(queryAt + 1);
  const segments = path.split('/');
  if (segments.length < 3) return fail({ kind: 'tooFewSegments' });
  if (segments.length > 4) return fail({ kind: 'tooManySegments' });
  for (const segment of segments) {
    if (segment === '') return fail({ kind: 'emptySegment' });
    const bad = [...segment].find((char) => !OP_SEGMENT.test(char));
    if (bad !== undefined) return fail({ kind: 'badCharacter', character: bad });
  }
  let attribute: string | undefined;
  let sshFormat: string | undefined;
  if (query !== undefined) {
    for (const pair of query.split('&')) {
      const eq = pair.indexOf('=');
      const key = (eq < 0 ? pair : pair.slice(0, eq)).toLowerCase();
      const value = (eq < 0 ? '' : pair.slice(eq + 1)).toLowerCase();
      if (key === 'attribute') {
        if (!OP_ATTRIBUTES.includes(value)) return fail({ kind: 'badAttribute', value });
        attribute = value;
      } else if (key === 'ssh-format') {
        if (value !== 'openssh') return fail({ kind: 'badSshFormat', value });
        sshFormat = value;
      } else {
        return fail({ kind: 'badQueryKey', key });
      }
    }
  }
  return { ok: true, ref: fromSegments(text, segments, attribute, sshFormat) };
}

function fromSegments(
  text: string,
  segments: readonly string[],
  attribute: string | undefined,
  sshFormat: string | undefined,
): Reference {
  const [vault = '', item = '', third = '', fourth] = segments;
  return {
    text,
    vault,
    item,
    section: fourth === undefined ? undefined : third,
    field: fourth ?? third,
    attribute,
    sshFormat,
  };
}

// ---------------------------------------------------------------------------------------
// The SDK's syntax

/**
 * Why `@1password/sdk` 0.5.0 refuses a reference. The order of the checks, and which of
 * them wins when a reference has several problems, were observed with the real
 * `Secrets.validateSecretReference` (offline).
 */
export type SdkSyntaxError =
  | { readonly kind: 'noScheme' }
  | { readonly kind: 'badFormat' }
  | { readonly kind: 'badQueryKey' }
  | { readonly kind: 'badQueryValue' }
  | { readonly kind: 'badCharacter' };

/** Path characters the SDK accepts: ASCII letters, digits, `_`, `.`, `-`, space, `/`. */
const SDK_PATH = /^[A-Za-z0-9_. /-]*$/;
/** One `key=value` option; any other character (`&`, `=`, `#`, `%`, `/`...) is a format error. */
const SDK_QUERY = /^([A-Za-z0-9_. -]*)=([A-Za-z0-9_. -]*)$/;

/** Parses a reference the way `@1password/sdk` 0.5.0 does; the first problem found is reported. */
export function parseSdkReference(text: string): Result<{ ref: Reference }, SdkSyntaxError> {
  const fail = (error: SdkSyntaxError) => ({ ok: false, error }) as const;
  if (!text.startsWith(PREFIX)) return fail({ kind: 'noScheme' });
  const rest = text.slice(PREFIX.length);
  const queryAt = rest.indexOf('?');
  if (queryAt >= 0 && rest.includes('?', queryAt + 1)) return fail({ kind: 'badCharacter' });
  let attribute: string | undefined;
  let sshFormat: string | undefined;
  if (queryAt >= 0) {
    const option = SDK_QUERY.exec(rest.slice(queryAt + 1));
    if (option === null) return fail({ kind: 'badFormat' });
    const [, key = '', value = ''] = option;
    if (key === 'attribute') {
      if (value !== 'otp' && value !== 'totp') return fail({ kind: 'badQueryValue' });
      attribute = value;
    } else if (key === 'ssh-format') {
      if (value !== 'openssh') return fail({ kind: 'badQueryValue' });
      sshFormat = value;
    } else {
      return fail({ kind: 'badQueryKey' });
    }
  }
  const path = queryAt < 0 ? rest : rest.slice(0, queryAt);
  if (!SDK_PATH.test(path)) return fail({ kind: 'badCharacter' });
  const segments = path.split('/');
  if (segments.length !== 3 && segments.length !== 4) return fail({ kind: 'badFormat' });
  return { ok: true, ref: fromSegments(text, segments, attribute, sshFormat) };
}

// ---------------------------------------------------------------------------------------
// Matching

export interface MatchOptions {
  /** An empty name matches nothing (the SDK accepts empty segments; op never lets one through). */
  readonly emptyMatchesNothing?: boolean;
}

/** IDs first, then exact names, then names ignoring case (references are case-insensitive). */
export function pick<T>(
  list: readonly T[],
  key: string,
  id: (entry: T) => string,
  name: (entry: T) => string | undefined,
  options: MatchOptions = {},
): T[] {
  if (key === '' && options.emptyMatchesNothing === true) return [];
  const byId = list.filter((entry) => id(entry) === key);
  if (byId.length > 0) return byId;
  const exact = list.filter((entry) => name(entry) === key);
  if (exact.length > 0) return exact;
  const lower = key.toLowerCase();
  return list.filter((entry) => name(entry)?.toLowerCase() === lower);
}

export interface Located {
  readonly vault: FakeVault;
  readonly item: FakeItem;
}

export type Target =
  | { readonly kind: 'field'; readonly field: FakeField }
  | { readonly kind: 'file'; readonly file: FakeFile };

/** Why a reference names nothing, or more than one thing. */
export type LookupError =
  | { readonly kind: 'vaultNotFound'; readonly key: string }
  | { readonly kind: 'tooManyVaults'; readonly key: string; readonly matches: readonly FakeVault[] }
  | { readonly kind: 'itemNotFound'; readonly key: string }
  | { readonly kind: 'tooManyItems'; readonly key: string; readonly matches: readonly Located[] }
  /** A 4-segment reference whose section is none of the item's. */
  | { readonly kind: 'noMatchingSections'; readonly sectionKey: string; readonly fieldKey: string }
  | {
      readonly kind: 'fieldNotFound';
      readonly sectionKey: string | undefined;
      readonly fieldKey: string;
    }
  | {
      readonly kind: 'tooManyFields';
      readonly fieldKey: string;
      readonly item: FakeItem;
      readonly matches: readonly FakeField[];
    }
  | {
      readonly kind: 'tooManyFiles';
      readonly fieldKey: string;
      readonly matches: readonly FakeFile[];
    };

/** The one vault of `vaults` (those the caller can see) that `key` names. */
export function findVault(
  vaults: readonly FakeVault[],
  key: string,
  options: MatchOptions = {},
): Result<{ vault: FakeVault }, LookupError> {
  const matches = pick(
    vaults,
    key,
    (v) => v.id,
    (v) => v.name,
    options,
  );
  const [only] = matches;
  if (only === undefined) return { ok: false, error: { kind: 'vaultNotFound', key } };
  if (matches.length > 1) return { ok: false, error: { kind: 'tooManyVaults', key, matches } };
  return { ok: true, vault: only };
}

/** The one item of these vaults that `key` names. */
export function findItem(
  vaults: readonly FakeVault[],
  key: string,
  options: MatchOptions = {},
): Result<Located, LookupError> {
  const all = vaults.flatMap((vault) => vault.items.map((item) => ({ vault, item })));
  const matches = pick(
    all,
    key,
    (entry) => entry.item.id,
    (entry) => entry.item.title,
    options,
  );
  const [only] = matches;
  if (only === undefined) return { ok: false, error: { kind: 'itemNotFound', key } };
  if (matches.length > 1) return { ok: false, error: { kind: 'tooManyItems', key, matches } };
  return { ok: true, ...only };
}

/** A field's section as the item lists it (an unknown ID stands for itself). */
export function sectionOf(
  item: FakeItem,
  id: string | undefined,
): { id: string; label?: string } | undefined {
  if (id === undefined) return undefined;
  return item.sections?.find((section) => section.id === id) ?? { id };
}

/** The field (or else the attached file) of `item` that `fieldKey` names, in the section if given. */
export function findTarget(
  item: FakeItem,
  sectionKey: string | undefined,
  fieldKey: string,
  options: MatchOptions = {},
): Result<{ target: Target }, LookupError> {
  let fields = item.fields;
  let files = item.files ?? [];
  if (sectionKey !== undefined) {
    const sections = pick(
      item.sections ?? [],
      sectionKey,
      (s) => s.id,
      (s) => s.label,
      options,
    );
    if (sections.length === 0) {
      return { ok: false, error: { kind: 'noMatchingSections', sectionKey, fieldKey } };
    }
    const ids = new Set(sections.map((s) => s.id));
    fields = fields.filter((f) => f.section !== undefined && ids.has(f.section.id));
    files = files.filter((f) => f.section !== undefined && ids.has(f.section.id));
  }
  const matches = pick(
    fields,
    fieldKey,
    (f) => f.id,
    (f) => f.label,
    options,
  );
  if (matches.length > 0) {
    let chosen = matches.length === 1 ? matches[0] : undefined;
    if (chosen === undefined && sectionKey === undefined) {
      const unsectioned = matches.filter((f) => f.section === undefined);
      if (unsectioned.length === 1) chosen = unsectioned[0];
    }
    if (chosen !== undefined) return { ok: true, target: { kind: 'field', field: chosen } };
    return { ok: false, error: { kind: 'tooManyFields', fieldKey, item, matches } };
  }
  const fileMatches = pick(
    files,
    fieldKey,
    (f) => f.id,
    (f) => f.name,
    options,
  );
  const [file] = fileMatches;
  if (file !== undefined && fileMatches.length === 1) {
    return { ok: true, target: { kind: 'file', file } };
  }
  if (fileMatches.length > 1) {
    return { ok: false, error: { kind: 'tooManyFiles', fieldKey, matches: fileMatches } };
  }
  return { ok: false, error: { kind: 'fieldNotFound', sectionKey, fieldKey } };
}

// ---------------------------------------------------------------------------------------
// Values

/** Why the thing a reference names cannot give the value asked for. */
export type ValueError =
  | {
      readonly kind: 'queryOnFile';
      readonly file: FakeFile;
      readonly attribute: string | undefined;
      readonly sshFormat: string | undefined;
    }
  /** `?attribute=otp|totp` on a field that is not an OTP. */
  | { readonly kind: 'notOtp'; readonly attribute: string; readonly field: FakeField }
  | { readonly kind: 'otpFailed'; readonly field: FakeField; readonly reason: string }
  /** `?ssh-format=` on a field that is not an SSH key. */
  | { readonly kind: 'notSshKey'; readonly field: FakeField }
  | { readonly kind: 'sshUnreadable'; readonly field: FakeField; readonly reason: string }
  | { readonly kind: 'sshUnwritable'; readonly field: FakeField; readonly reason: string };

export type ReferenceProblem = LookupError | ValueError;

export type Resolved =
  | {
      readonly kind: 'field';
      readonly vault: FakeVault;
      readonly item: FakeItem;
      readonly field: FakeField;
      /** The field's value, or what the query option made of it. */
      readonly value: string;
    }
  | {
      readonly kind: 'file';
      readonly vault: FakeVault;
      readonly item: FakeItem;
      readonly file: FakeFile;
      /** The attached file's exact bytes. */
      readonly bytes: Uint8Array;
    };

export interface ResolveOptions extends MatchOptions {
  /** Clock for OTP codes (epoch ms). Default: now. */
  readonly now?: number;
}

function reasonOf(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}

function contentBytes(content: Uint8Array | string): Uint8Array {
  return typeof content === 'string' ? new TextEncoder().encode(content) : Uint8Array.from(content);
}

/** An SSH private key (PEM, PKCS#8 or OpenSSH) in OpenSSH's format, without a comment. */
async function toOpenSsh(
  pem: string,
): Promise<Result<{ key: string }, { stage: 'read' | 'write'; reason: string }>> {
  let key;
  try {
    const { default: sshpk } = await import('sshpk');
    key = sshpk.parsePrivateKey(pem, 'auto');
  } catch (thrown) {
    return { ok: false, error: { stage: 'read', reason: reasonOf(thrown) } };
  }
  try {
    key.comment = ''; // sshpk would write "(unnamed)"
    return { ok: true, key: key.toString('openssh') };
  } catch (thrown) {
    return { ok: false, error: { stage: 'write', reason: reasonOf(thrown) } };
  }
}

/**
 * Reads `ref` from `vaults` (those the caller can see): the vault, the item in it, the
 * field or file, then the query options (`attribute`, then `ssh-format`). The first
 * problem met is reported.
 */
export async function resolveReference(
  vaults: readonly FakeVault[],
  ref: Reference,
  options: ResolveOptions = {},
): Promise<Result<{ resolved: Resolved }, ReferenceProblem>> {
  const foundVault = findVault(vaults, ref.vault, options);
  if (!foundVault.ok) return foundVault;
  const { vault } = foundVault;
  const foundItem = findItem([vault], ref.item, options);
  if (!foundItem.ok) return foundItem;
  const { item } = foundItem;
  const foundTarget = findTarget(item, ref.section, ref.field, options);
  if (!foundTarget.ok) return foundTarget;
  const { target } = foundTarget;
  if (target.kind === 'file') {
    if (ref.attribute !== undefined || ref.sshFormat !== undefined) {
      const { attribute, sshFormat } = ref;
      return { ok: false, error: { kind: 'queryOnFile', file: target.file, attribute, sshFormat } };
    }
    const bytes = contentBytes(target.file.content);
    return { ok: true, resolved: { kind: 'file', vault, item, file: target.file, bytes } };
  }
  const field = target.field;
  let value = field.value ?? '';
  if (ref.attribute === 'otp' || ref.attribute === 'totp') {
    if (field.type !== 'OTP') {
      return { ok: false, error: { kind: 'notOtp', attribute: ref.attribute, field } };
    }
    try {
      value = totp(value, options.now ?? Date.now());
    } catch (thrown) {
      return { ok: false, error: { kind: 'otpFailed', field, reason: reasonOf(thrown) } };
    }
  } else if (ref.attribute !== undefined) {
    const attributes: Record<string, string> = {
      type: field.type,
      value,
      id: field.id,
      purpose: field.purpose ?? '',
      label: field.label ?? '',
    };
    value = attributes[ref.attribute] ?? '';
  }
  if (ref.sshFormat !== undefined) {
    if (field.type !== 'SSHKEY') return { ok: false, error: { kind: 'notSshKey', field } };
    const converted = await toOpenSsh(value);
    if (!converted.ok) {
      const { stage, reason } = converted.error;
      return {
        ok: false,
        error: { kind: stage === 'read' ? 'sshUnreadable' : 'sshUnwritable', field, reason },
      };
    }
    value = converted.key;
  }
  return { ok: true, resolved: { kind: 'field', vault, item, field, value } };
}
