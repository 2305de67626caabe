/**
 * 5. SDK batching, in-process through the SDK seam: `SdkSource` over the fake client, the
 * shared `Resolver`, N references of which a few have item paths (not readable by the
 * SDK's `resolveAll`). Baseline: one SDK call per secret, in sequence.
 */
import { SdkSource } from '../../src/backends/sdk.ts';
import { SecretsError } from '../../src/errors.ts';
import { parseRef } from '../../src/refs.ts';
import { Resolver } from '../../src/resolve.ts';
import { createFakeSdkClient, type FakeSdkMethod } from '../../test/fakes/sdk/fake-client.ts';
import { SERVICE_ACCOUNT_TOKEN } from '../../test/fixtures/vault-data.ts';
import { syntheticData } from '../data.ts';
import { compared, ms, now, type Row, type ScenarioResult } from '../lib.ts';

export interface SdkShape {
  readonly secrets: number;
  readonly items: number;
  readonly vaults: number;
}

const METHODS: readonly FakeSdkMethod[] = [
  'connect',
  'secrets.resolveAll',
  'vaults.list',
  'vaults.getOverview',
  'items.list',
  'items.getAll',
  'items.files.read',
];

export async function sdkScenario(shape: SdkShape): Promise<ScenarioResult> {
  // Item 0 (vault 0) has a two-segment path, item 1 (vault 1) a three-segment one: their
  // references have four and five segments; every other reference is `op://V/I/F`.
  const data = syntheticData({
    prefix: 'sdk',
    ...shape,
    itemTitle: (index) =>
      index === 0 ? 'services/api' : index === 1 ? 'team/infra/db' : `item-${index}`,
  });
  const pathRefs = data.secrets.filter((secret) => secret.ref.split('/').length > 5).length;
  const pathVaults = Math.min(2, shape.vaults, shape.items);

  const fake = createFakeSdkClient({ vaults: data.vaults });
  const source = new SdkSource({
    auth: { kind: 'service-account', token: SERVICE_ACCOUNT_TOKEN },
    connect: fake.connector,
  });
  const started = now();
  let outcomes;
  try {
    outcomes = await new Resolver(source).resolveAll(
      data.secrets.map((secret) => parseRef(secret.ref)),
    );
  } finally {
    await source.close();
  }
  const elapsed = now() - started;
  for (const secret of data.secrets) {
    const outcome = outcomes.get(secret.ref);
    if (outcome === undefined || outcome instanceof SecretsError || outcome.kind !== 'value') {
      throw new Error(
        `sdk: ${secret.name} did not resolve${outcome instanceof SecretsError ? `: ${outcome.code} ${outcome.message}` : ''}`,
      );
    }
    if (outcome.value !== secret.value) throw new Error(`sdk: wrong value for ${secret.name}`);
  }
  const counts = new Map(METHODS.map((method) => [method, fake.count(method)]));
  const calls = METHODS.filter((method) => method !== 'connect').reduce(
    (sum, method) => sum + (counts.get(method) ?? 0),
    0,
  );

  // Baseline: one call per secret.
  const naive = createFakeSdkClient({ vaults: data.vaults });
  const client = await naive.connector({ kind: 'service-account', token: SERVICE_ACCOUNT_TOKEN });
  const baseStarted = now();
  for (const secret of data.secrets) {
    const response = await client.secrets.resolveAll([secret.ref]);
    const value = response.individualResponses[secret.ref]?.content?.secret;
    // Item paths are beyond resolveAll: the baseline just counts the call for them.
    if (value !== undefined && value !== secret.value) {
      throw new Error(`sdk baseline: wrong value for ${secret.name}`);
    }
  }
  const baseElapsed = now() - baseStarted;
  const baseCalls = naive.count('secrets.resolveAll');

  const resolveAll = counts.get('secrets.resolveAll') ?? 0;
  const lists = counts.get('items.list') ?? 0;
  const getAll = counts.get('items.getAll') ?? 0;
  const label = `5. SDK batching, ${shape.secrets} secrets (${pathRefs} with item paths, in ${pathVaults} vaults)`;
  const rows: Row[] = [
    {
      scenario: `${label}: SDK calls per run`,
      ours: `${calls}: ${resolveAll} resolveAll, ${counts.get('vaults.list') ?? 0} vaults.list, ${lists} items.list, ${getAll} items.getAll`,
      baseline: `${baseCalls} (one per secret)`,
      ratio: compared(baseCalls, calls, 'fewer', 'more'),
      target: `1 resolveAll; items.list and items.getAll ≤ ${pathVaults} (vaults with item paths)`,
      met: resolveAll === 1 && lists <= pathVaults && getAll <= pathVaults,
    },
  ];
  const details = [
    `- Calls: ${METHODS.map((method) => `${method} ${counts.get(method) ?? 0}`).join(', ')}; ${ms(elapsed)} in-process (the fake answers at once, so only the counts matter).`,
    `- Baseline: ${baseCalls} × \`secrets.resolveAll([ref])\` in sequence on the same fake, ${ms(baseElapsed)}.`,
  ];
  return { rows, details };
}
