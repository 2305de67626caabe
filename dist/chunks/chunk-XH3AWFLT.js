import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  stepDirectory
} from "./chunk-W2AUPYKH.js";
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

// src/backends/connect-host.ts
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

// src/refs.ts
var SCHEME = "op://";
function isWholeItem(ref) {
  return ref.readings.some((reading) => "wholeItem" in reading);
}
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
  if (option && isWholeItem({ readings })) {
    throw invalid("query options do not apply to a whole item (/*)");
  }
  const query = queryAt === -1 ? "" : body.slice(queryAt);
  return { text: `${SCHEME}${segments.join("/")}${query}`, vault, readings, option };
}
function looksLikeRef(value) {
  return value.startsWith(SCHEME);
}

// src/backends/modes.ts
function mode(row) {
  return row;
}
function malformedOps(value) {
  return !value.startsWith("ops_") || /\s/.test(value) || hasControlCharacter(value);
}
var MODES = {
  "service-account": mode({
    name: "a service account",
    settings: {
      serviceAccountToken: {
        input: "service-account-token",
        variable: "OP_SERVICE_ACCOUNT_TOKEN",
        credential: true,
        needed: true
      },
      serviceAccountResolver: { input: "service-account-resolver", choices: ["sdk", "cli"] }
    },
    auto: 3,
    environments: true,
    async open({ serviceAccountToken, serviceAccountResolver }, door) {
      const token = serviceAccountToken ?? "";
      if (malformedOps(token)) {
        throw providerUnavailable(
          "the service-account token is malformed (it starts with ops_): check service-account-token or OP_SERVICE_ACCOUNT_TOKEN"
        );
      }
      if (serviceAccountResolver === "cli") {
        const { CliSource } = await import("./op-cli-NAOTUZWM.js");
        const directory = () => stepDirectory(door);
        return { source: new CliSource({ token, env: door.env, directory }), warnings: [] };
      }
      const { realConnector, SdkSource } = await import("./sdk-D2D4WTDM.js");
      return {
        source: new SdkSource({
          auth: { kind: "service-account", token },
          connect: realConnector(DEFAULT_POLICY.attemptTimeoutMs)
        }),
        warnings: []
      };
    }
  }),
  connect: mode({
    name: "Connect",
    settings: {
      connectHost: { input: "connect-host", variable: "OP_CONNECT_HOST", needed: true },
      connectToken: {
        input: "connect-token",
        variable: "OP_CONNECT_TOKEN",
        credential: true,
        needed: true
      },
      connectCa: { input: "connect-ca" }
    },
    auto: 2,
    environments: false,
    async open({ connectHost, connectToken, connectCa }, door) {
      const { url, warnings } = connectUrl(connectHost ?? "");
      let ca;
      if (url.protocol === "https:" || connectCa !== void 0) {
        const trust = await import("./trust-J6T6ZH2O.js");
        const extra = connectCa === void 0 ? [] : trust.extraCertificates(connectCa, door);
        ca = url.protocol === "https:" ? trust.trustedCertificates(extra) : void 0;
      }
      const token = connectToken ?? "";
      if (/\s/.test(token) || hasControlCharacter(token)) {
        throw providerUnavailable(
          "the Connect token contains whitespace or control characters: check connect-token"
        );
      }
      const { ConnectSource } = await import("./connect-2BN2Z2TX.js");
      return { source: new ConnectSource({ host: url, token, ...ca ? { ca } : {} }), warnings };
    }
  }),
  "workload-identity": mode({
    name: "workload identity",
    settings: {
      workloadId: { input: "workload-id", variable: "OP_WORKLOAD_ID", needed: true },
      integrationKey: {
        input: "integration-key",
        variable: "OP_INTEGRATION_KEY",
        credential: true,
        needed: true
      }
    },
    auto: 1,
    exclusive: true,
    environments: "only",
    async open({ workloadId, integrationKey }, door) {
      if (!door.env["ACTIONS_ID_TOKEN_REQUEST_URL"] || !door.env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]) {
        throw providerUnavailable(
          "workload identity needs the job's GitHub OIDC token, and the runner offers none: add `permissions: id-token: write` to the job (or the workflow)"
        );
      }
      const key = integrationKey ?? "";
      if (malformedOps(key)) {
        throw providerUnavailable(
          "the integration key is malformed (it starts with ops_): check integration-key or OP_INTEGRATION_KEY"
        );
      }
      const { realConnector, SdkSource } = await import("./sdk-D2D4WTDM.js");
      return {
        source: new SdkSource({
          auth: {
            kind: "workload-identity",
            workloadId: workloadId ?? "",
            integrationKey: key,
            idToken: (audience) => door.idToken(audience)
          },
          connect: realConnector(DEFAULT_POLICY.attemptTimeoutMs)
        }),
        warnings: []
      };
    }
  }),
  cli: mode({
    name: "the op CLI",
    settings: { account: { input: "account" } },
    environments: true,
    async open({ account }, door) {
      const { CliSource } = await import("./op-cli-NAOTUZWM.js");
      const directory = () => stepDirectory(door);
      return { source: new CliSource({ account, env: door.env, directory }), warnings: [] };
    }
  })
};
var AUTH_MODES = ["auto", ...Object.keys(MODES)];
function modeRow(mode2) {
  return { ...MODES[mode2], mode: mode2 };
}
var ROWS = Object.keys(MODES).map(modeRow);
var SETTINGS = ROWS.flatMap(
  (row) => Object.entries(row.settings).map(([name, setting]) => ({
    ...setting,
    name,
    mode: row.mode
  }))
);

// src/backends/select.ts
function label(setting) {
  return setting.variable === void 0 ? setting.input : `${setting.input} (or ${setting.variable})`;
}
function needed(row) {
  return SETTINGS.filter((setting) => setting.mode === row.mode && setting.needed === true);
}
function complete(row, settings) {
  return needed(row).every((setting) => settings[setting.name] !== void 0);
}
var AUTO = ROWS.filter((row) => row.auto !== void 0).sort(
  (a, b) => (a.auto ?? 0) - (b.auto ?? 0)
);
var invalid2 = (message) => [new SecretsError(Code.configInvalid, message)];
function standAloneProblems(row, settings) {
  const own = needed(row);
  const set = own.filter((setting) => settings[setting.name] !== void 0);
  if (set.length === 0) return [];
  const others = SETTINGS.filter(
    (setting) => setting.mode !== row.mode && setting.needed === true && settings[setting.name] !== void 0
  );
  const named = set.map(label).join(", ");
  if (others.length > 0) {
    return invalid2(
      `${row.name} (${named}) cannot be combined with ${others.map(label).join(", ")}: keep one way to reach 1Password in this step`
    );
  }
  if (settings.authMode !== "auto" && settings.authMode !== row.mode) {
    return invalid2(
      `auth-mode ${settings.authMode} does not use ${named}: remove them, or set auth-mode ${row.mode}`
    );
  }
  if (set.length < own.length && settings.authMode === "auto") {
    const missing = own.filter((setting) => !set.includes(setting));
    return invalid2(
      `${row.name} needs ${own.map(label).join(" and ")}: set ${missing.map(label).join(" and ")}`
    );
  }
  return [];
}
function settingsProblems(settings) {
  return ROWS.filter((row) => row.exclusive === true).flatMap(
    (row) => standAloneProblems(row, settings)
  );
}
function chosenRow(settings) {
  return settings.authMode === "auto" ? AUTO.find((row) => complete(row, settings)) : modeRow(settings.authMode);
}
function readsEnvironmentsOnly(settings) {
  return chosenRow(settings)?.environments === "only";
}
function asksForEnvironment(settings) {
  return SETTINGS.some(
    (setting) => modeRow(setting.mode).environments === "only" && settings[setting.name] !== void 0
  );
}
function alternatives(test) {
  return ROWS.filter((row) => row.auto !== void 0 && test(row)).map((row) => row.name).join(" or ");
}
function modeProblems(mode2, needs) {
  const row = modeRow(mode2);
  const { refNames } = needs;
  if (row.environments === "only" && refNames.length > 0) {
    const names = refNames.slice(0, 5).join(", ") + (refNames.length > 5 ? ", ..." : "");
    return invalid2(
      `${row.name} reads 1Password Environments only, and ${names} ${refNames.length === 1 ? "is an op:// reference" : "are op:// references"}: load them in another step, with ${alternatives((other) => other.environments !== "only")}`
    );
  }
  if (row.environments === "only" && needs.environment === void 0) {
    return invalid2(
      `${row.name} reads 1Password Environments only: set environment (or OP_ENVIRONMENT_ID)`
    );
  }
  if (row.environments === false && needs.environment !== void 0) {
    return invalid2(
      `${row.name} serves no 1Password Environments: load the environment with ${alternatives((other) => other.environments !== false)}, or remove environment (or OP_ENVIRONMENT_ID)`
    );
  }
  return [];
}
function chooseMode(settings) {
  if (settings.authMode !== "auto") {
    const row = modeRow(settings.authMode);
    const missing = needed(row).filter((setting) => settings[setting.name] === void 0);
    if (missing.length > 0) {
      throw providerUnavailable(`auth-mode ${row.mode} needs ${missing.map(label).join(" and ")}`);
    }
    return { mode: row.mode, warnings: [] };
  }
  const [chosen, ...others] = AUTO.filter((row) => complete(row, settings));
  if (chosen === void 0) {
    const ways = ROWS.filter((row) => row.auto !== void 0).map((row) => {
      const own = needed(row);
      return `${own.map((setting) => setting.variable).join(" and ")} (or ${own.map((setting) => setting.input).join(" and ")})`;
    });
    throw providerUnavailable(`no credentials: set ${ways.join(", or ")}`);
  }
  const warnings = others.map(
    (other) => `both ${chosen.name} and ${other.mode} credentials are set: using ${chosen.name}`
  );
  return { mode: chosen.mode, warnings };
}
function credentials(settings) {
  return SETTINGS.flatMap((setting) => {
    const value = settings[setting.name];
    return setting.credential === true && value !== void 0 ? [{ name: label(setting), value }] : [];
  });
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
function openSource(mode2, settings, door = NO_STEP) {
  return modeRow(mode2).open(settings, door);
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
  isWholeItem,
  isId,
  parseRef,
  looksLikeRef,
  connectUrl,
  AUTH_MODES,
  SETTINGS,
  settingsProblems,
  readsEnvironmentsOnly,
  asksForEnvironment,
  modeProblems,
  chooseMode,
  credentials,
  openSource,
  annotate,
  summarize
};
