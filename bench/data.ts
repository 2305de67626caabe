/** Synthetic vault data for the benchmark: every value distinct, every reference plain. */
import { createHash, randomBytes } from 'node:crypto';
import type { FakeItem, FakeVault } from '../test/fakes/connect-server.ts';

export interface BenchSecret {
  /** Output name (`S_001`, ...). */
  readonly name: string;
  /** `op://<vault>/<item>/<field>`. */
  readonly ref: string;
  readonly value: string;
}

export interface DataSet {
  readonly vaults: FakeVault[];
  readonly secrets: BenchSecret[];
}

export interface DataShape {
  /** Distinguishes the data sets of different scenarios (titles, IDs, values). */
  readonly prefix: string;
  readonly vaults: number;
  readonly items: number;
  readonly secrets: number;
  /** Title of the item with this global index (default `item-<index>`). */
  readonly itemTitle?: (index: number) => string;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A 26-character `[a-z0-9]` ID (what Connect, op and the SDK use), stable for a seed. */
export function benchId(seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let id = '';
  for (let i = 0; i < 26; i++) id += ALPHABET[(digest[i] ?? 0) % ALPHABET.length];
  return id;
}

/**
 * `items` items spread round-robin over `vaults` vaults, and `secrets` fields spread
 * round-robin over the items; one secret per field, each with its own random value.
 */
export function syntheticData(shape: DataShape): DataSet {
  const salt = randomBytes(6).toString('hex');
  const vaults: FakeVault[] = Array.from({ length: shape.vaults }, (_, v) => ({
    id: benchId(`${shape.prefix}:vault:${v}`),
    name: `${shape.prefix}-vault-${v}`,
    items: [],
  }));
  const items: { vault: FakeVault; item: FakeItem }[] = [];
  for (let i = 0; i < shape.items; i++) {
    const vault = vaults[i % shape.vaults];
    if (vault === undefined) throw new Error('a data set needs at least one vault');
    const item: FakeItem = {
      id: benchId(`${shape.prefix}:item:${i}`),
      title: shape.itemTitle?.(i) ?? `item-${i}`,
      category: 'API_CREDENTIAL',
      fields: [],
    };
    vault.items.push(item);
    items.push({ vault, item });
  }
  const width = String(shape.secrets).length;
  const secrets: BenchSecret[] = [];
  for (let s = 0; s < shape.secrets; s++) {
    const holder = items[s % shape.items];
    if (holder === undefined) throw new Error('a data set needs at least one item');
    const { vault, item } = holder;
    const label = `field-${item.fields.length}`;
    const value = `${shape.prefix}-secret-${s}-${salt}-${randomBytes(8).toString('hex')}`;
    item.fields.push({
      id: benchId(`${shape.prefix}:field:${s}`),
      type: 'CONCEALED',
      label,
      value,
    });
    secrets.push({
      name: `S_${String(s).padStart(width, '0')}`,
      ref: `op://${vault.name}/${item.title}/${label}`,
      value,
    });
  }
  return { vaults, secrets };
}

/** The `secrets` input: a YAML mapping `NAME: "op://..."`. */
export function secretsInput(secrets: readonly BenchSecret[]): string {
  return secrets.map((secret) => `${secret.name}: ${JSON.stringify(secret.ref)}`).join('\n');
}
