/**
 * Reference one-time-password generator for the test fakes (RFC 4226 HOTP, RFC 6238 TOTP).
 *
 * The fake Connect server (and later the fake `op` CLI and SDK) use it to fill in the
 * current code of OTP fields, and tests use it to compute the code they expect. It is
 * deliberately independent of `src/` so it can check the action's own answer.
 */
import { createHmac } from 'node:crypto';

type OtpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

interface OtpParameters {
  /** The shared secret (decoded from base32). */
  key: Uint8Array;
  algorithm: OtpAlgorithm;
  digits: number;
  /** Time step in seconds. */
  period: number;
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * Decodes RFC 4648 base32. Case-insensitive; spaces, hyphens and `=` padding are ignored
 * (1Password shows secrets in groups of four). Throws on any other character.
 */
function base32Decode(text: string): Uint8Array {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase();
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    const index = BASE32_ALPHABET.indexOf(char);
    if (index < 0) {
      throw new Error(`invalid base32 character ${JSON.stringify(char)}`);
    }
    buffer = (buffer << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >>> bits) & 0xff);
    }
  }
  if (out.length === 0) {
    throw new Error('empty base32 secret');
  }
  return Uint8Array.from(out);
}

/** Encodes bytes as RFC 4648 base32 without padding. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32_ALPHABET[(buffer >>> bits) & 31];
    }
  }
  if (bits > 0) {
    out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  }
  return out;
}

/**
 * Reads an `otpauth://totp/...?secret=...` URI or a bare base32 secret.
 * Honours the URI's `algorithm`, `digits` and `period` (defaults SHA1, 6, 30).
 */
function parseOtp(secretOrUri: string): OtpParameters {
  const trimmed = secretOrUri.trim();
  if (!/^otpauth:/i.test(trimmed)) {
    return { key: base32Decode(trimmed), algorithm: 'SHA1', digits: 6, period: 30 };
  }
  const url = new URL(trimmed);
  if (url.host.toLowerCase() !== 'totp') {
    throw new Error(`unsupported otpauth type ${JSON.stringify(url.host)}`);
  }
  const secret = url.searchParams.get('secret');
  if (secret === null || secret === '') {
    throw new Error('otpauth URI has no secret');
  }
  const algorithm = (url.searchParams.get('algorithm') ?? 'SHA1').toUpperCase();
  if (algorithm !== 'SHA1' && algorithm !== 'SHA256' && algorithm !== 'SHA512') {
    throw new Error(`unsupported otpauth algorithm ${JSON.stringify(algorithm)}`);
  }
  const digits = Number(url.searchParams.get('digits') ?? '6');
  const period = Number(url.searchParams.get('period') ?? '30');
  if (!Number.isInteger(digits) || digits < 6 || digits > 10) {
    throw new Error(`unsupported otpauth digits ${JSON.stringify(digits)}`);
  }
  if (!Number.isInteger(period) || period < 1) {
    throw new Error(`unsupported otpauth period ${JSON.stringify(period)}`);
  }
  return { key: base32Decode(secret), algorithm, digits, period };
}

/** RFC 4226 HOTP value for a counter, zero-padded to `digits`. */
export function hotp(
  key: Uint8Array,
  counter: number,
  digits = 6,
  algorithm: OtpAlgorithm = 'SHA1',
): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm.toLowerCase(), key).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/**
 * The TOTP code current at `now` (milliseconds since the epoch) for an
 * `otpauth://totp/...` URI or a bare base32 secret (SHA-1, 30 s, 6 digits unless the
 * URI says otherwise).
 */
export function totp(secretOrUri: string, now: number = Date.now()): string {
  const { key, algorithm, digits, period } = parseOtp(secretOrUri);
  return hotp(key, Math.floor(now / 1000 / period), digits, algorithm);
}

/**
 * Every code current at some instant of [from, to] (milliseconds since the epoch): what a fake
 * on the real clock may answer between two readings of it, however long it took.
 */
export function totpsBetween(secretOrUri: string, from: number, to: number): string[] {
  const periodMs = parseOtp(secretOrUri).period * 1000;
  const codes: string[] = [];
  for (let step = Math.floor(from / periodMs); step <= Math.floor(to / periodMs); step++) {
    codes.push(totp(secretOrUri, step * periodMs));
  }
  return codes;
}
