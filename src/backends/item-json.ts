/**
 * 1Password's JSON for vaults and items, as Connect answers it and `op --format json` prints
 * it (the two share the shape): read into the resolver's model, or refused as unexpected.
 */
import type { Attachment, Field, Item, Section } from './source.ts';

export type Json = Record<string, unknown>;

/** Builds the backend's own error for a shape it did not expect: "<what> is not ...". */
export type Unexpected = (what: string) => Error;

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function object(value: unknown, what: string, unexpected: Unexpected): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw unexpected(what);
  return value as Json;
}

export function records(value: unknown, what: string, unexpected: Unexpected): Json[] {
  if (!Array.isArray(value)) throw unexpected(what);
  return value.map((entry) => object(entry, what, unexpected));
}

/** A vault (`name`) or item (`title`) with its ID. */
export function summary(
  record: Json,
  titleKey: 'name' | 'title',
  what: string,
  unexpected: Unexpected,
): { id: string; title: string } {
  const id = str(record['id']);
  if (id === undefined) throw unexpected(what);
  return { id, title: str(record[titleKey]) ?? '' };
}

function sectionId(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? str((value as Json)['id']) : undefined;
}

export function toItem(value: unknown, vaultId: string, unexpected: Unexpected): Item {
  const what = 'an item';
  const record = object(value, what, unexpected);
  const { id, title } = summary(record, 'title', what, unexpected);
  const list = (key: string) => records(record[key] ?? [], what, unexpected);
  const sections: Section[] = list('sections').map((section) => ({
    id: str(section['id']) ?? '',
    label: str(section['label']) ?? '',
  }));
  const fields: Field[] = list('fields').map((field) => ({
    id: str(field['id']) ?? '',
    label: str(field['label']) ?? '',
    type: str(field['type']) ?? 'STRING',
    value: str(field['value']) ?? '',
    sectionId: sectionId(field['section']),
    totp: str(field['totp']),
  }));
  const files: Attachment[] = list('files').map((file) => ({
    id: str(file['id']) ?? '',
    name: str(file['name']) ?? '',
    sectionId: sectionId(file['section']),
  }));
  return { id, title, vaultId, sections, fields, files };
}
