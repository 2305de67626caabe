import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  SETTINGS,
  annotate,
  connectUrl,
  settingsProblems
} from "./chunks/chunk-XH3AWFLT.js";
import {
  actionsRunner,
  guarded
} from "./chunks/chunk-W2AUPYKH.js";
import "./chunks/chunk-WDUA56UJ.js";
import "./chunks/chunk-GQWCDBQF.js";
import "./chunks/chunk-ENXYGZEB.js";
import "./chunks/chunk-3EUUFFTJ.js";
import {
  MAX_CREDENTIAL_BYTES,
  oversizedCredential,
  registerCredential
} from "./chunks/chunk-HF5DZGPA.js";
import {
  Code,
  SecretsError,
  describe
} from "./chunks/chunk-Z7N6BKTX.js";
import "./chunks/chunk-YIPELEOB.js";

// src/configure.ts
var SETTINGS2 = [
  { input: "connect-host", variable: "OP_CONNECT_HOST", credential: false },
  { input: "connect-token", variable: "OP_CONNECT_TOKEN", credential: true },
  { input: "service-account-token", variable: "OP_SERVICE_ACCOUNT_TOKEN", credential: true },
  { input: "workload-id", variable: "OP_WORKLOAD_ID", credential: false },
  { input: "integration-key", variable: "OP_INTEGRATION_KEY", credential: true },
  { input: "environment", variable: "OP_ENVIRONMENT_ID", credential: false }
];
function readSettings(input, env) {
  return SETTINGS2.flatMap((setting) => {
    const value = input(setting.input) || env[setting.variable]?.trim() || "";
    return value === "" ? [] : [{ ...setting, value }];
  });
}
function plan(settings) {
  const errors = [];
  const warnings = [];
  const invalid = (message) => errors.push(new SecretsError(Code.configInvalid, message));
  const kept = settings.filter((setting) => {
    if (!oversizedCredential(setting.value)) return true;
    const what = setting.credential ? "credential" : "setting";
    invalid(
      `${setting.input} (or ${setting.variable}) is over ${MAX_CREDENTIAL_BYTES / 1024} KiB, longer than any ${what}: check that it holds the ${what} alone`
    );
    return false;
  });
  const host = kept.find((one) => one.variable === "OP_CONNECT_HOST")?.value;
  if (host !== void 0) {
    try {
      warnings.push(...connectUrl(host).warnings);
    } catch (thrown) {
      invalid(`${describe(thrown)}: check connect-host or OP_CONNECT_HOST`);
    }
  }
  errors.push(...settingsProblems({ authMode: "auto", ...byName(settings) }));
  return {
    credentials: kept.filter((setting) => setting.credential).map((setting) => setting.value),
    settings: kept,
    errors,
    warnings
  };
}
function byName(settings) {
  const given = SETTINGS.flatMap(({ name, variable }) => {
    const value = settings.find((one) => one.variable === variable)?.value;
    return variable === void 0 || value === void 0 ? [] : [[name, value]];
  });
  return Object.fromEntries(given);
}
var NOTHING_SET = "nothing to configure: none of connect-host, connect-token, service-account-token, workload-id, integration-key, environment (nor their OP_* variables) is set; a repository secret that is not available to this run (a pull request from a fork, a misspelt name) is empty";
function configure(runner) {
  const { credentials, settings, errors, warnings } = plan(
    readSettings((name) => runner.input(name), runner.env)
  );
  for (const credential of credentials) {
    runner.setSecret(credential);
    registerCredential(credential);
  }
  const unwritable = settings.length > 0 ? runner.unwritable(["GITHUB_ENV"]) : [];
  const failures = [
    ...errors,
    ...unwritable.length > 0 ? [new SecretsError(Code.configInvalid, `nothing was configured: ${unwritable.join("; ")}`)] : []
  ];
  for (const warning of warnings) runner.warning(warning);
  if (failures.length > 0) {
    annotate(runner, failures);
    runner.fail();
    return;
  }
  if (settings.length === 0) {
    runner.warning(NOTHING_SET);
    return;
  }
  for (const { variable, value } of settings) runner.exportVariable(variable, value);
  runner.info(
    `configured for the job's later steps: ${settings.map((setting) => setting.variable).join(", ")}`
  );
}
function run(runner = actionsRunner()) {
  configure(runner);
  return Promise.resolve();
}

// src/configure-index.ts
await guarded("main", run);
