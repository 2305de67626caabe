// The runner's secret masker, as in actions/runner
// src/Sdk/DTLogging/Logging/SecretMasker.cs, ValueSecret.cs and ValueEncoders.cs, with the
// encoders that src/Runner.Common/HostContext.cs registers, in the same order.

/** .NET `char.IsWhiteSpace` (used by `String.Trim()` and `string.IsNullOrWhiteSpace`). */
const DOTNET_WHITESPACE =
  /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

function isDotnetWhiteSpace(ch: string): boolean {
  return DOTNET_WHITESPACE.test(ch);
}

/** .NET `String.Trim()`. */
function dotnetTrim(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isDotnetWhiteSpace(value.charAt(start))) start++;
  while (end > start && isDotnetWhiteSpace(value.charAt(end - 1))) end--;
  return value.slice(start, end);
}

/** .NET `string.IsNullOrWhiteSpace`. */
export function isNullOrWhiteSpace(value: string | undefined): boolean {
  return value === undefined || dotnetTrim(value) === '';
}

/**
 * `value.Split(new[] { '\r', '\n' }, RemoveEmptyEntries | TrimEntries)`: the lines the runner
 * masks in addition to the whole value (ActionCommandManager's add-mask and Worker.cs).
 */
export function splitMaskLines(value: string): string[] {
  return value
    .split(/[\r\n]/)
    .map(dotnetTrim)
    .filter((line) => line !== '');
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

function base64Shift(value: string, shift: number): string {
  const bytes = Buffer.from(value, 'utf8');
  return bytes.length > shift ? base64(bytes.subarray(shift)) : base64(bytes);
}

/** Newtonsoft.Json `JsonConvert.ToString(value)` without the surrounding quotes. */
function jsonStringEscape(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    switch (ch) {
      case '\t':
        out += '\\t';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\f':
        out += '\\f';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '"':
        out += '\\"';
        break;
      case '\u0085':
        out += '\\u0085';
        break;
      case '\u2028':
        out += '\\u2028';
        break;
      case '\u2029':
        out += '\\u2029';
        break;
      default:
        out += code < 0x20 ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
    }
  }
  return out;
}

/** .NET `Uri.EscapeDataString`: everything but RFC 3986 unreserved characters is %XX-encoded. */
function uriDataEscape(value: string): string {
  return encodeURIComponent(value.toWellFormed()).replace(
    /[!'()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** .NET `SecurityElement.Escape`. */
function xmlDataEscape(value: string): string {
  return value.replace(/[<>"'&]/g, (ch) => {
    switch (ch) {
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      default:
        return '&amp;';
    }
  });
}

function trimDoubleQuotes(value: string): string {
  if (value.length > 8 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1);
  }
  return '';
}

function powerShellPreAmpersandEscape(value: string): string {
  if (!value.includes('&')) return '';
  const section = value.includes('&+')
    ? value.slice(0, value.indexOf('&+') + 2)
    : value.slice(0, value.lastIndexOf('&') + 1);
  return section.length >= 6 ? section : '';
}

function powerShellPostAmpersandEscape(value: string): string {
  if (!value.includes('&')) return '';
  let section = '';
  if (value.includes('&+')) {
    const index = value.indexOf('&+');
    if (value.length > index + 2 + 1) {
      section = value.slice(index + 2 + 1);
    }
  } else {
    section = value.slice(value.lastIndexOf('&') + 1);
  }
  return section.length >= 6 ? section : '';
}

type ValueEncoder = (value: string) => string;

/** The encoders HostContext registers, in its order. */
const VALUE_ENCODERS: readonly ValueEncoder[] = [
  (v) => base64(Buffer.from(v, 'utf8')), // Base64StringEscape
  (v) => base64Shift(v, 1), // Base64StringEscapeShift1
  (v) => base64Shift(v, 2), // Base64StringEscapeShift2
  (v) => v.replaceAll('"', '\\"'), // CommandLineArgumentEscape
  (v) => v.replaceAll("'", "''"), // ExpressionStringEscape
  jsonStringEscape, // JsonStringEscape
  uriDataEscape, // UriDataEscape
  xmlDataEscape, // XmlDataEscape
  trimDoubleQuotes, // TrimDoubleQuotes
  powerShellPreAmpersandEscape, // PowerShellPreAmpersandEscape
  powerShellPostAmpersandEscape, // PowerShellPostAmpersandEscape
];

/** Every string the masker replaces for one `AddValue(value)` call: the value and its encodings. */
function maskedFormsOf(value: string): string[] {
  if (value === '') return [];
  const forms = new Set<string>([value]);
  for (const encoder of VALUE_ENCODERS) {
    const encoded = encoder(value);
    if (encoded !== '') forms.add(encoded);
  }
  return [...forms];
}

/** A job-wide secret masker (the runner has one per worker process, shared by all steps). */
export class SecretMasker {
  readonly #originals = new Set<string>();
  readonly #secrets = new Set<string>();

  /** `SecretMasker.AddValue`: the value and each of its encodings. Empty values are ignored. */
  addValue(value: string): void {
    if (value === '' || this.#originals.has(value)) return;
    this.#originals.add(value);
    for (const form of maskedFormsOf(value)) this.#secrets.add(form);
  }

  /** The values given to `addValue` so far (not their encodings). */
  get values(): string[] {
    return [...this.#originals];
  }

  /** `SecretMasker.MaskSecrets`: every occurrence of any form, overlapping or adjacent ones merged, becomes `***`. */
  mask(input: string): string {
    if (input === '') return '';
    const positions: { start: number; end: number }[] = [];
    for (const secret of this.#secrets) {
      let from = 0;
      while (from < input.length && input.length - from >= secret.length) {
        const index = input.indexOf(secret, from);
        if (index < 0) break;
        positions.push({ start: index, end: index + secret.length });
        from = index + 1;
      }
    }
    if (positions.length === 0) return input;
    positions.sort((a, b) => a.start - b.start);
    const merged: { start: number; end: number }[] = [];
    for (const position of positions) {
      const last = merged.at(-1);
      if (last !== undefined && position.start <= last.end) {
        last.end = Math.max(last.end, position.end);
      } else {
        merged.push({ ...position });
      }
    }
    let out = '';
    let index = 0;
    for (const range of merged) {
      out += `${input.slice(index, range.start)}***`;
      index = range.end;
    }
    return out + input.slice(index);
  }
}
