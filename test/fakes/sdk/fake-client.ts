/**
 * A fake of the part of `@1password/sdk` (0.5.0) the SDK backend uses (`SdkClient`,
 * `SdkConnector` in src/backends/sdk-client.ts), serving the same `FakeVault[]` data set
 * as the fake Connect server (normally `VAULTS` from test/fixtures/vault-data.ts).
 *
 * The Connect-shaped fixture data is mapped to the shapes the real SDK returns (see the
 * package's dist/types.d.ts), not to the seam's minimal ones, so the backend is tested
 * against everything the SDK really hands it:
 * - `VaultOverview`: `id`, `title`, `description`, `vaultType`, `activeItemCount`,
 *   `contentVersion`, `attributeVersion`, `createdAt`/`updatedAt` as `Date`.
 * - `ItemOverview`: `id`, `title`, `category` (SDK enum names: `Login`, `ApiCredentials`,
 *   ...), `vaultId`, `websites`, `tags`, `createdAt`, `updatedAt`, `state: 'active'`.
 * - `Item`: `fields` with `title` (the label), `sectionId` (absent for fields outside any
 *   section), `fieldType` (`Text` for STRING, `Concealed`, `Totp` for OTP, `SshKey`, ...),
 *   `value`, and `details` for OTP (`{type:'Otp', content:{code}}`, the current code from
 *   `totp()`) and SSH keys (`{type:'SshKey', content:{publicKey, fingerprint, keyType}}`,
 *   computed from the private key); `sections` as `{id, title}` (`''` for an unlabelled
 *   one); `notes` (the SDK does not return the `notesPlain` field as a field: a fixture
 *   field with purpose NOTES becomes `item.notes` and is dropped from `fields`); `files`
 *   as `{attributes:{name,id,size}, sectionId, fieldId}` (`''` when none); `tags`,
 *   `websites` (`[]`), `version`, `category`, `createdAt`, `updatedAt`. A DOCUMENT item's
 *   first file becomes `document` (the SDK keeps a Document's file apart from `files`).
 *
 * Errors. The real SDK's failures are plain `Error`s whose message is text from its
 * WebAssembly core (only `DesktopSessionExpiredError`, `RateLimitExceededError`,
 * `AuthExpiredError` are classes). The connector's texts are verbatim what the real
 * `createClient` threw (observed offline, see signin-server.ts). The vault/item/file texts
 * could not be observed without an account: they are assembled from strings found in
 * `@1password/sdk-core` 0.5.0's `core_bg.wasm` (`resource not found`, `performing a vault
 * operation`, `unlocking vault when listing items`, `file not found`), following the
 * observed `<context>: <reason>` pattern (`authentication error: resource not found`). A
 * classifier must key on the stable fragments (`not found`, `vault`, `permissions`,
 * `authentication error`, `invalid user input`), never on the whole text. See `SDK_ERRORS`.
 * A vault the service account cannot see answers exactly like one that does not exist (the
 * 1Password server does not reveal which): the fake never says "access denied" for it.
 *
 * `secrets.resolveAll(references)` answers `{ individualResponses: { [reference]: { content:
 * { secret, itemId, vaultId } } | { error: { type, message? } } } }`, never throwing for one
 * bad reference. Syntax: the SDK's own (see `parseSdkReference` in ../reference-semantics.ts,
 * checked against the real `Secrets.validateSecretReference`); a refused reference is
 * `{ type: 'parsing', message }` with the SDK's verbatim reason (`SDK_REFERENCE_ERRORS`).
 * Matching: the same as the fake op (shared module): vault, then item in it, by ID, exact
 * name, name ignoring case; 4 segments = item + section + field; the field outside any
 * section wins; fields before attached files (by name or ID). Errors use the SDK's
 * `ResolveReferenceError` type names (`vaultNotFound`, `tooManyVaults`, `itemNotFound`,
 * `tooManyItems`, `noMatchingSections`, `fieldNotFound`, `tooManyMatchingFields` (fields or
 * files), `incompatibleTOTPQueryParameterField`, `unableToGenerateTotpCode` (with a message),
 * `incompatibleSshKeyQueryParameterField`, `unableToParsePrivateKey`,
 * `unableToFormatPrivateKeyToOpenSsh`, `unsupportedFileFormat`). Not observed (that needs an
 * account), so chosen: the `parsing` message is the reason without the `the secret reference
 * could not be parsed: ` prefix that `validateSecretReference` adds; an empty segment (which
 * the SDK's syntax allows) matches nothing; leading or trailing spaces are kept, not trimmed;
 * an attached file comes back as text when it is UTF-8 (a BOM kept), otherwise as
 * `unsupportedFileFormat` (the core's text for it: "currently only text files are
 * supported").
 *
 * Workload identity. The connector checks the integration key as `createClient` of 0.5.0 does
 * before any request (observed offline, see `integrationKeyError`: `ops_` + standard base64
 * without padding of `{ver: 1, typ, key: <hex AES key>, path: '//<host>/accounts/<account>'}`),
 * then asks `auth.idToken(audience)` for the job's OIDC token (recording the audience and the
 * token on the handle) and words a rejection, a throw or a non-string as the core does
 * ("OIDC token fetcher failed: OIDC token fetcher promise rejected": the reason is dropped).
 * Only then does it compare the workload ID and the key with the accepted ones.
 * Observed with a key the real SDK accepts (test/fixtures/integration-key.ts, driven to a
 * loopback stand-in in test/integration/sdk-workload.test.ts): the one `typ`
 * (`workload_identity_provider_key`), a 32-byte AES key, and the audience, which is the host
 * (and port) of the key's path, no scheme: the fake asks for that too (`DEFAULT_AUDIENCE` for
 * the fixture key). Not observed: the texts of a refused workload or key past the exchange,
 * assembled from strings of the core. `environments.getVariables`: an ID that is not 26 lowercase letters and
 * digits is "invalid environment UUID"; an Environment not readable answers like a missing one.
 */
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import type {
  SdkClient,
  SdkConnector,
  SdkFileAttributes,
  SdkGetAllResponse,
  SdkResolveAllResponse,
} from '../../../src/backends/sdk-client.ts';
import {
  environmentById,
  type FakeEnvironmentVariable,
  INTEGRATION_KEY,
  INTEGRATION_KEY_HOST,
  SERVICE_ACCOUNT_TOKEN,
  VAULTS,
  WORKLOAD_ID,
} from '../../fixtures/vault-data.ts';
import { INTEGRATION_KEY_TYPE } from '../../fixtures/integration-key.ts';
import type { FakeField, FakeFile, FakeItem, FakeVault } from '../connect-server.ts';
import {
  parseSdkReference,
  type ReferenceProblem,
  resolveReference,
  type SdkSyntaxError,
} from '../reference-semantics.ts';
import { totp } from '../totp.ts';

// ---------------------------------------------------------------------------------------
// The SDK's shapes (dist/types.d.ts of @1password/sdk 0.5.0), as plain TS

/** `VaultType` values. */
export type FakeSdkVaultType = 'personal' | 'everyone' | 'transfer' | 'userCreated' | 'unsupported';

export interface FakeSdkVaultOverview {
  id: string;
  title: string;
  description: string;
  vaultType: FakeSdkVaultType;
  activeItemCount: number;
  contentVersion: number;
  attributeVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface FakeSdkWebsite {
  url: string;
  label: string;
  autofillBehavior: 'AnywhereOnWebsite' | 'ExactDomain' | 'Never';
}

export interface FakeSdkItemOverview {
  id: string;
  title: string;
  /** `ItemCategory` value (`Login`, `ApiCredentials`, ..., `Unsupported`). */
  category: string;
  vaultId: string;
  websites: FakeSdkWebsite[];
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
  state: 'active' | 'archived';
}

export type FakeSdkFieldDetails =
  | { type: 'Otp'; content: { code?: string; errorMessage?: string } }
  | { type: 'SshKey'; content?: { publicKey: string; fingerprint: string; keyType: string } };

export interface FakeSdkItemField {
  id: string;
  title: string;
  /** Absent for a field outside any section (the SDK's built-in fields have none). */
  sectionId?: string;
  /** `ItemFieldType` value (`Text`, `Concealed`, `Totp`, `SshKey`, `Url`, ...). */
  fieldType: string;
  value: string;
  details?: FakeSdkFieldDetails;
}

export interface FakeSdkItemFile {
  attributes: { name: string; id: string; size: number };
  sectionId: string;
  fieldId: string;
}

export interface FakeSdkItem {
  id: string;
  title: string;
  category: string;
  vaultId: string;
  fields: FakeSdkItemField[];
  sections: { id: string; title: string }[];
  notes: string;
  tags: string[];
  websites: FakeSdkWebsite[];
  version: number;
  files: FakeSdkItemFile[];
  document?: { name: string; id: string; size: number };
  createdAt: Date;
  updatedAt: Date;
}

export interface FakeSdkGetAllResponse extends SdkGetAllResponse {
  individualResponses: {
    content?: FakeSdkItem;
    error?: { type: 'itemNotFound'; message?: undefined } | { type: 'internal'; message: string };
  }[];
}

/** `ResolvedReference`. */
export interface FakeSdkResolvedReference {
  secret: string;
  itemId: string;
  vaultId: string;
}

/** `ResolveReferenceError`: only `parsing` and `unableToGenerateTotpCode` carry a message. */
export type FakeSdkResolveReferenceError =
  | { type: 'parsing'; message: string }
  | { type: 'unableToGenerateTotpCode'; message: string }
  | {
      type:
        | 'fieldNotFound'
        | 'vaultNotFound'
        | 'tooManyVaults'
        | 'itemNotFound'
        | 'tooManyItems'
        | 'tooManyMatchingFields'
        | 'noMatchingSections'
        | 'incompatibleTOTPQueryParameterField'
        | 'sSHKeyMetadataNotFound'
        | 'unsupportedFileFormat'
        | 'incompatibleSshKeyQueryParameterField'
        | 'unableToParsePrivateKey'
        | 'unableToFormatPrivateKeyToOpenSsh'
        | 'other';
      message?: undefined;
    };

/** `ResolveAllResponse`: one answer per distinct reference, keyed by the reference. */
export interface FakeSdkResolveAllResponse extends SdkResolveAllResponse {
  individualResponses: Record<
    string,
    { content?: FakeSdkResolvedReference; error?: FakeSdkResolveReferenceError }
  >;
}

/** The fake client: an `SdkClient` whose methods return the SDK's full shapes. */
export interface FakeSdkClient extends SdkClient {
  readonly secrets: {
    resolveAll(references: string[]): Promise<FakeSdkResolveAllResponse>;
  };
  readonly vaults: {
    list(params?: { decryptDetails?: boolean }): Promise<FakeSdkVaultOverview[]>;
    getOverview(vaultId: string): Promise<FakeSdkVaultOverview>;
  };
  readonly items: {
    list(vaultId: string, ...filters: unknown[]): Promise<FakeSdkItemOverview[]>;
    getAll(vaultId: string, itemIds: string[]): Promise<FakeSdkGetAllResponse>;
    readonly files: {
      read(vaultId: string, itemId: string, attributes: SdkFileAttributes): Promise<Uint8Array>;
    };
  };
  readonly environments: {
    getVariables(environmentId: string): Promise<{ variables: FakeEnvironmentVariable[] }>;
  };
}

// ---------------------------------------------------------------------------------------
// Options and handle

/** Every method the fake answers, by the name used in `calls` and `fail()`. */
export type FakeSdkMethod =
  | 'connect'
  | 'secrets.resolveAll'
  | 'vaults.list'
  | 'vaults.getOverview'
  | 'items.list'
  | 'items.getAll'
  | 'items.files.read'
  | 'environments.getVariables';

/** A scripted outcome: throw (reject with) this error, or `'hang'`: never settle. */
export type FakeSdkFault = Error | 'hang';

export interface FakeSdkCall {
  method: FakeSdkMethod;
  /** The arguments as passed (arrays copied at call time). */
  args: unknown[];
}

export interface FakeSdkOptions {
  /** The data served. Default `VAULTS` (test/fixtures/vault-data.ts). */
  vaults?: FakeVault[];
  /** Which vaults the service account can see. Default: `accessible !== false`. */
  visible?: (vault: FakeVault) => boolean;
  /** Faults scripted from the start (same as calling `fail()` for each). */
  faults?: Partial<Record<FakeSdkMethod, FakeSdkFault[]>>;
  /** Clock for OTP codes (epoch ms). Default `Date.now`. */
  now?: () => number;
  /** Workload identity: the workload ID accepted. Default `WORKLOAD_ID`. */
  workloadId?: string;
  /** Workload identity: the integration key accepted (padding aside). Default `INTEGRATION_KEY`. */
  integrationKey?: string;
  /** Which Environments the signed-in workload or service account can read. Default: all. */
  environmentVisible?: (environmentId: string) => boolean;
}

export interface FakeSdk {
  client: FakeSdkClient;
  /** Checks the token like `createClient` does, then resolves to `client`. */
  connector: SdkConnector;
  /** Every call, in call order (failed and hung ones included; `connect` logs the token). */
  calls: FakeSdkCall[];
  /** The next calls of `method` throw these errors in order (or never settle on `'hang'`). */
  fail(method: FakeSdkMethod, errors: FakeSdkFault[]): void;
  /** How many calls of `method` were made. */
  count(method: FakeSdkMethod): number;
  /** Workload identity: each audience the connector asked the OIDC fetcher for, in order. */
  audiences: string[];
  /** Workload identity: each OIDC token the fetcher handed over, in order. */
  idTokens: unknown[];
  /** Clear `calls`, `audiences`, `idTokens` and every scripted fault. */
  reset(): void;
}

// ---------------------------------------------------------------------------------------
// Error texts

const BAD_KEY_PREFIX = 'invalid customer managed secret: ';

const BAD_TOKEN_PREFIX =
  'invalid service account token, please make sure you provide a valid service account token as parameter:  ';

/**
 * The error texts the fake throws. The token ones are verbatim what `createClient` of
 * @1password/sdk 0.5.0 threw on Node 24 (observed offline against `startSignInServer`);
 * the vault/item/file ones could not be observed without a real account and are
 * assembled from strings in the SDK core (see the header). Exported so tests can assert
 * on them without repeating them.
 */
export const SDK_ERRORS = {
  /** `createClient` with no or empty `auth`. Observed. */
  missingAuth:
    'createClient requires either `auth` (service account token) or `oidcFetcher` (workload identity).',
  /** A token that does not start with `ops_` (leading whitespace included). Observed. */
  tokenFormat:
    'invalid user input: encountered the following errors: service account token had invalid format',
  /** `ops_` followed by something that is not base64. Observed. */
  tokenBase64: `${BAD_TOKEN_PREFIX}service account token base64 decoding failed, please create another token`,
  /** Base64 of something that is not well-formed credentials JSON. Observed. */
  tokenJson: `${BAD_TOKEN_PREFIX}service account deserialization failed, please create another token`,
  /** A well-formed token the server refuses (`auth/start` answered 401). Observed. */
  tokenRejected: 'authentication error: you are not authenticated',
  /** `vaults.getOverview` on a vault that does not exist or is not visible. Assembled. */
  vaultNotFound: 'error performing a vault operation: resource not found',
  /** `items.list` / `items.getAll` / `items.files.read` on such a vault. Assembled. */
  vaultNotFoundForItems: 'error unlocking vault when listing items: resource not found',
  /** `items.files.read` on an item that does not exist in the vault. Assembled. */
  itemNotFound: 'error performing an item operation: resource not found',
  /** `items.files.read` with attributes naming no file of the item. Assembled. */
  fileNotFound: 'error performing a file operation: file not found',
  /** Workload identity: an empty integration key. Observed. */
  keyEmpty:
    'invalid user input: encountered the following errors: customer_managed_secret must not be empty',
  /** Workload identity: an empty workload ID. Assembled (the core's wording of `keyEmpty`). */
  workloadIdEmpty:
    'invalid user input: encountered the following errors: workload_uuid must not be empty',
  /** An integration key without `ops_` first (leading whitespace included). Observed. */
  keyPrefix: `${BAD_KEY_PREFIX}customer managed secret is missing the 'ops_' prefix`,
  /** Not standard base64 without padding (`=` padding and `-`/`_` included). Observed. */
  keyBase64: `${BAD_KEY_PREFIX}customer managed secret base64 decoding failed`,
  /** Not JSON, or not the key's JSON (a service-account token's JSON included). Observed. */
  keyJson: `${BAD_KEY_PREFIX}customer managed secret JSON deserialization failed`,
  /** `ver` other than 1 (the number follows). Observed. */
  keyVersion: `${BAD_KEY_PREFIX}unsupported customer managed secret version: `,
  /** `typ` not `workload_identity_provider_key`, the one key type known. Observed. */
  keyType: `${BAD_KEY_PREFIX}unsupported customer managed secret key type`,
  /** `key` not hex. Observed. */
  keyHex: `${BAD_KEY_PREFIX}customer managed secret key hex decoding failed`,
  /** `key` not 32 bytes (an AES-256 key; 16 bytes are refused too). Observed. */
  keyAes: `${BAD_KEY_PREFIX}customer managed secret AES key construction failed`,
  /** `path` not `//<host>/accounts/<account ID>` (the reason follows). Observed. */
  keyPath: `${BAD_KEY_PREFIX}customer managed secret resource path is malformed: `,
  /** How the SDK opens a failure of the OIDC fetcher (one of the three reasons below follows). */
  oidcFailed: 'OIDC token fetcher failed: ',
  /**
   * The OIDC fetcher's promise rejected. Observed: the whole text; the rejection's own reason
   * (an Error or a string) is dropped.
   */
  oidcRejected: 'OIDC token fetcher failed: OIDC token fetcher promise rejected',
  /** The OIDC fetcher threw synchronously. Observed: the whole text. */
  oidcThrew: 'OIDC token fetcher failed: OIDC token fetcher threw',
  /**
   * The OIDC fetcher resolved to something else than a string (after `oidcFailed`: observed
   * as `OIDC token fetcher failed: OIDC token fetcher did not return a string`).
   */
  oidcNotString: 'OIDC token fetcher did not return a string',
  /** A well-formed key of another workload: no keyset opens with it. Assembled. */
  keysetMismatch: 'workload keyset decryption failed: NoKeysetMatchesCmk',
  /** The workload ID is not one the key and token are for. Assembled. */
  workloadRejected: 'authn token client: authn token service returned status <401 Unauthorized>',
  /** `environments.getVariables` with an ID that is not a 1Password ID. Core string. */
  environmentInvalid: 'invalid environment UUID',
  /** `environments.getVariables` with a well-formed ID of no readable Environment. Core string. */
  environmentNotFound: 'Environment was not found',
} as const;

/**
 * The audience asked for with the fixture key: its path's host, no scheme, as the real SDK asks
 * (observed: `127.0.0.1:<port>` for a key whose path is `//127.0.0.1:<port>/accounts/...`).
 */
export const DEFAULT_AUDIENCE = INTEGRATION_KEY_HOST;

/**
 * Why the SDK refuses a reference: verbatim the reasons of @1password/sdk 0.5.0 (observed
 * with `Secrets.validateSecretReference`, which throws them prefixed with
 * `the secret reference could not be parsed: `; the stray `}` is the SDK's). They are the
 * `message` of a `parsing` error in `secrets.resolveAll`.
 */
const SDK_REFERENCE_ERRORS: Readonly<Record<SdkSyntaxError['kind'], string>> = {
  noScheme: 'secret reference is not prefixed with "op://"',
  badFormat:
    'secret reference has invalid format - must be "op://<vault>/<item>/[section/]field[?attribute=<attribute-value>]"',
  badQueryKey: 'secret reference has invalid query parameter key',
  badQueryValue: 'secret reference has invalid query parameter value}',
  badCharacter:
    'invalid character in secret reference: secret references must only contain alphanumeric, _, . or - characters',
};

/** The prefix `Secrets.validateSecretReference` puts before `SDK_REFERENCE_ERRORS`. */
export const SDK_PARSE_PREFIX = 'the secret reference could not be parsed: ';

// ---------------------------------------------------------------------------------------
// Mapping Connect-shaped fixture data to the SDK's shapes

const CREATED_AT = '2024-03-01T09:00:00Z';
const UPDATED_AT = '2024-06-15T14:30:00Z';

/** Connect item categories → the SDK's `ItemCategory`. */
const CATEGORIES: Record<string, string> = {
  LOGIN: 'Login',
  PASSWORD: 'Password',
  API_CREDENTIAL: 'ApiCredentials',
  SERVER: 'Server',
  DATABASE: 'Database',
  CREDIT_CARD: 'CreditCard',
  MEMBERSHIP: 'Membership',
  PASSPORT: 'Passport',
  SOFTWARE_LICENSE: 'SoftwareLicense',
  OUTDOOR_LICENSE: 'OutdoorLicense',
  SECURE_NOTE: 'SecureNote',
  WIRELESS_ROUTER: 'Router',
  BANK_ACCOUNT: 'BankAccount',
  DRIVER_LICENSE: 'DriverLicense',
  IDENTITY: 'Identity',
  REWARD_PROGRAM: 'Rewards',
  DOCUMENT: 'Document',
  EMAIL_ACCOUNT: 'Email',
  SOCIAL_SECURITY_NUMBER: 'SocialSecurityNumber',
  MEDICAL_RECORD: 'MedicalRecord',
  SSH_KEY: 'SshKey',
  CRYPTO_WALLET: 'CryptoWallet',
  PERSON: 'Person',
  // The SDK has no `Custom`: items of categories it does not model come back as this.
  CUSTOM: 'Unsupported',
};

/** Connect field types → the SDK's `ItemFieldType`. */
const FIELD_TYPES: Record<FakeField['type'], string> = {
  STRING: 'Text',
  EMAIL: 'Email',
  CONCEALED: 'Concealed',
  URL: 'Url',
  OTP: 'Totp',
  DATE: 'Date',
  MONTH_YEAR: 'MonthYear',
  MENU: 'Menu',
  SSHKEY: 'SshKey',
};

function sdkCategory(connectCategory: string | undefined): string {
  return CATEGORIES[connectCategory ?? 'LOGIN'] ?? 'Unsupported';
}

function sdkFieldType(connectType: FakeField['type']): string {
  return FIELD_TYPES[connectType];
}

function bytesOf(content: Uint8Array | string): Uint8Array {
  return typeof content === 'string' ? new TextEncoder().encode(content) : content;
}

function sshString(bytes: Uint8Array | string): Buffer {
  const body = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

/** An SSH `mpint` from unsigned big-endian bytes. */
function sshMpint(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  let body = bytes.subarray(start);
  if (body.length > 0 && ((body[0] ?? 0) & 0x80) !== 0)
    body = Buffer.concat([Buffer.from([0]), body]);
  return sshString(body);
}

/**
 * The SDK's SSH key attributes for a private key (PEM): OpenSSH public key, SHA256
 * fingerprint, and key type as the SDK words it (`Ed25519`, `RSA, 2048-bit`, `ECDSA ...`).
 * Undefined when the key cannot be read (the SDK then gives no `content`).
 */
function sshKeyAttributes(
  privateKeyPem: string,
): { publicKey: string; fingerprint: string; keyType: string } | undefined {
  let jwk: Record<string, unknown>;
  let keyType: string;
  let blob: Buffer;
  try {
    const key = createPublicKey(createPrivateKey(privateKeyPem));
    jwk = key.export({ format: 'jwk' });
    const b64 = (name: string): Buffer => Buffer.from(String(jwk[name]), 'base64url');
    switch (key.asymmetricKeyType) {
      case 'ed25519':
        keyType = 'Ed25519';
        blob = Buffer.concat([sshString('ssh-ed25519'), sshString(b64('x'))]);
        break;
      case 'rsa': {
        const n = b64('n');
        keyType = `RSA, ${key.asymmetricKeyDetails?.modulusLength ?? n.length * 8}-bit`;
        blob = Buffer.concat([sshString('ssh-rsa'), sshMpint(b64('e')), sshMpint(n)]);
        break;
      }
      case 'ec': {
        const curve = { 'P-256': 'nistp256', 'P-384': 'nistp384', 'P-521': 'nistp521' }[
          String(jwk['crv'])
        ];
        if (curve === undefined) return undefined;
        keyType = `ECDSA, ${curve}`;
        const point = Buffer.concat([Buffer.from([4]), b64('x'), b64('y')]);
        const name = `ecdsa-sha2-${curve}`;
        blob = Buffer.concat([sshString(name), sshString(curve), sshString(point)]);
        break;
      }
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
  const algorithm = blob.subarray(4, 4 + blob.readUInt32BE(0)).toString();
  const fingerprint = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
  return { publicKey: `${algorithm} ${blob.toString('base64')}`, fingerprint, keyType };
}

function vaultOverview(vault: FakeVault): FakeSdkVaultOverview {
  return {
    id: vault.id,
    title: vault.name,
    description: '',
    vaultType: 'userCreated',
    activeItemCount: vault.items.length,
    contentVersion: vault.items.length + 1,
    attributeVersion: 1,
    createdAt: new Date(CREATED_AT),
    updatedAt: new Date(UPDATED_AT),
  };
}

function itemOverview(vault: FakeVault, item: FakeItem): FakeSdkItemOverview {
  return {
    id: item.id,
    title: item.title,
    category: sdkCategory(item.category),
    vaultId: vault.id,
    websites: [],
    tags: [...(item.tags ?? [])],
    createdAt: new Date(CREATED_AT),
    updatedAt: new Date(UPDATED_AT),
    state: 'active',
  };
}

function isNotes(field: FakeField): boolean {
  return field.purpose === 'NOTES';
}

function sdkField(field: FakeField, now: number): FakeSdkItemField {
  const value = field.value ?? '';
  const result: FakeSdkItemField = {
    id: field.id,
    title: field.label ?? '',
    fieldType: sdkFieldType(field.type),
    value,
  };
  if (field.section !== undefined) result.sectionId = field.section.id;
  if (field.type === 'OTP') {
    try {
      result.details = { type: 'Otp', content: { code: totp(value, now) } };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result.details = { type: 'Otp', content: { errorMessage: message } };
    }
  } else if (field.type === 'SSHKEY') {
    const content = sshKeyAttributes(value);
    result.details = content === undefined ? { type: 'SshKey' } : { type: 'SshKey', content };
  }
  return result;
}

function fileAttributes(file: FakeFile): { name: string; id: string; size: number } {
  return { name: file.name, id: file.id, size: bytesOf(file.content).length };
}

function sdkItem(vault: FakeVault, item: FakeItem, now: number): FakeSdkItem {
  const notesField = item.fields.find(isNotes);
  let files = item.files ?? [];
  let document: FakeSdkItem['document'];
  if (item.category === 'DOCUMENT' && files[0] !== undefined) {
    document = fileAttributes(files[0]);
    files = files.slice(1);
  }
  const result: FakeSdkItem = {
    id: item.id,
    title: item.title,
    category: sdkCategory(item.category),
    vaultId: vault.id,
    fields: item.fields.filter((field) => !isNotes(field)).map((field) => sdkField(field, now)),
    sections: (item.sections ?? []).map((section) => ({
      id: section.id,
      title: section.label ?? '',
    })),
    notes: notesField?.value ?? '',
    tags: [...(item.tags ?? [])],
    websites: [],
    version: 1,
    files: files.map((file) => ({
      attributes: fileAttributes(file),
      sectionId: file.section?.id ?? '',
      fieldId: '',
    })),
    createdAt: new Date(CREATED_AT),
    updatedAt: new Date(UPDATED_AT),
  };
  if (document !== undefined) result.document = document;
  return result;
}

// ---------------------------------------------------------------------------------------
// secrets.resolveAll

/** The SDK's `ResolveReferenceError` for a reference that names nothing usable. */
function resolveError(problem: ReferenceProblem): FakeSdkResolveReferenceError {
  switch (problem.kind) {
    case 'vaultNotFound':
    case 'tooManyVaults':
    case 'itemNotFound':
    case 'tooManyItems':
    case 'noMatchingSections':
    case 'fieldNotFound':
      return { type: problem.kind };
    case 'tooManyFields':
    case 'tooManyFiles':
      return { type: 'tooManyMatchingFields' };
    case 'queryOnFile':
      return {
        type:
          problem.attribute !== undefined
            ? 'incompatibleTOTPQueryParameterField'
            : 'incompatibleSshKeyQueryParameterField',
      };
    case 'notOtp':
      return { type: 'incompatibleTOTPQueryParameterField' };
    case 'otpFailed':
      return { type: 'unableToGenerateTotpCode', message: problem.reason };
    case 'notSshKey':
      return { type: 'incompatibleSshKeyQueryParameterField' };
    case 'sshUnreadable':
      return { type: 'unableToParsePrivateKey' };
    case 'sshUnwritable':
      return { type: 'unableToFormatPrivateKeyToOpenSsh' };
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** One reference's answer, as `secrets.resolveAll` gives it. */
async function resolveOne(
  vaults: readonly FakeVault[],
  reference: string,
  now: number,
): Promise<FakeSdkResolveAllResponse['individualResponses'][string]> {
  const parsed = parseSdkReference(reference);
  if (!parsed.ok) {
    return { error: { type: 'parsing', message: SDK_REFERENCE_ERRORS[parsed.error.kind] } };
  }
  const outcome = await resolveReference(vaults, parsed.ref, { now, emptyMatchesNothing: true });
  if (!outcome.ok) return { error: resolveError(outcome.error) };
  const { resolved } = outcome;
  const ids = { itemId: resolved.item.id, vaultId: resolved.vault.id };
  if (resolved.kind === 'field') return { content: { secret: resolved.value, ...ids } };
  try {
    return { content: { secret: utf8.decode(resolved.bytes), ...ids } };
  } catch {
    return { error: { type: 'unsupportedFileFormat' } };
  }
}

// ---------------------------------------------------------------------------------------
// Token check (what `createClient` does before it signs in)

const TOKEN_KEYS = [
  'signInAddress',
  'email',
  'secretKey',
  'srpX',
  'muk',
  'userAuth',
  'deviceUuid',
  'throttleSecret',
] as const;

const isHex = (value: unknown): boolean => typeof value === 'string' && /^[0-9a-f]+$/i.test(value);

/**
 * Roughly the SDK's own check of the decoded credentials (observed: a non-hex `srpX` or
 * `throttleSecret.seed`, a `muk.k` that is not 32 bytes, or a Secret Key with characters
 * outside its alphabet all fail with "deserialization failed"). Approximate by design.
 */
function wellFormedCredentials(parsed: Record<string, unknown>): boolean {
  if (TOKEN_KEYS.some((key) => !(key in parsed))) return false;
  const { signInAddress, email, secretKey, srpX, muk, userAuth, deviceUuid, throttleSecret } =
    parsed as Record<(typeof TOKEN_KEYS)[number], unknown>;
  const record = (value: unknown): Record<string, unknown> =>
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  return (
    typeof signInAddress === 'string' &&
    typeof email === 'string' &&
    typeof deviceUuid === 'string' &&
    typeof secretKey === 'string' &&
    /^A3-[2-9A-HJ-NP-TV-Z]{6}-[2-9A-HJ-NP-TV-Z]{6}(-[2-9A-HJ-NP-TV-Z]{5}){4}$/.test(secretKey) &&
    isHex(srpX) &&
    typeof record(muk)['k'] === 'string' &&
    Buffer.from(String(record(muk)['k']), 'base64url').length === 32 &&
    typeof record(userAuth)['salt'] === 'string' &&
    isHex(record(throttleSecret)['seed']) &&
    typeof record(throttleSecret)['uuid'] === 'string'
  );
}

/** The error `createClient` would throw for this token, or undefined if it is `accepted`. */
function tokenError(token: string, accepted: string): Error | undefined {
  if (token === accepted) return undefined;
  if (token === '') return new Error(SDK_ERRORS.missingAuth);
  if (!token.startsWith('ops_')) return new Error(SDK_ERRORS.tokenFormat);
  const body = token.slice(4);
  if (body !== '' && !/^[A-Za-z0-9+/_-]+={0,2}$/.test(body)) {
    return new Error(SDK_ERRORS.tokenBase64);
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return new Error(SDK_ERRORS.tokenJson);
    }
    if (!wellFormedCredentials(parsed as Record<string, unknown>)) {
      return new Error(SDK_ERRORS.tokenJson);
    }
  } catch {
    return new Error(SDK_ERRORS.tokenJson);
  }
  // Well-formed: the SDK signs in, and the server refuses it.
  return new Error(SDK_ERRORS.tokenRejected);
}

// ---------------------------------------------------------------------------------------
// Integration-key check (what `createClient` does with `workloadDetails` before any request)

const KEY_FIELDS = ['ver', 'typ', 'key', 'path'] as const;

/** Why a resource path is malformed: the core's reasons, in its order. */
function pathProblem(path: string): string | undefined {
  if (!path.startsWith('//')) return "missing '//' prefix";
  const slash = path.indexOf('/', 2);
  if (slash < 0) return 'missing host separator';
  if (!path.slice(slash).startsWith('/accounts/')) return "missing '/accounts/' segment";
  if (path.slice(slash + '/accounts/'.length) === '') return 'missing account UUID';
  return undefined;
}

/**
 * The error `createClient` would throw for this integration key before it asks for a token, or
 * undefined if it is well-formed. The real SDK reads `ops_` + standard base64 without padding of
 * `{ver, typ, key, path}` (serde: extra fields ignored, a missing or mistyped one refused).
 */
function integrationKeyError(key: string): Error | undefined {
  if (key === '') return new Error(SDK_ERRORS.keyEmpty);
  if (!key.startsWith('ops_')) return new Error(SDK_ERRORS.keyPrefix);
  const body = key.slice(4);
  if (!/^[A-Za-z0-9+/]*$/.test(body) || body.length % 4 === 1) {
    return new Error(SDK_ERRORS.keyBase64);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
  } catch {
    return new Error(SDK_ERRORS.keyJson);
  }
  const record = parsed as Record<string, unknown>;
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    KEY_FIELDS.some((field) => !(field in record)) ||
    !Number.isInteger(record['ver']) ||
    (record['ver'] as number) < 0 ||
    typeof record['typ'] !== 'string' ||
    typeof record['key'] !== 'string' ||
    typeof record['path'] !== 'string'
  ) {
    return new Error(SDK_ERRORS.keyJson);
  }
  const {
    ver,
    typ,
    key: hex,
    path,
  } = record as { ver: number; typ: string; key: string; path: string };
  if (ver !== 1) return new Error(`${SDK_ERRORS.keyVersion}${ver}`);
  if (typ !== INTEGRATION_KEY_TYPE) return new Error(SDK_ERRORS.keyType);
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) return new Error(SDK_ERRORS.keyHex);
  if (hex.length !== 64) return new Error(SDK_ERRORS.keyAes);
  const problem = pathProblem(path);
  if (problem !== undefined) return new Error(`${SDK_ERRORS.keyPath}${problem}`);
  return undefined;
}

/**
 * The audience the real SDK asks for with a well-formed key: the host (and port) of its path,
 * `//<host>/accounts/<account ID>`.
 */
function audienceOf(key: string): string {
  const { path } = JSON.parse(Buffer.from(key.slice(4), 'base64').toString('utf8')) as {
    path: string;
  };
  return path.slice(2, path.indexOf('/', 2));
}

// ---------------------------------------------------------------------------------------
// The fake

export function createFakeSdkClient(options: FakeSdkOptions = {}): FakeSdk {
  const vaults = options.vaults ?? VAULTS;
  const visible = options.visible ?? ((vault: FakeVault) => vault.accessible !== false);
  const clock = options.now ?? Date.now;
  const acceptedWorkload = options.workloadId ?? WORKLOAD_ID;
  const acceptedKey = options.integrationKey ?? INTEGRATION_KEY;
  const environmentVisible = options.environmentVisible ?? (() => true);
  const audiences: string[] = [];
  const idTokens: unknown[] = [];
  const calls: FakeSdkCall[] = [];
  const faults = new Map<FakeSdkMethod, FakeSdkFault[]>();

  const fail = (method: FakeSdkMethod, errors: FakeSdkFault[]): void => {
    faults.set(method, [...(faults.get(method) ?? []), ...errors]);
  };
  for (const [method, errors] of Object.entries(options.faults ?? {})) {
    fail(method as FakeSdkMethod, errors);
  }

  /** Records the call, then plays the next scripted fault or runs `body`. */
  const call = async <T>(
    method: FakeSdkMethod,
    args: unknown[],
    body: () => T | Promise<T>,
  ): Promise<T> => {
    calls.push({ method, args: args.map((arg) => (Array.isArray(arg) ? [...arg] : arg)) });
    const fault = faults.get(method)?.shift();
    // Like the real SDK, every answer comes back asynchronously.
    await Promise.resolve();
    if (fault === 'hang') return new Promise<T>(() => {});
    if (fault !== undefined) throw fault;
    return body();
  };

  const visibleVault = (vaultId: string, message: string): FakeVault => {
    const vault = vaults.find((candidate) => candidate.id === vaultId);
    if (vault === undefined || !visible(vault)) throw new Error(message);
    return vault;
  };

  const client: FakeSdkClient = {
    secrets: {
      resolveAll: (references: string[]) => {
        // Read at call time, as the SDK serializes its arguments before it awaits anything.
        const asked = [...references];
        return call('secrets.resolveAll', [asked], async () => {
          const seen = vaults.filter(visible);
          const now = clock();
          const entries = await Promise.all(
            [...new Set(asked)].map(
              async (reference) => [reference, await resolveOne(seen, reference, now)] as const,
            ),
          );
          // fromEntries: each reference is an own property, whatever its text (`__proto__`...).
          return { individualResponses: Object.fromEntries(entries) };
        });
      },
    },
    vaults: {
      list: (...args: unknown[]) =>
        call('vaults.list', args, () => vaults.filter(visible).map(vaultOverview)),
      getOverview: (vaultId: string) =>
        call('vaults.getOverview', [vaultId], () =>
          vaultOverview(visibleVault(vaultId, SDK_ERRORS.vaultNotFound)),
        ),
    },
    items: {
      list: (vaultId: string, ...filters: unknown[]) =>
        call('items.list', [vaultId, ...filters], () => {
          const vault = visibleVault(vaultId, SDK_ERRORS.vaultNotFoundForItems);
          return vault.items.map((item) => itemOverview(vault, item));
        }),
      getAll: (vaultId: string, itemIds: string[]) =>
        call('items.getAll', [vaultId, itemIds], () => {
          const vault = visibleVault(vaultId, SDK_ERRORS.vaultNotFoundForItems);
          const now = clock();
          return {
            individualResponses: itemIds.map((itemId) => {
              const item = vault.items.find((candidate) => candidate.id === itemId);
              return item === undefined
                ? { error: { type: 'itemNotFound' as const } }
                : { content: sdkItem(vault, item, now) };
            }),
          };
        }),
      files: {
        read: (vaultId: string, itemId: string, attributes: SdkFileAttributes) =>
          call('items.files.read', [vaultId, itemId, { ...attributes }], () => {
            const vault = visibleVault(vaultId, SDK_ERRORS.vaultNotFoundForItems);
            const item = vault.items.find((candidate) => candidate.id === itemId);
            if (item === undefined) throw new Error(SDK_ERRORS.itemNotFound);
            const file = (item.files ?? []).find((candidate) => candidate.id === attributes.id);
            if (file === undefined) throw new Error(SDK_ERRORS.fileNotFound);
            return Uint8Array.from(bytesOf(file.content));
          }),
      },
    },
    environments: {
      getVariables: (environmentId: string) =>
        call('environments.getVariables', [environmentId], () => {
          if (!/^[a-z0-9]{26}$/.test(environmentId)) {
            throw new Error(SDK_ERRORS.environmentInvalid);
          }
          const environment = environmentById(environmentId);
          // One not shared with the caller answers like one that does not exist.
          if (environment === undefined || !environmentVisible(environmentId)) {
            throw new Error(SDK_ERRORS.environmentNotFound);
          }
          return { variables: environment.variables.map((variable) => ({ ...variable })) };
        }),
    },
  };

  const signInWorkload = async (
    auth: Extract<Parameters<SdkConnector>[0], { kind: 'workload-identity' }>,
  ): Promise<FakeSdkClient> => {
    // The checks `createClient` makes before any request.
    const keyError = integrationKeyError(auth.integrationKey);
    if (keyError !== undefined) throw keyError;
    if (auth.workloadId === '') throw new Error(SDK_ERRORS.workloadIdEmpty);
    const audience = audienceOf(auth.integrationKey);
    audiences.push(audience);
    let pending: Promise<unknown>;
    try {
      pending = Promise.resolve(auth.idToken(audience));
    } catch (thrown) {
      throw new Error(SDK_ERRORS.oidcThrew, { cause: thrown });
    }
    let token: unknown;
    try {
      token = await pending;
    } catch (thrown) {
      // The real SDK drops the reason (the cause is for tests).
      throw new Error(SDK_ERRORS.oidcRejected, { cause: thrown });
    }
    idTokens.push(token);
    if (typeof token !== 'string') {
      throw new Error(`${SDK_ERRORS.oidcFailed}${SDK_ERRORS.oidcNotString}`);
    }
    // The token exchange, then the workload's keyset.
    if (auth.workloadId !== acceptedWorkload) throw new Error(SDK_ERRORS.workloadRejected);
    if (auth.integrationKey !== acceptedKey.replace(/=+$/, '')) {
      throw new Error(SDK_ERRORS.keysetMismatch);
    }
    return client;
  };

  const connector: SdkConnector = (auth) =>
    call('connect', [auth.kind === 'service-account' ? auth.token : auth.integrationKey], () => {
      if (auth.kind === 'workload-identity') return signInWorkload(auth);
      const error = tokenError(auth.token, SERVICE_ACCOUNT_TOKEN);
      if (error !== undefined) throw error;
      return client;
    });

  return {
    client,
    connector,
    calls,
    fail,
    count: (method) => calls.filter((entry) => entry.method === method).length,
    audiences,
    idTokens,
    reset(): void {
      calls.length = 0;
      audiences.length = 0;
      idTokens.length = 0;
      faults.clear();
    },
  };
}
