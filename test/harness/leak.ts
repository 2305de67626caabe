// The leak check: secret values must not appear in anything the step printed or the runner
// stores or shows (except the data of `::add-mask::` itself). Its messages never contain a value.

import { AssertionError } from 'node:assert';
import type { StepResult } from './runner.ts';

/** Lines of a value shorter than this (after trimming) are not searched for on their own. */
export const MIN_LINE_LENGTH = 4;

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
