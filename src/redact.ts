/** Removes credentials from any text that came from a server, a library or a CLI before it is shown. */

const TOKEN_PATTERNS: readonly RegExp[] = [
  /ops_[A-Za-z0-9_\-.=+/]+/g, // service-account tokens
  /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, // JWTs (Connect tokens)
  /\bBearer\s+[A-Za-z0-9_\-.=+/]+/gi,
];

const known = new Set<string>();

/** Registers a credential so that it is removed from every message, whatever its shape. */
export function registerCredential(value: string): void {
  if (value.length > 0) known.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const value of known) out = out.split(value).join('***');
  for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, '***');
  return out;
}
