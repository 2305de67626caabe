import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  require_node_crypto
} from "./chunk-YFXHCP4T.js";
import {
  require_node_fs,
  require_node_path
} from "./chunk-SJM62E2P.js";
import {
  object,
  records,
  summary,
  toItem
} from "./chunk-2ZA3FZSS.js";
import {
  SourceError,
  limits,
  redact,
  retried
} from "./chunk-3XEPH7IZ.js";
import "./chunk-PFO4Y6WD.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-YIPELEOB.js";

// builtin:node:child_process
var require_node_child_process = __commonJS({
  "builtin:node:child_process"(exports, module) {
    module.exports = __require("node:child_process");
  }
});

// src/backends/op-cli.ts
var import_node_child_process = __toESM(require_node_child_process(), 1);
var import_node_crypto = __toESM(require_node_crypto(), 1);

// node_modules/@actions/io/lib/io.js
var path2 = __toESM(require_node_path());

// node_modules/@actions/io/lib/io-util.js
var fs = __toESM(require_node_fs());
var path = __toESM(require_node_path());
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
var { chmod, copyFile, lstat, mkdir, open, readdir, rename, rm, rmdir, stat, symlink, unlink } = fs.promises;
var IS_WINDOWS = process.platform === "win32";
var READONLY = fs.constants.O_RDONLY;
function isRooted(p) {
  p = normalizeSeparators(p);
  if (!p) {
    throw new Error('isRooted() parameter "p" cannot be empty');
  }
  if (IS_WINDOWS) {
    return p.startsWith("\\") || /^[A-Z]:/i.test(p);
  }
  return p.startsWith("/");
}
function tryGetExecutablePath(filePath, extensions) {
  return __awaiter(this, void 0, void 0, function* () {
    let stats = void 0;
    try {
      stats = yield stat(filePath);
    } catch (err) {
      if (err.code !== "ENOENT") {
        console.log(`Unexpected error attempting to determine if executable file exists '${filePath}': ${err}`);
      }
    }
    if (stats && stats.isFile()) {
      if (IS_WINDOWS) {
        const upperExt = path.extname(filePath).toUpperCase();
        if (extensions.some((validExt) => validExt.toUpperCase() === upperExt)) {
          return filePath;
        }
      } else {
        if (isUnixExecutable(stats)) {
          return filePath;
        }
      }
    }
    const originalFilePath = filePath;
    for (const extension of extensions) {
      filePath = originalFilePath + extension;
      stats = void 0;
      try {
        stats = yield stat(filePath);
      } catch (err) {
        if (err.code !== "ENOENT") {
          console.log(`Unexpected error attempting to determine if executable file exists '${filePath}': ${err}`);
        }
      }
      if (stats && stats.isFile()) {
        if (IS_WINDOWS) {
          try {
            const directory = path.dirname(filePath);
            const upperName = path.basename(filePath).toUpperCase();
            for (const actualName of yield readdir(directory)) {
              if (upperName === actualName.toUpperCase()) {
                filePath = path.join(directory, actualName);
                break;
              }
            }
          } catch (err) {
            console.log(`Unexpected error attempting to determine the actual case of the file '${filePath}': ${err}`);
          }
          return filePath;
        } else {
          if (isUnixExecutable(stats)) {
            return filePath;
          }
        }
      }
    }
    return "";
  });
}
function normalizeSeparators(p) {
  p = p || "";
  if (IS_WINDOWS) {
    p = p.replace(/\//g, "\\");
    return p.replace(/\\\\+/g, "\\");
  }
  return p.replace(/\/\/+/g, "/");
}
function isUnixExecutable(stats) {
  return (stats.mode & 1) > 0 || (stats.mode & 8) > 0 && process.getgid !== void 0 && stats.gid === process.getgid() || (stats.mode & 64) > 0 && process.getuid !== void 0 && stats.uid === process.getuid();
}

// node_modules/@actions/io/lib/io.js
var __awaiter2 = function(thisArg, _arguments, P, generator) {
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
function which(tool, check) {
  return __awaiter2(this, void 0, void 0, function* () {
    if (!tool) {
      throw new Error("parameter 'tool' is required");
    }
    if (check) {
      const result = yield which(tool, false);
      if (!result) {
        if (IS_WINDOWS) {
          throw new Error(`Unable to locate executable file: ${tool}. Please verify either the file path exists or the file can be found within a directory specified by the PATH environment variable. Also verify the file has a valid extension for an executable file.`);
        } else {
          throw new Error(`Unable to locate executable file: ${tool}. Please verify either the file path exists or the file can be found within a directory specified by the PATH environment variable. Also check the file mode to verify the file is executable.`);
        }
      }
      return result;
    }
    const matches = yield findInPath(tool);
    if (matches && matches.length > 0) {
      return matches[0];
    }
    return "";
  });
}
function findInPath(tool) {
  return __awaiter2(this, void 0, void 0, function* () {
    if (!tool) {
      throw new Error("parameter 'tool' is required");
    }
    const extensions = [];
    if (IS_WINDOWS && process.env["PATHEXT"]) {
      for (const extension of process.env["PATHEXT"].split(path2.delimiter)) {
        if (extension) {
          extensions.push(extension);
        }
      }
    }
    if (isRooted(tool)) {
      const filePath = yield tryGetExecutablePath(tool, extensions);
      if (filePath) {
        return [filePath];
      }
      return [];
    }
    if (tool.includes(path2.sep)) {
      return [];
    }
    const directories = [];
    if (process.env.PATH) {
      for (const p of process.env.PATH.split(path2.delimiter)) {
        if (p) {
          directories.push(p);
        }
      }
    }
    const matches = [];
    for (const directory of directories) {
      const filePath = yield tryGetExecutablePath(path2.join(directory, tool), extensions);
      if (filePath) {
        matches.push(filePath);
      }
    }
    return matches;
  });
}

// src/backends/op-cli.ts
var strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
function unexpected(what) {
  return new SourceError("unavailable", `op printed an unexpected ${what}`);
}
var OP_NOT_FOUND = "op CLI not found in PATH - install 1password-cli to use this provider";
var STRIPPED = /^(OP_SERVICE_ACCOUNT_TOKEN|OP_CONNECT_HOST|OP_CONNECT_TOKEN|INPUT_.*)$/i;
function opMessage(stderr) {
  const text = stderr.replace(/\[ERROR\] \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /g, "").trim();
  return redact(text === "" ? "op failed without a message" : text).slice(0, 500);
}
function classifyOpError(message) {
  const words = message.replace(/"[^"]*"|'[^']*'/g, '""');
  if (/more than one (item|vault|field|file) matches/i.test(words)) {
    return new SourceError("ambiguous", message);
  }
  if (/too (many|few) (""|'\/')|invalid character in secret reference|attribute is only supported|query parameter is only supported/i.test(
    words
  )) {
    return new SourceError("invalid", message);
  }
  if (/isn't (a|an) (vault|item|field)|does not have a field|not found|no item|no vault/i.test(words)) {
    return new SourceError("not-found", message);
  }
  if (/forbidden|\b403\b|permission|access denied|not authorized/i.test(words)) {
    return new SourceError("denied", message);
  }
  if (/rate.?limit|too many requests|\b429\b|timed? ?out|timeout|connection (refused|reset)|\b50[0-9]\b|service unavailable|bad gateway/i.test(
    words
  )) {
    return { transient: message };
  }
  if (/not currently signed in|sign ?in|DecodeSACredentials|unauthori[sz]ed|\b401\b|authenticat|session expired|error initializing client|invalid token/i.test(
    words
  )) {
    return new SourceError("unavailable", `op could not sign in: ${message}`);
  }
  return new SourceError("unavailable", `op failed: ${message}`);
}
var CliSource = class {
  #options;
  #closing = new AbortController();
  #limits;
  #env;
  #op;
  #version;
  constructor(options) {
    this.#options = options;
    this.#limits = limits(options, options.concurrency ?? 4, this.#closing.signal);
    this.#env = Object.fromEntries(
      Object.entries(options.env).filter(
        (entry) => entry[1] !== void 0 && !STRIPPED.test(entry[0])
      )
    );
    if (options.token !== void 0) this.#env["OP_SERVICE_ACCOUNT_TOKEN"] = options.token;
  }
  async listVaults() {
    const vaults = await this.#json("listing vaults", ["vault", "list"]);
    return records(vaults, "vault list", unexpected).map(
      (vault) => summary(vault, "name", "vault", unexpected)
    );
  }
  async getVault(vaultId) {
    const vault = await this.#json(`reading vault ${vaultId}`, ["vault", "get", vaultId]);
    return summary(object(vault, "vault", unexpected), "name", "vault", unexpected);
  }
  async listItems(vaultId) {
    const what = `listing the items of vault ${vaultId}`;
    const items = await this.#json(what, ["item", "list", "--vault", vaultId]);
    return records(items, "item list", unexpected).map(
      (item) => summary(item, "title", "item", unexpected)
    );
  }
  async getItem(vaultId, itemId) {
    const item = await this.#json(`reading item ${itemId}`, [
      "item",
      "get",
      itemId,
      "--vault",
      vaultId
    ]);
    return toItem(item, vaultId, unexpected);
  }
  async getFile(vaultId, itemId, fileId) {
    const run = await this.#run(`reading file ${fileId}`, [
      "read",
      "--no-newline",
      `op://${vaultId}/${itemId}/${fileId}`
    ]);
    return new Uint8Array(run.stdout);
  }
  /**
   * Reads many simple references with one `op inject`. Undefined when op fails: the resolver
   * then resolves each reference itself, so that every failure gets its own code.
   */
  async readBatch(refs) {
    const boundary = `
--op-secrets-${(0, import_node_crypto.randomUUID)()}--
`;
    const template = refs.map((ref) => `${boundary}{{ ${ref} }}`).join("") + boundary;
    let run;
    try {
      run = await this.#run(
        `injecting ${refs.length} references`,
        ["inject"],
        Buffer.from(template)
      );
    } catch (thrown) {
      if (thrown instanceof SourceError && thrown.failure !== "unavailable") return void 0;
      throw thrown;
    }
    const parts = splitBuffer(run.stdout, Buffer.from(boundary));
    if (parts.length !== refs.length + 2 || parts[0]?.length !== 0 || parts.at(-1)?.length !== 0) {
      return void 0;
    }
    const values = /* @__PURE__ */ new Map();
    refs.forEach((ref, index) => {
      try {
        values.set(ref, strictUtf8.decode(parts[index + 1]));
      } catch {
      }
    });
    return values;
  }
  close() {
    this.#closing.abort(new Error("closed"));
    return Promise.resolve();
  }
  async #json(what, args) {
    const run = await this.#run(what, [...args, "--format", "json"]);
    try {
      return JSON.parse(run.stdout.toString("utf8"));
    } catch {
      throw new SourceError("unavailable", `op printed something other than JSON while ${what}`);
    }
  }
  /** Runs op (found and version-checked once) with retries of transient failures. */
  async #run(what, args, input) {
    const op = await (this.#op ??= this.#locate());
    this.#version ??= this.#checkVersion(op);
    const account = this.#options.account === void 0 ? [] : ["--account", this.#options.account];
    const command = retried(
      `op did not succeed ${what}`,
      (leftMs) => this.#attempt(op, [...account, ...args], leftMs, input),
      this.#limits
    );
    command.catch(() => void 0);
    await this.#version;
    return command;
  }
  async #attempt(op, args, leftMs, input) {
    const run = await this.#spawn(op, args, leftMs, input);
    if (run === "timeout")
      return { transient: `op gave no answer within ${Math.round(leftMs)} ms` };
    if (run.code === 0) return run;
    const sorted = classifyOpError(opMessage(run.stderr));
    if (sorted instanceof SourceError) throw sorted;
    return sorted;
  }
  async #locate() {
    const op = await (this.#options.findOp ?? (() => which("op", false)))();
    if (op === "") throw new SourceError("unavailable", OP_NOT_FOUND);
    return op;
  }
  async #checkVersion(op) {
    const timeoutMs = this.#limits.policy.attemptTimeoutMs;
    const run = await this.#spawn(op, ["--version"], timeoutMs);
    if (run === "timeout") {
      throw new SourceError("unavailable", `${op} --version gave no answer within ${timeoutMs} ms`);
    }
    const version = run.stdout.toString("utf8").trim();
    if (run.code !== 0 || !/^2\.\d+/.test(version)) {
      const found = version === "" ? "an op that does not report its version" : `op ${version.slice(0, 40)}`;
      throw new SourceError("unavailable", `${found} at ${op}: the 1Password CLI 2.x is required`);
    }
  }
  /** Runs op without a shell; kills it when it overstays. */
  #spawn(op, args, timeoutMs, input) {
    return new Promise((resolve, reject) => {
      const child = (0, import_node_child_process.spawn)(op, args, {
        env: this.#env,
        stdio: [input === void 0 ? "ignore" : "pipe", "pipe", "pipe"],
        windowsHide: true,
        signal: this.#closing.signal
      });
      const stdout = [];
      const stderr = [];
      child.stdout?.on("data", (chunk) => stdout.push(chunk));
      child.stderr?.on("data", (chunk) => stderr.push(chunk));
      child.stdin?.on("error", () => void 0);
      child.stdin?.end(input);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGKILL");
      }, timeoutMs);
      child.on("error", (error) => {
        clearTimeout(timer);
        reject(new SourceError("unavailable", `op could not be started: ${redact(error.message)}`));
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        if (timedOut) resolve("timeout");
        else
          resolve({
            code,
            stdout: Buffer.concat(stdout),
            stderr: Buffer.concat(stderr).toString("utf8")
          });
      });
    });
  }
};
function splitBuffer(buffer, separator) {
  const parts = [];
  let start = 0;
  for (let at = buffer.indexOf(separator); at !== -1; at = buffer.indexOf(separator, start)) {
    parts.push(buffer.subarray(start, at));
    start = at + separator.length;
  }
  parts.push(buffer.subarray(start));
  return parts;
}
export {
  CliSource,
  OP_NOT_FOUND,
  classifyOpError,
  opMessage
};
