// Generated from action.yml and configure/action.yml by scripts/action-defaults.ts (npm run generate): do not edit.

/** Each input action.yml declares, with its default ('' when it gives none). */
export const MAIN_INPUT_DEFAULTS = {
  secrets: '',
  'auth-mode': 'auto',
  'service-account-token': '',
  'service-account-resolver': 'sdk',
  account: '',
  'workload-id': '',
  'integration-key': '',
  environment: '',
  'connect-host': '',
  'connect-token': '',
  'connect-ca': '',
  vault: '',
  'export-env': 'false',
  'unset-previous': 'false',
  'refresh-after-seconds': '3600',
  templates: '',
  'dry-run': 'false',
  version: '',
} as const;

/** Each input configure/action.yml declares, with its default ('' when it gives none). */
export const CONFIGURE_INPUT_DEFAULTS = {
  'connect-host': '',
  'connect-token': '',
  'service-account-token': '',
  'workload-id': '',
  'integration-key': '',
  environment: '',
} as const;
