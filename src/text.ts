/** Bytes as text: strict UTF-8, a BOM kept as it is (values are exact). */
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text `bytes` hold, or undefined when they are not valid UTF-8. */
export function utf8(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** `1 secret`, `2 secrets`; `1 entry`, `2 entries`. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** Control characters (C0, DEL, C1), line separators, and marks that set or reorder direction. */
const UNPRINTABLE = /[\p{Cc}\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/**
 * Text (a path, say) as a message may show it: control characters, line separators and the
 * marks that reorder text escaped as \uXXXX, so that a name cannot break or disguise a line.
 */
export function printable(text: string): string {
  return text.replace(
    UNPRINTABLE,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
