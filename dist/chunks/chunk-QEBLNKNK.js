import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  require_node_fs,
  require_node_path
} from "./chunk-SJM62E2P.js";
import {
  Hint
} from "./chunk-PFO4Y6WD.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-YIPELEOB.js";

// builtin:node:os
var require_node_os = __commonJS({
  "builtin:node:os"(exports, module) {
    module.exports = __require("node:os");
  }
});

// node_modules/@actions/core/lib/command.js
var os = __toESM(require_node_os());

// node_modules/@actions/core/lib/utils.js
function toCommandValue(input) {
  if (input === null || input === void 0) {
    return "";
  } else if (typeof input === "string" || input instanceof String) {
    return input;
  }
  return JSON.stringify(input);
}
function toCommandProperties(annotationProperties) {
  if (!Object.keys(annotationProperties).length) {
    return {};
  }
  return {
    title: annotationProperties.title,
    file: annotationProperties.file,
    line: annotationProperties.startLine,
    endLine: annotationProperties.endLine,
    col: annotationProperties.startColumn,
    endColumn: annotationProperties.endColumn
  };
}

// node_modules/@actions/core/lib/command.js
function issueCommand(command, properties, message) {
  const cmd = new Command(command, properties, message);
  process.stdout.write(cmd.toString() + os.EOL);
}
function issue(name, message = "") {
  issueCommand(name, {}, message);
}
var CMD_STRING = "::";
var Command = class {
  constructor(command, properties, message) {
    if (!command) {
      command = "missing.command";
    }
    this.command = command;
    this.properties = properties;
    this.message = message;
  }
  toString() {
    let cmdStr = CMD_STRING + this.command;
    if (this.properties && Object.keys(this.properties).length > 0) {
      cmdStr += " ";
      let first = true;
      for (const key in this.properties) {
        if (this.properties.hasOwnProperty(key)) {
          const val = this.properties[key];
          if (val) {
            if (first) {
              first = false;
            } else {
              cmdStr += ",";
            }
            cmdStr += `${key}=${escapeProperty(val)}`;
          }
        }
      }
    }
    cmdStr += `${CMD_STRING}${escapeData(this.message)}`;
    return cmdStr;
  }
};
function escapeData(s) {
  return toCommandValue(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(s) {
  return toCommandValue(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/:/g, "%3A").replace(/,/g, "%2C");
}

// node_modules/@actions/core/lib/core.js
var os2 = __toESM(require_node_os());
var __awaiter = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve) {
      resolve(value);
    });
  }
  return new (P || (P = Promise))(function(resolve, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
var ExitCode;
(function(ExitCode2) {
  ExitCode2[ExitCode2["Success"] = 0] = "Success";
  ExitCode2[ExitCode2["Failure"] = 1] = "Failure";
})(ExitCode || (ExitCode = {}));
function setSecret(secret) {
  issueCommand("add-mask", {}, secret);
}
function getInput(name, options) {
  const val = process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] || "";
  if (options && options.required && !val) {
    throw new Error(`Input required and not supplied: ${name}`);
  }
  if (options && options.trimWhitespace === false) {
    return val;
  }
  return val.trim();
}
function setFailed(message) {
  process.exitCode = ExitCode.Failure;
  error(message);
}
function debug(message) {
  issueCommand("debug", {}, message);
}
function error(message, properties = {}) {
  issueCommand("error", toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
function warning(message, properties = {}) {
  issueCommand("warning", toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
function info(message) {
  process.stdout.write(message + os2.EOL);
}
function startGroup(name) {
  issue("group", name);
}
function endGroup() {
  issue("endgroup");
}
function group(name, fn) {
  return __awaiter(this, void 0, void 0, function* () {
    startGroup(name);
    let result;
    try {
      result = yield fn();
    } finally {
      endGroup();
    }
    return result;
  });
}
function getState(name) {
  return process.env[`STATE_${name}`] || "";
}

// src/file-commands.ts
var import_node_fs = __toESM(require_node_fs(), 1);
var import_node_os = __toESM(require_node_os(), 1);
function randomDelimiter() {
  const word = () => Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, "0");
  return `ghadelimiter_${word()}${word()}${word()}${word()}`;
}
function heredoc(name, value) {
  const delimiter = randomDelimiter();
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`the value of ${name} contains the file-command delimiter`);
  }
  return `${name}<<${delimiter}${import_node_os.EOL}${value}${import_node_os.EOL}${delimiter}${import_node_os.EOL}`;
}
function appendFileCommand(command, entries, env = process.env) {
  if (entries.length === 0) return;
  const path = env[command];
  if (path === void 0 || path === "") {
    throw new Error(
      `${command} is not set: this action needs a runner that supports file commands`
    );
  }
  (0, import_node_fs.appendFileSync)(path, entries.map(([name, value]) => heredoc(name, value)).join(""), "utf8");
}

// src/state.ts
var FILES_DIR = "files-dir";
function saveFilesDir(path) {
  appendFileCommand("GITHUB_STATE", [[FILES_DIR, path]]);
}
function filesDir() {
  const value = getState(FILES_DIR);
  return value === "" ? void 0 : value;
}

// src/export.ts
var import_node_fs2 = __toESM(require_node_fs(), 1);
var import_node_os2 = __toESM(require_node_os(), 1);
var import_node_path = __toESM(require_node_path(), 1);

// src/names.ts
var NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
var FORBIDDEN_PREFIXES = ["GITHUB_", "RUNNER_", "ACTIONS_", "INPUT_", "STATE_", "LD_", "DYLD_"];
var FORBIDDEN_NAMES = /* @__PURE__ */ new Set([
  "CI",
  "PATH",
  "PATHEXT",
  "HOME",
  "SHELL",
  "ENV",
  "BASH_ENV",
  "BASHOPTS",
  "SHELLOPTS",
  "IFS",
  "PS4",
  "PROMPT_COMMAND",
  "CDPATH",
  "TMPDIR",
  "TEMP",
  "TMP",
  "NODE_OPTIONS",
  "NODE_PATH",
  "NODE_EXTRA_CA_CERTS",
  "NODE_TLS_REJECT_UNAUTHORIZED",
  "NODE_USE_ENV_PROXY",
  "PYTHONPATH",
  "PYTHONSTARTUP",
  "PERL5OPT",
  "PERL5LIB",
  "RUBYOPT",
  "JAVA_TOOL_OPTIONS",
  "COMSPEC",
  "SYSTEMROOT",
  "OP_MANAGED_VARIABLES"
]);
function nameProblem(name) {
  if (!NAME_PATTERN.test(name)) return `"${name}" is not a valid name (${Hint.nameRule})`;
  const upper = name.toUpperCase();
  if (FORBIDDEN_NAMES.has(upper) || FORBIDDEN_PREFIXES.some((prefix) => upper.startsWith(prefix))) {
    return `"${name}" is reserved for the runner or the process loader; choose another name`;
  }
  return void 0;
}
function nameKey(name) {
  return name.toUpperCase();
}

// src/export.ts
var MANAGED_VARIABLES = "OP_MANAGED_VARIABLES";
var FILES_PREFIX = "op-secrets-";
function previouslyManaged(env) {
  const names = (env[MANAGED_VARIABLES] ?? "").split(",").map((name) => name.trim());
  return names.filter((name) => {
    if (name === "") return false;
    const problem = nameProblem(name);
    if (problem) warning(`${MANAGED_VARIABLES}: ignoring ${problem}`);
    return problem === void 0;
  });
}
function maskEntries(entries) {
  for (const entry of entries) {
    if (!entry.mask || typeof entry.value !== "string" || entry.value.trim() === "") continue;
    setSecret(entry.value);
  }
}
function writeFiles(entries) {
  const paths = /* @__PURE__ */ new Map();
  const files = entries.filter((entry) => entry.file);
  if (files.length === 0) return paths;
  let base = process.env["RUNNER_TEMP"];
  if (base === void 0 || base === "") {
    warning("RUNNER_TEMP is not set: writing secret files under the system temp directory");
    base = (0, import_node_os2.tmpdir)();
  }
  const dir = (0, import_node_fs2.mkdtempSync)((0, import_node_path.join)(base, FILES_PREFIX));
  saveFilesDir(dir);
  try {
    (0, import_node_fs2.chmodSync)(dir, 448);
    for (const entry of files) {
      const path = (0, import_node_path.join)(dir, entry.name);
      (0, import_node_fs2.writeFileSync)(path, entry.value, { mode: 384, flag: "wx" });
      (0, import_node_fs2.chmodSync)(path, 384);
      paths.set(entry.name, path);
    }
  } catch (thrown) {
    (0, import_node_fs2.rmSync)(dir, { recursive: true, force: true });
    throw thrown;
  }
  return paths;
}
function exportAll(plan) {
  const paths = writeFiles(plan.entries);
  const shown = plan.entries.map((entry) => {
    const value = paths.get(entry.name) ?? entry.value;
    if (typeof value !== "string")
      throw new Error(`${entry.name}: bytes can only be written to a file`);
    return [entry.name, value];
  });
  const exported = plan.exportEnv ? shown.map(([name]) => name) : [];
  const env = plan.unset.filter((name) => !exported.includes(name)).map((name) => [name, ""]);
  if (plan.exportEnv) env.push(...shown);
  const managed = [.../* @__PURE__ */ new Set([...plan.stillManaged, ...exported])];
  if (plan.unset.length > 0 || exported.length > 0)
    env.push([MANAGED_VARIABLES, managed.join(",")]);
  const resolvedAt = plan.resolvedAt.toISOString();
  const refreshAt = new Date(
    plan.resolvedAt.getTime() + plan.refreshAfterSeconds * 1e3
  ).toISOString();
  const outputs = [
    ...shown,
    ["resolved-at", resolvedAt],
    ["refresh-at", refreshAt],
    ["managed-variables", exported.join(",")]
  ];
  appendFileCommand("GITHUB_OUTPUT", outputs);
  appendFileCommand("GITHUB_ENV", env);
  for (const entry of plan.entries) {
    const where = [
      "output",
      ...plan.exportEnv ? ["env"] : [],
      ...entry.file ? ["file"] : [],
      ...entry.mask ? [] : ["unmasked"]
    ];
    debug(`${entry.name} => ${where.join(", ")}`);
  }
  return exported;
}

export {
  require_node_os,
  setSecret,
  getInput,
  setFailed,
  debug,
  error,
  warning,
  info,
  group,
  nameProblem,
  nameKey,
  filesDir,
  FILES_PREFIX,
  previouslyManaged,
  maskEntries,
  exportAll
};
