import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  stepDirectory
} from "./chunk-2K5DEZ7L.js";
import {
  DEFAULT_POLICY
} from "./chunk-3EUUFFTJ.js";
import {
  redact
} from "./chunk-HF5DZGPA.js";
import {
  Code,
  Hint,
  SecretsError,
  providerUnavailable
} from "./chunk-Z7N6BKTX.js";

// src/refs.ts
var SCHEME = "op://";
var ID_PATTERN = /^[a-z0-9]{26}$/;
function isId(segment) {
  return ID_PATTERN.test(segment);
}
var CONTROL = /[\u0000-\u001f\u007f]/;
function hasControlCharacter(text) {
  return CONTROL.test(text);
}
function invalid(message) {
  return new SecretsError(Code.refInvalid, message);
}
function parseOption(query, shown) {
  const option = query === "attribute=otp" || query === "attribute=totp" ? "otp" : void 0;
  if (option) return { kind: option };
  if (query === "ssh-format=openssh") return { kind: "openssh" };
  if (query.includes("&")) {
    throw invalid("only one query option is allowed per reference");
  }
  const quoted = shown && query.length <= 100 ? ` "?${query}"` : "";
  throw invalid(
    `unsupported query option${quoted}: use ?attribute=otp (or totp) or ?ssh-format=openssh`
  );
}
function checkSegments(segments) {
  segments.forEach((segment, index) => {
    const position = `segment ${index + 1}`;
    if (segment.length === 0) throw invalid(`${position} is empty (${Hint.refForm})`);
    if (segment.trim() !== segment) {
      throw invalid(`${position} has leading or trailing whitespace`);
    }
    if (CONTROL.test(segment)) throw invalid(`${position} contains a control character`);
  });
}
function readingsOf(path) {
  const last = path.at(-1);
  const before = path.slice(0, -1);
  if (last === "*") return [{ item: before.join("/"), wholeItem: true }];
  const readings = [{ item: before.join("/"), field: last }];
  if (before.length === 2) {
    readings.push({ item: before[0], section: before[1], field: last });
  }
  return readings;
}
function parseRef(raw, defaultVault) {
  if (raw.trim() !== raw) throw invalid("the reference has leading or trailing whitespace");
  if (raw.length === 0) throw invalid(`the reference is empty (${Hint.refForm})`);
  if (raw.includes("#")) throw invalid("fragments (#...) are not allowed in a reference");
  let body;
  let vaultFromInput;
  if (raw.startsWith(SCHEME)) {
    body = raw.slice(SCHEME.length);
  } else if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(raw)) {
    throw invalid(`only op:// references are supported (${Hint.refForm})`);
  } else if (defaultVault === void 0 || defaultVault === "") {
    throw invalid(`a reference without op:// needs the vault input (${Hint.refForm})`);
  } else {
    body = raw;
    vaultFromInput = defaultVault;
  }
  const queryAt = body.indexOf("?");
  const path = queryAt === -1 ? body : body.slice(0, queryAt);
  const option = queryAt === -1 ? void 0 : parseOption(body.slice(queryAt + 1), vaultFromInput === void 0);
  const segments = [...vaultFromInput === void 0 ? [] : [vaultFromInput], ...path.split("/")];
  checkSegments(segments);
  if (segments.length < 3) {
    throw invalid(`a reference needs a vault, an item and a field (${Hint.refForm})`);
  }
  const [vault, ...rest] = segments;
  const readings = readingsOf(rest);
  if (option && readings.some((reading) => "wholeItem" in reading)) {
    throw invalid("query options do not apply to a whole item (/*)");
  }
  const query = queryAt === -1 ? "" : body.slice(queryAt);
  return { text: `${SCHEME}${segments.join("/")}${query}`, vault, readings, option };
}
function looksLikeRef(value) {
  return value.startsWith(SCHEME);
}

// src/backends/select.ts
var WORKLOAD_ID = "workload-id (or OP_WORKLOAD_ID)";
var INTEGRATION_KEY = "integration-key (or OP_INTEGRATION_KEY)";
function settingsProblems(inputs) {
  const workload = [
    inputs.workloadId === void 0 ? void 0 : WORKLOAD_ID,
    inputs.integrationKey === void 0 ? void 0 : INTEGRATION_KEY
  ].filter((name) => name !== void 0);
  if (workload.length === 0) return [];
  const others = [
    inputs.serviceAccountToken === void 0 ? void 0 : "service-account-token (or OP_SERVICE_ACCOUNT_TOKEN)",
    inputs.connectHost === void 0 ? void 0 : "connect-host (or OP_CONNECT_HOST)",
    inputs.connectToken === void 0 ? void 0 : "connect-token (or OP_CONNECT_TOKEN)"
  ].filter((name) => name !== void 0);
  const invalid2 = (message) => [new SecretsError(Code.configInvalid, message)];
  if (others.length > 0) {
    return invalid2(
      `workload identity (${workload.join(", ")}) cannot be combined with ${others.join(", ")}: keep one way to reach 1Password in this step`
    );
  }
  if (inputs.authMode !== "auto" && inputs.authMode !== "workload-identity") {
    return invalid2(
      `auth-mode ${inputs.authMode} does not use ${workload.join(", ")}: remove them, or set auth-mode workload-identity`
    );
  }
  if (workload.length === 1 && inputs.authMode === "auto") {
    const missing = inputs.workloadId === void 0 ? WORKLOAD_ID : INTEGRATION_KEY;
    return invalid2(`workload identity needs ${WORKLOAD_ID} and ${INTEGRATION_KEY}: set ${missing}`);
  }
  return [];
}
function readsEnvironmentsOnly(inputs) {
  return inputs.authMode === "workload-identity" || inputs.authMode === "auto" && inputs.workloadId !== void 0 && inputs.integrationKey !== void 0;
}
function modeProblems(mode, needs) {
  const invalid2 = (message) => [new SecretsError(Code.configInvalid, message)];
  if (mode === "workload-identity" && needs.refNames.length > 0) {
    const names = needs.refNames.slice(0, 5).join(", ") + (needs.refNames.length > 5 ? ", ..." : "");
    return invalid2(
      `workload identity reads 1Password Environments only, and ${names} ${needs.refNames.length === 1 ? "is an op:// reference" : "are op:// references"}: load them in another step, with a service account or Connect`
    );
  }
  if (mode === "workload-identity" && needs.environment === void 0) {
    return invalid2(
      "workload identity reads 1Password Environments only: set environment (or OP_ENVIRONMENT_ID)"
    );
  }
  if (mode === "connect" && needs.environment !== void 0) {
    return invalid2(
      "Connect serves no 1Password Environments: load the environment with a service account or workload identity, or remove environment (or OP_ENVIRONMENT_ID)"
    );
  }
  return [];
}
function chooseMode(inputs) {
  const connect = inputs.connectHost !== void 0 && inputs.connectToken !== void 0;
  const serviceAccount = inputs.serviceAccountToken !== void 0;
  switch (inputs.authMode) {
    case "auto":
      if (readsEnvironmentsOnly(inputs)) return { mode: "workload-identity", warnings: [] };
      if (connect) {
        const warnings = serviceAccount ? ["both Connect and service-account credentials are set: using Connect"] : [];
        return { mode: "connect", warnings };
      }
      if (serviceAccount) return { mode: "service-account", warnings: [] };
      throw providerUnavailable(
        "no credentials: set OP_CONNECT_HOST and OP_CONNECT_TOKEN (or connect-host and connect-token), or OP_SERVICE_ACCOUNT_TOKEN (or service-account-token), or OP_WORKLOAD_ID and OP_INTEGRATION_KEY (or workload-id and integration-key)"
      );
    case "connect": {
      const missing = [
        inputs.connectHost === void 0 ? "connect-host (or OP_CONNECT_HOST)" : void 0,
        inputs.connectToken === void 0 ? "connect-token (or OP_CONNECT_TOKEN)" : void 0
      ].filter((entry) => entry !== void 0);
      if (missing.length > 0)
        throw providerUnavailable(`auth-mode connect needs ${missing.join(" and ")}`);
      return { mode: "connect", warnings: [] };
    }
    case "service-account":
      if (!serviceAccount) {
        throw providerUnavailable(
          "auth-mode service-account needs service-account-token (or OP_SERVICE_ACCOUNT_TOKEN)"
        );
      }
      return { mode: "service-account", warnings: [] };
    case "workload-identity": {
      const missing = [
        inputs.workloadId === void 0 ? WORKLOAD_ID : void 0,
        inputs.integrationKey === void 0 ? INTEGRATION_KEY : void 0
      ].filter((entry) => entry !== void 0);
      if (missing.length > 0) {
        throw providerUnavailable(`auth-mode workload-identity needs ${missing.join(" and ")}`);
      }
      return { mode: "workload-identity", warnings: [] };
    }
    case "cli":
      return { mode: "cli", warnings: [] };
  }
}
var LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;
function connectUrl(host) {
  let url;
  try {
    url = new URL(host);
  } catch {
    throw new SecretsError(
      Code.configInvalid,
      "connect-host is not a URL (expected https://host[:port])"
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new SecretsError(
      Code.configInvalid,
      `connect-host must be http:// or https://, not ${url.protocol}//`
    );
  }
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
    throw new SecretsError(
      Code.configInvalid,
      "connect-host must not carry credentials, a query or a fragment (the token goes in connect-token)"
    );
  }
  const warnings = url.protocol === "http:" && !LOOPBACK.test(url.hostname) ? [
    `connect-host ${url.origin} is plain http: the Connect token crosses the network unencrypted`
  ] : [];
  return { url, warnings };
}
var NO_ID_TOKEN = () => Promise.reject(new Error("no OIDC token outside workload identity"));
var NO_STEP = {
  env: process.env,
  cwd: process.cwd(),
  idToken: NO_ID_TOKEN,
  unwritable: () => ["GITHUB_STATE: there is no step to save state in"],
  saveState: () => {
    throw new Error("there is no step to save state in");
  },
  warning: () => void 0
};
function malformedOps(value) {
  return !value.startsWith("ops_") || /\s/.test(value) || hasControlCharacter(value);
}
async function openSource(mode, inputs, door = NO_STEP) {
  const { env } = door;
  switch (mode) {
    case "connect": {
      const { url, warnings } = connectUrl(inputs.connectHost ?? "");
      let ca;
      if (url.protocol === "https:" || inputs.connectCa !== void 0) {
        const trust = await import("./trust-J6T6ZH2O.js");
        const extra = inputs.connectCa === void 0 ? [] : trust.extraCertificates(inputs.connectCa, door);
        ca = url.protocol === "https:" ? trust.trustedCertificates(extra) : void 0;
      }
      const token = inputs.connectToken ?? "";
      if (/\s/.test(token) || hasControlCharacter(token)) {
        throw providerUnavailable(
          "the Connect token contains whitespace or control characters: check connect-token"
        );
      }
      const { ConnectSource } = await import("./connect-HVK4DJGB.js");
      return { source: new ConnectSource({ host: url, token, ...ca ? { ca } : {} }), warnings };
    }
    case "service-account": {
      const token = inputs.serviceAccountToken ?? "";
      if (malformedOps(token)) {
        throw providerUnavailable(
          "the service-account token is malformed (it starts with ops_): check service-account-token or OP_SERVICE_ACCOUNT_TOKEN"
        );
      }
      if (inputs.serviceAccountResolver === "cli") {
        const { CliSource } = await import("./op-cli-NAOTUZWM.js");
        const directory = () => stepDirectory(door);
        return { source: new CliSource({ token, env, directory }), warnings: [] };
      }
      const { realConnector, SdkSource } = await import("./sdk-2Z72WCDR.js");
      return {
        source: new SdkSource({
          auth: { kind: "service-account", token },
          connect: realConnector(DEFAULT_POLICY.attemptTimeoutMs)
        }),
        warnings: []
      };
    }
    case "workload-identity": {
      if (!env["ACTIONS_ID_TOKEN_REQUEST_URL"] || !env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]) {
        throw providerUnavailable(
          "workload identity needs the job's GitHub OIDC token, and the runner offers none: add `permissions: id-token: write` to the job (or the workflow)"
        );
      }
      const integrationKey = inputs.integrationKey ?? "";
      if (malformedOps(integrationKey)) {
        throw providerUnavailable(
          "the integration key is malformed (it starts with ops_): check integration-key or OP_INTEGRATION_KEY"
        );
      }
      const { realConnector, SdkSource } = await import("./sdk-2Z72WCDR.js");
      return {
        source: new SdkSource({
          auth: {
            kind: "workload-identity",
            workloadId: inputs.workloadId ?? "",
            integrationKey,
            idToken: (audience) => door.idToken(audience)
          },
          connect: realConnector(DEFAULT_POLICY.attemptTimeoutMs)
        }),
        warnings: []
      };
    }
    case "cli": {
      const { CliSource } = await import("./op-cli-NAOTUZWM.js");
      const directory = () => stepDirectory(door);
      return { source: new CliSource({ account: inputs.account, env, directory }), warnings: [] };
    }
  }
}

// src/report.ts
function annotate(runner, errors) {
  for (const error of errors) {
    const subject = error.secret === void 0 ? "" : `${error.secret}${error.ref === void 0 ? "" : ` (${error.ref})`}: `;
    runner.error(redact(`${subject}${error.message}`), error.code);
  }
}
var SUMMARY_ROWS = 300;
function counted(rows) {
  const counts = /* @__PURE__ */ new Map();
  for (const row of rows) counts.set(row.result, (counts.get(row.result) ?? 0) + 1);
  return [...counts].map(([result, count]) => `${count.toLocaleString("en")} ${result}`).join(", ");
}
function summarize(runner, heading, rows) {
  let listed = rows;
  if (rows.length > SUMMARY_ROWS) {
    listed = rows.filter((row) => row.result.startsWith("SECRETS_")).slice(0, SUMMARY_ROWS);
  }
  const shown = new Set(listed);
  const rest = rows.filter((row) => !shown.has(row));
  return runner.summary(heading, [
    ["Name", "Reference", "Exported as", "Result"],
    ...listed.map((row) => [row.name, row.ref, row.exported, row.result].map(redact)),
    ...rest.length > 0 ? [[`${rest.length.toLocaleString("en")} more`, "", "", counted(rest)]] : []
  ]);
}

export {
  SCHEME,
  isId,
  parseRef,
  looksLikeRef,
  settingsProblems,
  readsEnvironmentsOnly,
  modeProblems,
  chooseMode,
  connectUrl,
  openSource,
  annotate,
  summarize
};
