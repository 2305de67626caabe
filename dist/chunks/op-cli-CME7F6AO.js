import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  utf8
} from "./chunk-SNNEWUHD.js";
import {
  exec,
  which
} from "./chunk-WDUA56UJ.js";
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
} from "./chunk-OZCWOE7R.js";
import {
  describe
} from "./chunk-Y3IQBPGA.js";
import "./chunk-YIPELEOB.js";

// src/backends/op-cli.ts
import { randomUUID } from "node:crypto";
function unexpected(what) {
  return new SourceError("unavailable", `op printed an unexpected ${what}`);
}
var OP_NOT_FOUND = "op CLI not found in PATH - install 1password-cli to use this provider";
var OUTPUT_GRACE_MS = 500;
var NO_INPUT = Buffer.alloc(0);
var OP_ENVIRONMENT_READ_VERSION = "2.33.0-beta.02";
var OP_ENVIRONMENT_HINT = 'in a build with 1Password Environments (so far the beta builds: https://app-updates.agilebits.com/product_history/CLI2, "show betas"); with a service account, service-account-resolver: sdk reads Environments without op';
function noEnvironmentRead(version) {
  return new SourceError(
    "unavailable",
    `op ${version.slice(0, 40)} has no \`op environment read\`; 1Password CLI ${OP_ENVIRONMENT_READ_VERSION} or newer is needed, ${OP_ENVIRONMENT_HINT}`
  );
}
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
function classifyEnvironmentError(message, version) {
  const words = message.replace(/"[^"]*"|'[^']*'/g, '""');
  if (/unknown command/i.test(words)) return noEnvironmentRead(version);
  if (/\benvironment\b/i.test(words) && /isn't|is not|not found|does not exist|doesn't exist|invalid|no access/i.test(words) && !/forbidden|\b403\b|permission/i.test(words)) {
    return new SourceError("not-found", message);
  }
  return classifyOpError(message);
}
function compareOpVersions(a, b) {
  const parse = (text) => /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+\S*)?$/.exec(text);
  const left = parse(a);
  const right = parse(b);
  if (left === null || right === null) return void 0;
  for (let at = 1; at <= 3; at++) {
    const difference = Number(left[at]) - Number(right[at]);
    if (difference !== 0) return Math.sign(difference);
  }
  const [pre, other] = [left[4], right[4]];
  if (pre === void 0 || other === void 0) {
    return pre === other ? 0 : pre === void 0 ? 1 : -1;
  }
  const ours = pre.split(".");
  const theirs = other.split(".");
  for (let at = 0; at < Math.min(ours.length, theirs.length); at++) {
    const [x, y] = [ours[at] ?? "", theirs[at] ?? ""];
    const numeric = /^\d+$/.test(x) && /^\d+$/.test(y);
    const order = numeric ? Math.sign(Number(x) - Number(y)) : x < y ? -1 : x > y ? 1 : 0;
    if (order !== 0) return order;
  }
  return Math.sign(ours.length - theirs.length);
}
var CliSource = class {
  #options;
  #closing = new AbortController();
  #limits;
  #env;
  /** The size op reported for each attached file read, by `vault/item/file`. */
  #fileSizes = /* @__PURE__ */ new Map();
  #op;
  /** What `op --version` printed, once checked to be 2.x. */
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
    const json = await this.#json(`reading item ${itemId}`, [
      "item",
      "get",
      itemId,
      "--vault",
      vaultId
    ]);
    const item = toItem(json, vaultId, unexpected);
    for (const [fileId, size] of fileSizes(json)) {
      this.#fileSizes.set(`${vaultId}/${item.id}/${fileId}`, size);
    }
    return item;
  }
  async getFile(vaultId, itemId, fileId) {
    const run = await this.#run(`reading file ${fileId}`, [
      "read",
      "--no-newline",
      `op://${vaultId}/${itemId}/${fileId}`
    ]);
    const size = this.#fileSizes.get(`${vaultId}/${itemId}/${fileId}`);
    if (size !== void 0 && run.stdout.length !== size) {
      throw new SourceError(
        "unavailable",
        `op printed ${run.stdout.length} bytes of file ${fileId}, whose size is ${size} bytes`
      );
    }
    return new Uint8Array(run.stdout);
  }
  /**
   * Reads many simple references with one `op inject`. Undefined when op fails: the resolver
   * then resolves each reference itself, so that every failure gets its own code.
   */
  async readBatch(refs) {
    const boundary = `
--op-secrets-${randomUUID()}--
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
      const text = utf8(parts[index + 1] ?? Buffer.alloc(0));
      if (text !== void 0) values.set(ref, text);
    });
    return values;
  }
  /**
   * Every variable of an Environment, in its order, from `op environment read --format json`
   * (an array of `{name, value}`). The version is checked first: an op without the command
   * runs nothing more.
   */
  async readEnvironment(environmentId) {
    const op = await (this.#op ??= this.#locate());
    const version = await (this.#version ??= this.#checkVersion(op));
    const order = compareOpVersions(version, OP_ENVIRONMENT_READ_VERSION);
    if (order !== void 0 && order < 0) throw noEnvironmentRead(version);
    const json = await this.#json(
      `reading environment ${environmentId}`,
      ["environment", "read", environmentId],
      (message) => classifyEnvironmentError(message, version)
    );
    if (json === null) return [];
    return records(json, "environment", unexpected).map(({ name, value }) => {
      if (typeof name !== "string" || name === "" || typeof value !== "string") {
        throw unexpected("environment variable");
      }
      return { name, value };
    });
  }
  /** Ends the waits between retries. A hung op is not stopped (exec offers no handle). */
  close() {
    this.#closing.abort(new Error("closed"));
    return Promise.resolve();
  }
  async #json(what, args, classify = classifyOpError) {
    const run = await this.#run(what, [...args, "--format", "json"], void 0, classify);
    try {
      return JSON.parse(run.stdout.toString("utf8"));
    } catch {
      throw new SourceError("unavailable", `op printed something other than JSON while ${what}`);
    }
  }
  /** Runs op (found and version-checked once) with retries of transient failures. */
  async #run(what, args, input, classify = classifyOpError) {
    const op = await (this.#op ??= this.#locate());
    this.#version ??= this.#checkVersion(op);
    const account = this.#options.account === void 0 ? [] : ["--account", this.#options.account];
    const command = retried(
      `op did not succeed ${what}`,
      (leftMs) => this.#attempt(op, [...account, ...args], leftMs, input, classify),
      this.#limits
    );
    command.catch(() => void 0);
    await this.#version;
    return command;
  }
  async #attempt(op, args, leftMs, input, classify) {
    const run = await this.#exec(op, args, leftMs, input);
    if (run === void 0) {
      throw new SourceError("unavailable", `op gave no answer within ${Math.round(leftMs)} ms`);
    }
    if (run.code === 0) return run;
    const sorted = classify(opMessage(run.stderr));
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
    const run = await this.#exec(op, ["--version"], timeoutMs);
    if (run === void 0) {
      throw new SourceError("unavailable", `${op} --version gave no answer within ${timeoutMs} ms`);
    }
    const version = run.stdout.toString("utf8").trim();
    if (run.code !== 0 || !/^2\.\d+/.test(version)) {
      const found = version === "" ? "an op that does not report its version" : `op ${version.slice(0, 40)}`;
      throw new SourceError("unavailable", `${found} at ${op}: the 1Password CLI 2.x is required`);
    }
    return version;
  }
  /**
   * Runs op once, without a shell and silently (its output is secrets); undefined when it gave
   * no answer within `timeoutMs`. exec offers no handle to kill it: a hung op is left running,
   * the step still ends (the entry exits once its work is done) and the runner ends it with the job.
   */
  async #exec(op, args, timeoutMs, input = NO_INPUT) {
    const stdout = [];
    const stderr = [];
    let listening = true;
    const running = exec(`"${op}"`, [...args], {
      env: this.#env,
      input,
      silent: true,
      ignoreReturnCode: true,
      delay: OUTPUT_GRACE_MS,
      listeners: {
        stdout: (chunk) => {
          if (listening) stdout.push(chunk);
        },
        stderr: (chunk) => {
          if (listening) stderr.push(chunk);
        }
      }
    }).then(
      (code) => ({
        code,
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr).toString("utf8")
      }),
      (error) => {
        throw new SourceError("unavailable", `op could not be started: ${redact(describe(error))}`);
      }
    );
    running.catch(() => void 0);
    const stop = new AbortController();
    const timeout = this.#limits.clock.sleep(timeoutMs, stop.signal).then(
      () => void 0,
      () => void 0
    );
    try {
      return await Promise.race([running, timeout]);
    } finally {
      listening = false;
      stop.abort();
    }
  }
};
function fileSizes(json) {
  const files = records(object(json, "item", unexpected)["files"] ?? [], "item", unexpected);
  return files.flatMap((file) => {
    const { id, size } = file;
    return typeof id === "string" && typeof size === "number" && Number.isSafeInteger(size) ? [[id, size]] : [];
  });
}
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
  OP_ENVIRONMENT_HINT,
  OP_ENVIRONMENT_READ_VERSION,
  OP_NOT_FOUND,
  classifyEnvironmentError,
  classifyOpError,
  compareOpVersions,
  opMessage
};
