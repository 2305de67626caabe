/**
 * A SecretSource held in memory, built from vault specs (test/support/vaults.ts), that counts
 * its calls and fails on demand; and helpers that resolve one reference through a Resolver.
 */
import assert from 'node:assert/strict';
import {
  type Attachment,
  type Field,
  type Item,
  type ItemSummary,
  type SecretSource,
  type Section,
  SourceError,
  type SourceFailure,
  type VaultSummary,
} from '../../src/backends/source.ts';
import { SecretsError } from '../../src/errors.ts';
import { parseRef } from '../../src/refs.ts';
import { type Outcome, Resolver } from '../../src/resolve.ts';
import type { VaultSpec } from './vaults.ts';

let counter = 0;
/** A fresh 26-character ID of [a-z0-9]. */
export function newId(prefix: string): string {
  counter++;
  return `${prefix}${String(counter).padStart(26 - prefix.length, '0')}`;
}

export type Failures = Partial<{
  listVaults: SourceFailure;
  getVault: SourceFailure;
  listItems: Record<string, SourceFailure>;
  getItem: Record<string, SourceFailure>;
}>;

export class MemorySource implements SecretSource {
  readonly name = 'memory';
  readonly vaults: (VaultSummary & { items: Item[] })[] = [];
  readonly contents = new Map<string, Uint8Array>();
  readonly calls = {
    listVaults: 0,
    getVault: new Map<string, number>(),
    listItems: new Map<string, number>(),
    getItem: new Map<string, number>(),
    getFile: new Map<string, number>(),
  };
  readonly failures: Failures;
  /** Vaults that exist but are not listed (outside the token's scope). */
  readonly hidden: Record<string, SourceFailure>;
  /** By `vaultId/itemId`: a lookup, so that the cost tests measure the resolver alone. */
  readonly #items = new Map<string, Item>();

  constructor(
    vaults: VaultSpec[],
    failures: Failures = {},
    hidden: Record<string, SourceFailure> = {},
  ) {
    this.failures = failures;
    this.hidden = hidden;
    for (const vault of vaults) {
      const vaultId = vault.id ?? newId('v');
      const items = vault.items.map((spec): Item => {
        const itemId = spec.id ?? newId('i');
        const sections: Section[] = Object.entries(spec.sections ?? {}).map(([id, label]) => ({
          id,
          label,
        }));
        const fields: Field[] = (spec.fields ?? []).map((field) => ({
          id: field.id ?? newId('f'),
          label: field.label,
          type: field.type ?? 'CONCEALED',
          value: field.value,
          sectionId: field.section,
          totp: field.totp,
        }));
        const files: Attachment[] = (spec.files ?? []).map((file) => {
          const id = file.id ?? newId('a');
          const bytes =
            typeof file.content === 'string'
              ? new TextEncoder().encode(file.content)
              : file.content;
          this.contents.set(`${vaultId}/${itemId}/${id}`, bytes);
          return { id, name: file.name, sectionId: file.section };
        });
        const item = { id: itemId, title: spec.title, vaultId, sections, fields, files };
        this.#items.set(`${vaultId}/${itemId}`, item);
        return item;
      });
      this.vaults.push({ id: vaultId, title: vault.title, items });
    }
  }

  #count(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  async listVaults(): Promise<readonly VaultSummary[]> {
    await Promise.resolve();
    this.calls.listVaults++;
    const failure = this.failures.listVaults;
    if (failure)
      throw new SourceError(failure, `listing vaults failed (${failure}) ops_leakedtoken123`);
    return this.vaults.map(({ id, title }) => ({ id, title }));
  }

  async getVault(vaultId: string): Promise<VaultSummary> {
    await Promise.resolve();
    this.#count(this.calls.getVault, vaultId);
    const failure = this.hidden[vaultId] ?? this.failures.getVault;
    if (failure) throw new SourceError(failure, `vault ${vaultId}: ${failure}`);
    const vault = this.vaults.find((candidate) => candidate.id === vaultId);
    if (!vault) throw new SourceError('not-found', `vault ${vaultId} not found`);
    return { id: vault.id, title: vault.title };
  }

  async listItems(vaultId: string): Promise<readonly ItemSummary[]> {
    await Promise.resolve();
    this.#count(this.calls.listItems, vaultId);
    const failure = this.failures.listItems?.[vaultId];
    if (failure) throw new SourceError(failure, `listing items of ${vaultId}: ${failure}`);
    const vault = this.vaults.find((candidate) => candidate.id === vaultId);
    if (!vault) throw new SourceError('not-found', `vault ${vaultId} not found`);
    return vault.items.map(({ id, title }) => ({ id, title }));
  }

  async getItem(vaultId: string, itemId: string): Promise<Item> {
    await Promise.resolve();
    this.#count(this.calls.getItem, `${vaultId}/${itemId}`);
    const failure = this.failures.getItem?.[itemId];
    if (failure) throw new SourceError(failure, `item ${itemId}: ${failure}`);
    const item = this.#items.get(`${vaultId}/${itemId}`);
    if (!item) throw new SourceError('not-found', `item ${itemId} not found`);
    return item;
  }

  async getFile(vaultId: string, itemId: string, fileId: string): Promise<Uint8Array> {
    await Promise.resolve();
    const key = `${vaultId}/${itemId}/${fileId}`;
    this.#count(this.calls.getFile, key);
    const bytes = this.contents.get(key);
    if (!bytes) throw new SourceError('not-found', `file ${fileId} not found`);
    return bytes;
  }

  async close(): Promise<void> {}

  vaultId(title: string): string {
    const vault = this.vaults.find((candidate) => candidate.title === title);
    assert.ok(vault, `vault ${title}`);
    return vault.id;
  }

  itemId(vaultTitle: string, itemTitle: string): string {
    const item = this.vaults
      .find((candidate) => candidate.title === vaultTitle)
      ?.items.find((candidate) => candidate.title === itemTitle);
    assert.ok(item, `item ${itemTitle}`);
    return item.id;
  }

  /** Total getItem calls, and the largest count for any one item. */
  itemCalls(): { total: number; max: number } {
    const counts = [...this.calls.getItem.values()];
    return { total: counts.reduce((a, b) => a + b, 0), max: Math.max(0, ...counts) };
  }
}

export async function resolveOne(source: SecretSource, raw: string): Promise<Outcome> {
  const ref = parseRef(raw);
  const outcomes = await new Resolver(source).resolveAll([ref]);
  const outcome = outcomes.get(ref.text);
  assert.ok(outcome !== undefined, `an outcome for ${ref.text}`);
  return outcome;
}

export function valueFrom(outcome: Outcome): string | Uint8Array {
  if (outcome instanceof SecretsError) assert.fail(`${outcome.code}: ${outcome.message}`);
  assert.equal(outcome.kind, 'value');
  if (outcome.kind !== 'value') throw new Error('unreachable');
  return outcome.value;
}

export async function value(source: SecretSource, raw: string): Promise<string | Uint8Array> {
  return valueFrom(await resolveOne(source, raw));
}

export async function failure(
  source: SecretSource,
  raw: string,
  code: string,
): Promise<SecretsError> {
  const outcome = await resolveOne(source, raw);
  assert.ok(outcome instanceof SecretsError, `expected ${code}, got ${JSON.stringify(outcome)}`);
  assert.equal(outcome.code, code, outcome.message);
  return outcome;
}

export function itemFields(outcome: Outcome): { suffix: string; value: string }[] {
  if (outcome instanceof SecretsError) assert.fail(`${outcome.code}: ${outcome.message}`);
  assert.equal(outcome.kind, 'item');
  if (outcome.kind !== 'item') throw new Error('unreachable');
  return outcome.fields.map(({ suffix, value }) => ({ suffix, value }));
}
