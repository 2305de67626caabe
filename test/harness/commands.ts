// Workflow command parsing, as in actions/runner src/Runner.Common/ActionCommand.cs
// (`TryParseV2` for `::name k=v,k=v::data`, `TryParse` for the legacy `##[name k=v;k=v]data`).

export interface ParsedCommand {
  /** The command name as written (the runner compares names case-insensitively). */
  command: string;
  /** Property names as written; values unescaped. */
  properties: Record<string, string>;
  /** Unescaped data. */
  data: string;
}

const ESCAPE_MAPPINGS: readonly (readonly [string, string])[] = [
  [';', '%3B'],
  ['\r', '%0D'],
  ['\n', '%0A'],
  [']', '%5D'],
  ['%', '%25'],
];
const ESCAPE_DATA_MAPPINGS: readonly (readonly [string, string])[] = [
  ['\r', '%0D'],
  ['\n', '%0A'],
  ['%', '%25'],
];
const ESCAPE_PROPERTY_MAPPINGS: readonly (readonly [string, string])[] = [
  ['\r', '%0D'],
  ['\n', '%0A'],
  [':', '%3A'],
  [',', '%2C'],
  ['%', '%25'],
];

function unescapeWith(escaped: string, mappings: readonly (readonly [string, string])[]): string {
  let unescaped = escaped;
  for (const [token, replacement] of mappings) {
    unescaped = unescaped.replaceAll(replacement, token);
  }
  return unescaped;
}

function unescapeData(escaped: string): string {
  return unescapeWith(escaped, ESCAPE_DATA_MAPPINGS);
}

function unescapeProperty(escaped: string): string {
  return unescapeWith(escaped, ESCAPE_PROPERTY_MAPPINGS);
}

function unescapeLegacy(escaped: string): string {
  return unescapeWith(escaped, ESCAPE_MAPPINGS);
}

/** `propertyStr.Split('=', 2, RemoveEmptyEntries)` and keep it only if it gave two parts. */
function splitProperty(property: string): [string, string] | undefined {
  const rest = property.replace(/^=+/, '');
  const index = rest.indexOf('=');
  if (index < 0) return undefined;
  const key = rest.slice(0, index);
  const value = rest.slice(index + 1).replace(/^=+/, '');
  if (key === '' || value === '') return undefined;
  return [key, value];
}

function setProperty(properties: Record<string, string>, key: string, value: string): void {
  // The runner's property dictionary is case-insensitive: a later key replaces an earlier one.
  for (const existing of Object.keys(properties)) {
    if (existing.toLowerCase() === key.toLowerCase()) delete properties[existing];
  }
  properties[key] = value;
}

function isRegistered(name: string, registered: ReadonlySet<string>): boolean {
  return registered.has(name.toLowerCase());
}

/** `ActionCommand.TryParseV2`. `registered` holds lower-cased command names. */
function tryParseV2(message: string, registered: ReadonlySet<string>): ParsedCommand | undefined {
  if (message === '') return undefined;
  const trimmed = message.trimStart();
  if (!trimmed.startsWith('::')) return undefined;
  const endIndex = trimmed.indexOf('::', 2);
  if (endIndex < 0) return undefined;
  const cmdInfo = trimmed.slice(2, endIndex);
  const spaceIndex = cmdInfo.indexOf(' ');
  const command = spaceIndex < 0 ? cmdInfo : cmdInfo.slice(0, spaceIndex);
  if (command === '' || !isRegistered(command, registered)) return undefined;
  const properties: Record<string, string> = {};
  if (spaceIndex > 0) {
    const propertiesStr = cmdInfo.slice(spaceIndex + 1).trim();
    for (const propertyStr of propertiesStr.split(',')) {
      if (propertyStr === '') continue;
      const pair = splitProperty(propertyStr);
      if (pair !== undefined) setProperty(properties, pair[0], unescapeProperty(pair[1]));
    }
  }
  return { command, properties, data: unescapeData(trimmed.slice(endIndex + 2)) };
}

/** `ActionCommand.TryParse` (legacy `##[command k=v;k=v]data`, anywhere in the line). */
function tryParseLegacy(
  message: string,
  registered: ReadonlySet<string>,
): ParsedCommand | undefined {
  if (message === '') return undefined;
  const prefixIndex = message.indexOf('##[');
  if (prefixIndex < 0) return undefined;
  const rbIndex = message.indexOf(']', prefixIndex);
  if (rbIndex < 0) return undefined;
  const cmdInfo = message.slice(prefixIndex + 3, rbIndex);
  const spaceIndex = cmdInfo.indexOf(' ');
  const command = spaceIndex < 0 ? cmdInfo : cmdInfo.slice(0, spaceIndex);
  if (command === '' || !isRegistered(command, registered)) return undefined;
  const properties: Record<string, string> = {};
  if (spaceIndex > 0) {
    for (const propertyStr of cmdInfo.slice(spaceIndex + 1).split(';')) {
      if (propertyStr === '') continue;
      const pair = splitProperty(propertyStr);
      if (pair !== undefined) setProperty(properties, pair[0], unescapeLegacy(pair[1]));
    }
  }
  return { command, properties, data: unescapeLegacy(message.slice(rbIndex + 1)) };
}

/** `TryParseV2`, then `TryParse`, as `ActionCommandManager.TryProcessCommand` does. */
export function parseCommand(
  message: string,
  registered: ReadonlySet<string>,
): ParsedCommand | undefined {
  return tryParseV2(message, registered) ?? tryParseLegacy(message, registered);
}

/** A property looked up case-insensitively, as the runner's dictionary does. */
export function getProperty(properties: Record<string, string>, name: string): string | undefined {
  for (const [key, value] of Object.entries(properties)) {
    if (key.toLowerCase() === name.toLowerCase()) return value;
  }
  return undefined;
}

/** The commands the runner registers (ExtensionManager.cs), plus `stop-commands`. */
export const RUNNER_COMMANDS: readonly string[] = [
  'set-env',
  'set-output',
  'save-state',
  'add-path',
  'add-mask',
  'add-matcher',
  'remove-matcher',
  'warning',
  'error',
  'notice',
  'debug',
  'group',
  'endgroup',
  'echo',
  'stop-commands',
];

/** Commands whose line the runner never echoes, even with `::echo::on` (`OmitEcho`). */
export const OMIT_ECHO: ReadonlySet<string> = new Set([
  'add-mask',
  'debug',
  'warning',
  'error',
  'notice',
]);
