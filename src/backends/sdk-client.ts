/**
 * The part of `@1password/sdk`'s client that the SDK backend uses: the seam that tests
 * replace with a fake serving the same vault data. Shapes follow the SDK's own types.
 */

export interface SdkVaultOverview {
  readonly id: string;
  readonly title: string;
}

export interface SdkItemOverview {
  readonly id: string;
  readonly title: string;
}

export interface SdkFileAttributes {
  readonly name: string;
  readonly id: string;
  readonly size: number;
}

export interface SdkItemField {
  readonly id: string;
  readonly title: string;
  readonly sectionId?: string | undefined;
  /** `Text`, `Concealed`, `Totp`, `SshKey`, `Url`, `Email`, ... */
  readonly fieldType: string;
  readonly value: string;
  /** For `Otp`: `{ code?, errorMessage? }`; other types carry other content. */
  readonly details?: { readonly type: string; readonly content?: unknown } | undefined;
}

export interface SdkItem {
  readonly id: string;
  readonly title: string;
  readonly vaultId: string;
  readonly fields: readonly SdkItemField[];
  readonly sections: readonly { readonly id: string; readonly title: string }[];
  readonly notes: string;
  readonly files: readonly {
    readonly attributes: SdkFileAttributes;
    readonly sectionId: string;
    readonly fieldId: string;
  }[];
}

export interface SdkGetAllResponse {
  readonly individualResponses: readonly {
    readonly content?: SdkItem | undefined;
    readonly error?: { readonly type: string; readonly message?: string | undefined } | undefined;
  }[];
}

export interface SdkResolveAllResponse {
  readonly individualResponses: Readonly<
    Record<
      string,
      {
        readonly content?: { readonly secret: string } | undefined;
        readonly error?:
          { readonly type: string; readonly message?: string | undefined } | undefined;
      }
    >
  >;
}

export interface SdkEnvironmentVariable {
  readonly name: string;
  readonly value: string;
  /** Only the 1Password app's display flag. */
  readonly masked: boolean;
}

export interface SdkClient {
  readonly secrets: {
    resolveAll(references: string[]): Promise<SdkResolveAllResponse>;
  };
  readonly vaults: {
    list(): Promise<readonly SdkVaultOverview[]>;
    getOverview(vaultId: string): Promise<SdkVaultOverview>;
  };
  readonly items: {
    list(vaultId: string): Promise<readonly SdkItemOverview[]>;
    getAll(vaultId: string, itemIds: string[]): Promise<SdkGetAllResponse>;
    readonly files: {
      read(vaultId: string, itemId: string, attributes: SdkFileAttributes): Promise<Uint8Array>;
    };
  };
  readonly environments: {
    getVariables(
      environmentId: string,
    ): Promise<{ readonly variables: readonly SdkEnvironmentVariable[] }>;
  };
}

/** How the SDK signs in: a service-account token, or workload identity (no stored token). */
export type SdkAuth =
  | { readonly kind: 'service-account'; readonly token: string }
  | {
      readonly kind: 'workload-identity';
      readonly workloadId: string;
      readonly integrationKey: string;
      /** The job's OIDC token for the audience the SDK names (on GitHub: core.getIDToken). */
      readonly idToken: (audience: string) => Promise<string>;
    };

/** Signs in; the real one loads the SDK (and its WebAssembly) lazily. */
export type SdkConnector = (auth: SdkAuth) => Promise<SdkClient>;
