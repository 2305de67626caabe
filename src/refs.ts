/** Pure parsing and validation of secret references (`op://vault/item/field`). */
import { Code, Hint, SecretsError } from './errors.ts';

export const SCHEME = 'op://';

/** The query options 1Password defines, one per reference. */
export type RefOption = { readonly kind: 'otp' } | { readonly kind: 'openssh' };

/** One way to read a reference: an item (title or ID) and what to take from it. */
export type Reading =
  | { readonly item: string; readonly section?: string; readonly field: string }
  | { readonly item: string; readonly wholeItem: true };

export interface Ref {
  /** The canonical text: always with `op://` and the vault, used to resolve each distinct ref once. */
  readonly text: string;
  readonly vault: string;
  /** Usually one; two for a four-segment ref (item path, or item + section). */
  readonly readings: readonly Reading[];
  readonly option: RefOption | undefined;
}

/** Whether a reference (`op://vault/item/*`) asks for every field of an item. */
export function isWholeItem(ref: Pick<Ref, 'readings'>): boolean {
  return ref.readings.some((reading) => 'wholeItem' in reading);
}

const ID_PATTERN = /^[a-z0-9]{26}$/;

/** Vault and item IDs are 26 characters of `[a-z0-9]`; a segment of that shape is tried as an ID first. */
export function isId(segment: string): boolean {
  return ID_PATTERN.test(segment);
}

// eslint-disable-next-line no-control-regex -- control characters are what it rejects
const CONTROL = /[\u0000-\u001f\u007f]/;

export function hasControlCharacter(text: string): boolean {
  return CONTROL.test(text);
}

function invalid(message: string): SecretsError {
  return new SecretsError(Code.refInvalid, message);
}

/** `shown`: whether the query may be quoted back (text without op:// may be a pasted value). */
function parseOption(query: string, shown: boolean): RefOption {
  const option = query === 'attribute=otp' || query === 'attribute=totp' ? 'otp' : undefined;
  if (option) return { kind: option };
  if (query === 'ssh-format=openssh') return { kind: 'openssh' };
  if (query.includes('&')) {
    throw invalid('only one query option is allowed per reference');
  }
  const quoted = shown && query.length <= 100 ? ` "?${query}"` : '';
  throw invalid(
    `unsupported query option${quoted}: use ?attribute=otp (or totp) or ?ssh-format=openssh`,
  );
}

function checkSegments(segments: readonly string[]): void {
  segments.forEach((segment, index) => {
    const position = `segment ${index + 1}`;
    if (segment.length === 0) throw invalid(`${position} is empty (${Hint.refForm})`);
    if (segment.trim() !== segment) {
      // Not quoted: text without op:// may be a pasted value.
      throw invalid(`${position} has leading or trailing whitespace`);
    }
    if (CONTROL.test(segment)) throw invalid(`${position} contains a control character`);
  });
}

function readingsOf(path: readonly string[]): Reading[] {
  const last = path.at(-1) as string;
  const before = path.slice(0, -1);
  if (last === '*') return [{ item: before.join('/'), wholeItem: true }];
  const readings: Reading[] = [{ item: before.join('/'), field: last }];
  if (before.length === 2) {
    readings.push({ item: before[0] as string, section: before[1] as string, field: last });
  }
  return readings;
}

/**
 * Parses a reference. `defaultVault` (the `vault` input) allows `item/field` and
 * `item/section/field` without `op://`. Throws a `SECRETS_REF_INVALID` SecretsError.
 */
export function parseRef(raw: string, defaultVault?: string): Ref {
  if (raw.trim() !== raw) throw invalid('the reference has leading or trailing whitespace');
  if (raw.length === 0) throw invalid(`the reference is empty (${Hint.refForm})`);
  if (raw.includes('#')) throw invalid('fragments (#...) are not allowed in a reference');

  let body: string;
  let vaultFromInput: string | undefined;
  if (raw.startsWith(SCHEME)) {
    body = raw.slice(SCHEME.length);
  } else if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(raw)) {
    throw invalid(`only op:// references are supported (${Hint.refForm})`);
  } else if (defaultVault === undefined || defaultVault === '') {
    throw invalid(`a reference without op:// needs the vault input (${Hint.refForm})`);
  } else {
    body = raw;
    vaultFromInput = defaultVault;
  }

  const queryAt = body.indexOf('?');
  const path = queryAt === -1 ? body : body.slice(0, queryAt);
  const option =
    queryAt === -1 ? undefined : parseOption(body.slice(queryAt + 1), vaultFromInput === undefined);

  const segments = [...(vaultFromInput === undefined ? [] : [vaultFromInput]), ...path.split('/')];
  checkSegments(segments);
  if (segments.length < 3) {
    throw invalid(`a reference needs a vault, an item and a field (${Hint.refForm})`);
  }
  const [vault, ...rest] = segments as [string, ...string[]];
  const readings = readingsOf(rest);
  if (option && isWholeItem({ readings })) {
    throw invalid('query options do not apply to a whole item (/*)');
  }
  const query = queryAt === -1 ? '' : body.slice(queryAt);
  return { text: `${SCHEME}${segments.join('/')}${query}`, vault, readings, option };
}

/** Whether an environment value is meant as a reference (only `op://` values are). */
export function looksLikeRef(value: string): boolean {
  return value.startsWith(SCHEME);
}
