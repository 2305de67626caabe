// The leak check: secret values must not appear in anything the step printed or the runner
// stores or shows (except the data of `::add-mask::` itself). Its messages never contain a value.

import { AssertionError } from 'node:assert';
import { Buffer } from 'node:buffer';
import type { StepResult } from './runner.ts';

/** Lines of a value shorter than this (after trimming) are not searched for on their own. */
const MIN_LINE_LENGTH = 4;

/** Secret fields of the JSON inside a credential (an `ops_` body, a JWT payload). */
const DECODED_SECRETS: readonly (readonly string[])[] = [
  ['secretKey'],
  ['srpX'],
  ['muk', 'k'],
  ['throttleSecret', 'seed'],
  ['1password.com/token'],
];

/**
 * The shapes in which a server or a CLI might echo a credential, for `assertNoLeak`: its base64
 * (padded and not), base64url and URL-encoded forms, its first 60% and last 16 characters, an
 * `ops_` token's body without the prefix, and the secret fields its body (or a JWT's payload)
 * decodes to. The credential itself is not in the list.
 */
export function credentialForms(credential: string): string[] {
  const base64 = Buffer.from(credential).toString('base64');
  const forms = [
    base64,
    base64.replace(/=+$/, ''),
    Buffer.from(credential).toString('base64url'),
    encodeURIComponent(credential),
    credential.slice(0, Math.ceil(credential.length * 0.6)),
    credential.slice(-16),
  ];
  const encoded: string[] = [];
  if (credential.startsWith('ops_')) {
    forms.push(credential.slice(4));
    encoded.push(credential.slice(4));
  }
  const parts = credential.split('.');
  if (parts.length === 3 && parts[1] !== undefined) encoded.push(parts[1]);
  for (const body of encoded) {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      continue;
    }
    for (const path of DECODED_SECRETS) {
      let at = decoded;
      for (const key of path) at = (at as Record<string, unknown> | undefined)?.[key];
      if (typeof at === 'string') forms.push(at);
    }
  }
  return [...new Set(forms)].filter((form) => form !== credential);
}

/**
 * Consecutive pieces of `size` characters of each value: a message cut short (to 200 or 500
 * characters, say) no longer holds the whole value, but any 2 * size of it hold a piece.
 */
export function piecesOf(values: readonly string[], size = 24): string[] {
  const pieces: string[] = [];
  for (const value of values) {
    for (let at = 0; at + size <= value.length; at += size) pieces.push(value.slice(at, at + size));
  }
  return [...new Set(pieces)];
}

interface Needle {
  valueIndex: number;
  text: string;
  /** How the needle relates to the value, without revealing it. */
  part: string;
}

function needlesOf(value: string, valueIndex: number): Needle[] {
  const needles: Needle[] = [];
  if (value.trim() === '') return needles;
  needles.push({ valueIndex, text: value, part: `whole value, ${value.length} chars` });
  const lines = value.split(/\r\n|\r|\n/);
  lines.forEach((line, lineIndex) => {
    const trimmed = line.trim();
    if (trimmed.length < MIN_LINE_LENGTH || trimmed === value) return;
    if (needles.some((n) => n.text === trimmed)) return;
    needles.push({
      valueIndex,
      text: trimmed,
      part: `line ${lineIndex + 1} of ${lines.length}, trimmed, ${trimmed.length} chars`,
    });
  });
  return needles;
}

/** Where in a text a needle occurs: line and column, 1-based, nothing of the text itself. */
function locate(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split(/\r\n|\r|\n/).length;
  const column = index - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r'));
  return `line ${line}, column ${column}`;
}

interface Channel {
  name: string;
  text: string;
  /** Lines joined with LF: searched only for values that span lines (newlines as LF). */
  joined?: boolean;
}

function channelsOf(result: StepResult): Channel[] {
  const channels: Channel[] = [];
  const joined = { stdout: [] as string[], stderr: [] as string[] };
  const lineNumbers = { stdout: 0, stderr: 0 };
  for (const line of result.lines) {
    const number = ++lineNumbers[line.stream];
    if (line.stream === 'stdout') {
      if (line.command === 'add-mask') continue;
      const what = line.command === undefined ? '' : ` (a ::${line.command}:: command)`;
      channels.push({ name: `stdout line ${number}${what}`, text: line.text });
    } else {
      channels.push({ name: `stderr line ${number}`, text: line.text });
    }
    joined[line.stream].push(line.text);
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    channels.push({
      name: `${stream} (across lines)`,
      text: joined[stream].join('\n'),
      joined: true,
    });
  }
  result.commands.forEach((command, index) => {
    if (command.command.toLowerCase() === 'add-mask') return;
    const name = `::${command.command}:: command #${index + 1} (${command.stream})`;
    channels.push({ name: `${name} data (unescaped)`, text: command.data });
    for (const [key, value] of Object.entries(command.properties)) {
      channels.push({ name: `${name} property '${key}' (unescaped)`, text: value });
    }
  });
  result.annotations.forEach((annotation, index) => {
    const name = `annotation #${index + 1} (${annotation.level})`;
    channels.push({ name: `${name} message`, text: annotation.message });
    if (annotation.title !== undefined) {
      channels.push({ name: `${name} title`, text: annotation.title });
    }
    for (const [key, value] of Object.entries(annotation.properties)) {
      channels.push({ name: `${name} property '${key}'`, text: value });
    }
  });
  channels.push({ name: 'step summary', text: result.summary });
  result.warnings.forEach((warning, index) => {
    channels.push({ name: `runner warning #${index + 1}`, text: warning });
  });
  result.errors.forEach((error, index) => {
    channels.push({ name: `runner error #${index + 1}`, text: error });
  });
  return channels;
}

/**
 * Throws an AssertionError if any of `values` (or any line of one, trimmed, of at least
 * MIN_LINE_LENGTH chars) appears in the raw stdout (except `::add-mask::` lines), stderr, the
 * data of workflow commands, annotations, the step summary, or the runner's warnings and
 * errors. The message names the step, the channel, the value's index and the part of it, never
 * the value.
 */
export function assertNoLeak(results: StepResult | StepResult[], values: string[]): void {
  const list = Array.isArray(results) ? results : [results];
  const needles = values.flatMap((value, index) => needlesOf(value, index));
  const findings: string[] = [];
  list.forEach((result, resultIndex) => {
    const step = `step result #${resultIndex + 1} (${result.stage} of ${result.id})`;
    for (const channel of channelsOf(result)) {
      for (const needle of needles) {
        let text = needle.text;
        if (channel.joined === true) {
          if (!/[\r\n]/.test(text)) continue;
          text = text.replace(/\r\n|\r/g, '\n');
        }
        const at = channel.text.indexOf(text);
        if (at < 0) continue;
        const multiline = /[\r\n]/.test(channel.text);
        findings.push(
          `value #${needle.valueIndex} (${needle.part}) in ${step}: ${channel.name}, ` +
            (multiline ? locate(channel.text, at) : `column ${at + 1}`),
        );
      }
    }
  });
  if (findings.length === 0) return;
  throw new AssertionError({
    message: `secret leaked (${findings.length} finding(s)):\n  - ${findings.join('\n  - ')}`,
    operator: 'assertNoLeak',
  });
}
