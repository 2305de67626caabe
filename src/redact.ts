/** Removes credentials from any text that came from a server, a library or a CLI before it is shown. */

import { Buffer } from 'node:buffer';

const TOKEN_PATTERNS: readonly RegExp[] = [
  /ops_[A-Za-z0-9_\-.=+/]+/g, // service-account tokens
  /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, // JWTs (Connect tokens)
  // The scheme may be repeated (`bearer Bearer <token>`): the token is what follows the last.
  /\bBearer(?:\s+Bearer\b)*\s+[A-Za-z0-9_\-.=+/]+/gi,
];

/** A run of this many characters of a credential (or of one of its forms) betrays it. */
export const RUN_LENGTH = 16;

/**
 * Secret fields of the JSON inside a credential: an `ops_` token's body decodes to the account's
 * keys (an integration key's, to its AES key), a Connect JWT's payload holds the token proper.
 * Shown decoded, they are as bad as the token.
 */
const SECRET_PATHS: readonly (readonly string[])[] = [
  ['secretKey'],
  ['srpX'],
  ['muk', 'k'],
  ['throttleSecret', 'seed'],
  ['1password.com/token'],
  ['key'], // an integration key's AES key, in hex
];
/** Decoded fields shorter than this are not secrets worth hiding everywhere (e.g. `oct`). */
const MIN_DECODED_LENGTH = 8;

/** The most a credential may be: registering costs time and memory in proportion to its size. */
export const MAX_CREDENTIAL_BYTES = 64 * 1024;

/** Whether `value` is longer than any credential: refused before it is masked or registered. */
export function oversizedCredential(value: string): boolean {
  return Buffer.byteLength(value, 'utf8') > MAX_CREDENTIAL_BYTES;
}

const registered = new Set<string>();
/**
 * Hashes of every RUN_LENGTH-character window of every form of every credential, sorted: 8 bytes
 * a window. Two strings with one hash are all but impossible, and would only hide innocent text.
 */
let windows = new Float64Array(0);
/** Forms shorter than RUN_LENGTH (longer ones are covered by `windows`), longest first. */
let shortForms: string[] = [];

/** Registers a credential so that it is removed from every message, whatever its shape. */
export function registerCredential(value: string): void {
  if (value.length === 0 || registered.has(value)) return;
  if (oversizedCredential(value)) throw new Error('a credential over 64 KiB cannot be registered');
  registered.add(value);
  const short = new Set(shortForms);
  const long = new Set<string>();
  const values = [value, ...innerValues(value)];
  for (const [index, one] of values.entries()) {
    const { whole, partial } = formsOf(one);
    for (const form of whole) {
      if (form.length >= RUN_LENGTH) long.add(form);
      // A decoded field is hidden only where it is long enough to be unmistakable.
      else if (form.length > 0 && (index === 0 || form.length >= MIN_DECODED_LENGTH)) {
        short.add(form);
      }
    }
    for (const form of partial) long.add(form);
  }
  addWindows([...long]);
  shortForms = [...short].sort((a, b) => b.length - a.length);
}

export function redact(text: string): string {
  // Shapes first: a token whose first part is registered (a new JWT with a known header and
  // payload) would otherwise lose that part to the runs and no longer look like a token.
  let out = text;
  for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, '***');
  out = hideRuns(out);
  for (const form of shortForms) out = out.split(form).join('***');
  return out;
}

function addWindows(forms: readonly string[]): void {
  const hashes = forms.map(windowHashes);
  const all = new Float64Array(hashes.reduce((sum, one) => sum + one.length, windows.length));
  all.set(windows);
  let at = windows.length;
  for (const one of hashes) {
    all.set(one, at);
    at += one.length;
  }
  windows = all.sort();
}

/** Bases of two polynomial hashes (mod 2^32); `POWERS` are their RUN_LENGTH-th powers. */
const BASES = [0x01000193, 0x5bd1e995] as const;
const POWERS = BASES.map((base) => {
  let power = 1;
  for (let i = 0; i < RUN_LENGTH; i++) power = Math.imul(power, base);
  return power;
});

/** The hash of the window at each position of `text`: rolled, so one pass over `text`. */
function windowHashes(text: string): Float64Array {
  const out = new Float64Array(Math.max(0, text.length - RUN_LENGTH + 1));
  const [b1, b2] = BASES;
  const [p1 = 0, p2 = 0] = POWERS;
  let h1 = 0;
  let h2 = 0;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    h1 = (Math.imul(h1, b1) + code) | 0;
    h2 = (Math.imul(h2, b2) + code) | 0;
    if (at >= RUN_LENGTH) {
      const gone = text.charCodeAt(at - RUN_LENGTH);
      h1 = (h1 - Math.imul(gone, p1)) | 0;
      h2 = (h2 - Math.imul(gone, p2)) | 0;
    }
    // 53 bits: all of one hash, the high (best mixed) 21 bits of the other.
    if (at >= RUN_LENGTH - 1) out[at - RUN_LENGTH + 1] = (h1 >>> 0) * 2 ** 21 + (h2 >>> 11);
  }
  return out;
}

function isWindow(hash: number): boolean {
  let low = 0;
  let high = windows.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const found = windows[middle] ?? 0;
    if (found === hash) return true;
    if (found < hash) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

/**
 * Replaces each maximal stretch of `text` covered by windows of a credential with `***`: one pass
 * with one look-up per position, so a cut-off token (its first 60%, its last 16 characters)
 * goes as surely as a whole one.
 */
function hideRuns(text: string): string {
  if (windows.length === 0 || text.length < RUN_LENGTH) return text;
  const hashes = windowHashes(text);
  let out = '';
  let kept = 0; // text before this index is in `out` already
  let start = -1;
  let end = -1;
  for (let at = 0; at < hashes.length; at++) {
    if (!isWindow(hashes[at] ?? 0)) continue;
    if (at > end) {
      // Not overlapping or touching the stretch so far: that one is complete.
      if (start >= 0) {
        out += `${text.slice(kept, start)}***`;
        kept = end;
      }
      start = at;
    }
    end = at + RUN_LENGTH;
  }
  if (start < 0) return text;
  return `${out}${text.slice(kept, start)}***${text.slice(end)}`;
}

/**
 * The shapes in which a server or a CLI may echo a value. `whole` may be removed wherever it
 * occurs; `partial` are fragments (base64 of the value at another byte alignment, as inside
 * `base64("Bearer " + token)`), only searched for runs, since they can be short.
 */
function formsOf(value: string): { whole: string[]; partial: string[] } {
  const bytes = Buffer.from(value, 'utf8');
  const base64 = bytes.toString('base64');
  const url = encodeURIComponent(value);
  const whole = new Set([
    value,
    base64,
    base64.replace(/=+$/, ''),
    bytes.toString('base64url'),
    url,
    url.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    new URLSearchParams({ v: value }).toString().slice(2), // form encoding: space as `+`
  ]);
  const partial: string[] = [];
  for (const shift of [1, 2]) {
    const shifted = Buffer.concat([Buffer.alloc(shift), bytes]);
    // The first 4 characters also encode the made-up leading bytes.
    partial.push(shifted.toString('base64').slice(4), shifted.toString('base64url').slice(4));
  }
  return { whole: [...whole], partial };
}

/**
 * What else a credential betrays: an `ops_` token's body without its prefix, and the secret fields
 * of the JSON its body (or a JWT's payload) decodes to.
 */
function innerValues(value: string): string[] {
  const out: string[] = [];
  const encoded: string[] = [];
  if (value.startsWith('ops_') && value.length - 4 >= MIN_DECODED_LENGTH) {
    out.push(value.slice(4));
    encoded.push(value.slice(4));
  }
  const parts = value.split('.');
  if (parts.length === 3 && parts[1] !== undefined) encoded.push(parts[1]);
  for (const body of encoded) {
    let decoded: unknown;
    try {
      // Node's base64url decoder takes the standard alphabet too.
      decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      continue;
    }
    for (const path of SECRET_PATHS) {
      const field = fieldAt(decoded, path);
      if (typeof field === 'string' && field.length >= MIN_DECODED_LENGTH) out.push(field);
    }
  }
  return out;
}

function fieldAt(value: unknown, path: readonly string[]): unknown {
  let at = value;
  for (const key of path) {
    if (typeof at !== 'object' || at === null || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}
