/** Inputs as readInputs returns them when the workflow gives nothing, with `overrides` on top. */
import type { Inputs } from '../../src/inputs.ts';

export function inputsWith(overrides: Partial<Inputs> = {}): Inputs {
  return {
    secrets: '',
    authMode: 'auto',
    serviceAccountToken: undefined,
    serviceAccountResolver: 'sdk',
    account: undefined,
    workloadId: undefined,
    integrationKey: undefined,
    environment: undefined,
    connectHost: undefined,
    connectToken: undefined,
    connectCa: undefined,
    vault: undefined,
    exportEnv: false,
    unsetPrevious: false,
    refreshAfterSeconds: 3600,
    templates: '',
    dryRun: false,
    version: undefined,
    ...overrides,
  };
}
