/**
 * The least that does scenario 3's job with the action's libraries: the secrets input parsed
 * with `yaml`, each `op://vault/item/field` read from Connect through an undici `Pool`, masked
 * and set as an output with `@actions/core`. No checks, no retries, no other mode: what start-up
 * costs beyond this is the action's own code and safety.
 */
import * as core from '@actions/core';
import { Pool } from 'undici';
import { parse } from 'yaml';

interface Named {
  readonly id: string;
  readonly name?: string;
  readonly title?: string;
}

interface Item {
  readonly fields: readonly { readonly label: string; readonly value: string }[];
}

const pool = new Pool(process.env['OP_CONNECT_HOST'] ?? '');
const authorization = `Bearer ${process.env['OP_CONNECT_TOKEN'] ?? ''}`;

async function get<T>(path: string): Promise<T> {
  const { statusCode, body } = await pool.request({
    method: 'GET',
    path,
    headers: { authorization },
  });
  if (statusCode !== 200) throw new Error(`GET ${path}: ${String(statusCode)}`);
  return (await body.json()) as T;
}

function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} not found`);
  return value;
}

const secrets = parse(core.getInput('secrets')) as Record<string, string>;
for (const [name, ref] of Object.entries(secrets)) {
  const [vaultName, title, label] = ref.slice('op://'.length).split('/');
  const vaults = await get<Named[]>('/v1/vaults');
  const vault = found(
    vaults.find((each) => each.name === vaultName),
    'vault',
  );
  const overviews = await get<Named[]>(`/v1/vaults/${vault.id}/items`);
  const overview = found(
    overviews.find((each) => each.title === title),
    'item',
  );
  const item = await get<Item>(`/v1/vaults/${vault.id}/items/${overview.id}`);
  const value = found(
    item.fields.find((field) => field.label === label),
    'field',
  ).value;
  core.setSecret(value);
  core.setOutput(name, value);
}
await pool.close();
