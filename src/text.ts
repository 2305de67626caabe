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
