/**
 * Templates: files with `{{ op://... }}` placeholders (the syntax of `op inject`), rendered with
 * the resolved values. Pure: parsing works on bytes, so that the text around the placeholders
 * (line endings, a BOM, bytes that are not UTF-8) comes out exactly as it went in. Every error
 * names the template and where: `NPMRC (.npmrc.tpl:3): ...`.
 */
import { Code, SecretsError } from './errors.ts';
import { type Place, readInputBytes } from './input-file.ts';
import { nameKey, nameProblem } from './names.ts';
import { isWholeItem, parseRef, type Ref, SCHEME } from './refs.ts';
import type { Outcome } from './resolve.ts';
import { printable, utf8 } from './text.ts';
import { type MappingInput, readYamlMapping } from './yaml-mapping.ts';

export interface TemplateSpec {
  readonly name: string;
  /** Relative to the workspace, or absolute. */
  readonly path: string;
}

export interface Placeholder {
  readonly ref: Ref;
  /** 1-based. */
  readonly line: number;
}

export interface Template {
  readonly name: string;
  /** The path as messages and the summary show it: control characters escaped. */
  readonly path: string;
  /** Bytes outside the placeholders: parts.length === placeholders.length + 1 */
  readonly parts: readonly Uint8Array[];
  readonly placeholders: readonly Placeholder[];
}

const TEMPLATES_INPUT: MappingInput = {
  name: 'templates',
  shape: 'NAME: path',
  noun: 'template',
};

const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const NEWLINE = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;
const SCHEME_BYTES = new TextEncoder().encode(SCHEME);
const encoder = new TextEncoder();
const WHOLE_ITEM = 'a whole item (/*) cannot be placed in a template: name one field';

/** The `templates` input: YAML mapping NAME: path. Same strictness as the secrets input. */
export function parseTemplatesYaml(text: string): {
  specs: TemplateSpec[];
  errors: SecretsError[];
} {
  const seen = new Set<string>();
  const read = (name: string, path: unknown): TemplateSpec | SecretsError => {
    const problem = nameProblem(name);
    if (problem !== undefined) return new SecretsError(Code.configInvalid, problem, name);
    if (seen.has(nameKey(name))) {
      return new SecretsError(
        Code.configInvalid,
        `"${name}" is given twice in the templates input; names are case-insensitive`,
        name,
      );
    }
    seen.add(nameKey(name));
    if (typeof path !== 'string' || path === '') {
      return new SecretsError(
        Code.configInvalid,
        'the value must be the path of a template file (a non-empty string)',
        name,
      );
    }
    return { name, path };
  };
  const { values, errors } = readYamlMapping(text, TEMPLATES_INPUT, read);
  return { specs: values, errors };
}

function isBlank(byte: number | undefined): boolean {
  return byte === SPACE || byte === TAB;
}

/** Whether `bytes` holds `op://` at `at`. */
function schemeAt(bytes: Uint8Array, at: number): boolean {
  return SCHEME_BYTES.every((byte, index) => bytes[at + index] === byte);
}

/** Where the `}}` closing a placeholder is, at or after `from`, or -1 if the line ends first. */
function closingAt(bytes: Uint8Array, from: number): number {
  for (let at = from; at < bytes.length && bytes[at] !== NEWLINE; at++) {
    if (bytes[at] === CLOSE && bytes[at + 1] === CLOSE) return at;
  }
  return -1;
}

/** The reference a placeholder holds, or why it cannot be placed. */
function readRef(bytes: Uint8Array): Ref | SecretsError {
  const text = utf8(bytes);
  if (text === undefined) return new SecretsError(Code.refInvalid, 'the reference is not UTF-8');
  let ref: Ref;
  try {
    ref = parseRef(text);
  } catch (thrown) {
    if (thrown instanceof SecretsError) return thrown;
    throw thrown;
  }
  if (isWholeItem(ref)) {
    return new SecretsError(Code.configInvalid, WHOLE_ITEM);
  }
  return ref;
}

/** `{{ op://`: where it starts, where its ref starts, and its `}}` (-1: none on its line). */
interface Opening {
  readonly start: number;
  readonly refStart: number;
  readonly close: number;
}

/** The next `{{` followed (after spaces or tabs) by `op://`, at or after `from`. */
function nextOpening(bytes: Uint8Array, from: number): Opening | undefined {
  for (let at = bytes.indexOf(OPEN, from); at !== -1; at = bytes.indexOf(OPEN, at + 1)) {
    if (bytes[at + 1] !== OPEN) continue;
    let refStart = at + 2;
    while (isBlank(bytes[refStart])) refStart++;
    if (schemeAt(bytes, refStart)) {
      return { start: at, refStart, close: closingAt(bytes, refStart + SCHEME_BYTES.length) };
    }
  }
  return undefined;
}

/** How many newlines `bytes` holds from `from` up to (not including) `to`. */
function newlines(bytes: Uint8Array, from: number, to: number): number {
  let count = 0;
  for (let at = from; at < to; at++) if (bytes[at] === NEWLINE) count++;
  return count;
}

/** Parses bytes; every problem collected. */
export function parseTemplate(
  spec: TemplateSpec,
  bytes: Uint8Array,
): { template: Template | undefined; errors: SecretsError[] } {
  const parts: Uint8Array[] = [];
  const placeholders: Placeholder[] = [];
  const errors: SecretsError[] = [];
  let line = 1;
  let counted = 0;
  let partStart = 0;
  let from = 0;
  for (let found = nextOpening(bytes, from); found; found = nextOpening(bytes, from)) {
    line += newlines(bytes, counted, found.start);
    counted = found.start;
    const where = `${printable(spec.path)}:${line}`;
    if (found.close === -1) {
      // Go on after the line: every unclosed placeholder is reported, each once.
      const end = bytes.indexOf(NEWLINE, found.refStart);
      const before = end === -1 ? 'the end of the file' : 'the end of its line';
      const message = `a placeholder "{{ op://" is not closed with "}}" before ${before}`;
      errors.push(new SecretsError(Code.configInvalid, message, spec.name, where));
      from = end === -1 ? bytes.length : end;
      continue;
    }
    let refEnd = found.close;
    while (isBlank(bytes[refEnd - 1])) refEnd--;
    const ref = readRef(bytes.subarray(found.refStart, refEnd));
    if (ref instanceof SecretsError) errors.push(ref.forSecret(spec.name, where));
    else placeholders.push({ ref, line });
    parts.push(bytes.slice(partStart, found.start));
    partStart = from = found.close + 2;
  }
  parts.push(bytes.slice(partStart));
  if (errors.length > 0) return { template: undefined, errors };
  const path = printable(spec.path);
  return { template: { name: spec.name, path, parts, placeholders }, errors };
}

/** Reads spec.path from `place` (as readInputBytes: where it may lead, ≤ 1 MiB) and parses it. */
export function readTemplate(
  spec: TemplateSpec,
  place: Place,
): { template: Template | undefined; errors: SecretsError[] } {
  let bytes: Uint8Array;
  try {
    bytes = readInputBytes(`templates ${spec.name}`, spec.path, place);
  } catch (thrown) {
    if (!(thrown instanceof SecretsError)) throw thrown;
    return { template: undefined, errors: [thrown.forSecret(spec.name, printable(spec.path))] };
  }
  return parseTemplate(spec, bytes);
}

/** The bytes an outcome places, with its text (for masking), or why it cannot be placed. */
function placement(
  outcome: Outcome | undefined,
): { readonly bytes: Uint8Array; readonly text: string } | SecretsError {
  if (outcome === undefined) {
    return new SecretsError(Code.providerUnavailable, 'the reference was not resolved');
  }
  if (outcome instanceof SecretsError) return outcome;
  if (outcome.kind === 'item') {
    return new SecretsError(Code.configInvalid, WHOLE_ITEM);
  }
  const { value } = outcome;
  if (typeof value === 'string') return { bytes: encoder.encode(value), text: value };
  const text = utf8(value);
  if (text === undefined) {
    return new SecretsError(
      Code.refInvalid,
      'the attached file is not UTF-8 text and cannot be placed in a template',
    );
  }
  return { bytes: value, text };
}

/** Fills the placeholders from the outcomes (keyed by ref.text). */
export function renderTemplate(
  template: Template,
  outcomes: ReadonlyMap<string, Outcome>,
):
  | { readonly bytes: Uint8Array; readonly placed: readonly string[] }
  | { readonly errors: readonly SecretsError[] } {
  const pieces: Uint8Array[] = [template.parts[0] ?? new Uint8Array()];
  const placed = new Set<string>();
  const errors: SecretsError[] = [];
  template.placeholders.forEach(({ ref, line }, index) => {
    const value = placement(outcomes.get(ref.text));
    if (value instanceof SecretsError) {
      errors.push(value.forSecret(template.name, `${template.path}:${line}`));
      return;
    }
    placed.add(value.text);
    pieces.push(value.bytes, template.parts[index + 1] ?? new Uint8Array());
  });
  if (errors.length > 0) return { errors };
  return { bytes: Buffer.concat(pieces), placed: [...placed] };
}
