import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  describe
} from "./chunk-Y3IQBPGA.js";

// src/redact.ts
import { Buffer } from "node:buffer";
var TOKEN_PATTERNS = [
  /ops_[A-Za-z0-9_\-.=+/]+/g,
  // service-account tokens
  /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g,
  // JWTs (Connect tokens)
  /\bBearer\s+[A-Za-z0-9_\-.=+/]+/gi
];
var RUN_LENGTH = 16;
var SECRET_PATHS = [
  ["secretKey"],
  ["srpX"],
  ["muk", "k"],
  ["throttleSecret", "seed"],
  ["1password.com/token"],
  ["key"]
  // an integration key's AES key, in hex
];
var MIN_DECODED_LENGTH = 8;
var registered = /* @__PURE__ */ new Set();
var windows = /* @__PURE__ */ new Set();
var shortForms = [];
function registerCredential(value) {
  if (value.length === 0 || registered.has(value)) return;
  registered.add(value);
  const short = new Set(shortForms);
  const values = [value, ...innerValues(value)];
  for (const [index, one] of values.entries()) {
    const { whole, partial } = formsOf(one);
    for (const form of whole) {
      if (form.length >= RUN_LENGTH) addWindows(form);
      else if (form.length > 0 && (index === 0 || form.length >= MIN_DECODED_LENGTH)) {
        short.add(form);
      }
    }
    for (const form of partial) addWindows(form);
  }
  shortForms = [...short].sort((a, b) => b.length - a.length);
}
function redact(text) {
  let out = text;
  for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, "***");
  out = hideRuns(out);
  for (const form of shortForms) out = out.split(form).join("***");
  return out;
}
function addWindows(form) {
  for (let at = 0; at + RUN_LENGTH <= form.length; at++) {
    windows.add(form.slice(at, at + RUN_LENGTH));
  }
}
function hideRuns(text) {
  if (windows.size === 0 || text.length < RUN_LENGTH) return text;
  let out = "";
  let kept = 0;
  let start = -1;
  let end = -1;
  for (let at = 0; at + RUN_LENGTH <= text.length; at++) {
    if (!windows.has(text.slice(at, at + RUN_LENGTH))) continue;
    if (at > end) {
      if (start >= 0) {
        out += `${text.slice(kept, start)}***`;
        kept = end;
      }
      start = at;
    }
    end = at + RUN_LENGTH;
  }
  if (start < 0) return text;
  return `${out}${text.slice(kept, start)}***${text.slice(end)}`;
}
function formsOf(value) {
  const bytes = Buffer.from(value, "utf8");
  const base64 = bytes.toString("base64");
  const url = encodeURIComponent(value);
  const whole = /* @__PURE__ */ new Set([
    value,
    base64,
    base64.replace(/=+$/, ""),
    bytes.toString("base64url"),
    url,
    url.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    new URLSearchParams({ v: value }).toString().slice(2)
    // form encoding: space as `+`
  ]);
  const partial = [];
  for (const shift of [1, 2]) {
    const shifted = Buffer.concat([Buffer.alloc(shift), bytes]);
    partial.push(shifted.toString("base64").slice(4), shifted.toString("base64url").slice(4));
  }
  return { whole: [...whole], partial };
}
function innerValues(value) {
  const out = [];
  const encoded = [];
  if (value.startsWith("ops_") && value.length - 4 >= MIN_DECODED_LENGTH) {
    out.push(value.slice(4));
    encoded.push(value.slice(4));
  }
  const parts = value.split(".");
  if (parts.length === 3 && parts[1] !== void 0) encoded.push(parts[1]);
  for (const body of encoded) {
    let decoded;
    try {
      decoded = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    } catch {
      continue;
    }
    for (const path of SECRET_PATHS) {
      const field = fieldAt(decoded, path);
      if (typeof field === "string" && field.length >= MIN_DECODED_LENGTH) out.push(field);
    }
  }
  return out;
}
function fieldAt(value, path) {
  let at = value;
  for (const key of path) {
    if (typeof at !== "object" || at === null || Array.isArray(at)) return void 0;
    at = at[key];
  }
  return at;
}

// src/backends/source.ts
var MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
function ownWords(message) {
  return message.replace(/"[^"]*"|'[^']*'/g, '""');
}
var SourceError = class extends Error {
  failure;
  constructor(failure, message) {
    super(message);
    this.name = "SourceError";
    this.failure = failure;
  }
};

// src/backends/retry.ts
import { setTimeout as sleep } from "node:timers/promises";
var DEFAULT_POLICY = {
  attempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8e3,
  budgetMs: 3e4,
  attemptTimeoutMs: 15e3
};
var realClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, void 0, { signal }),
  random: Math.random
};
function isTransient(outcome) {
  return typeof outcome === "object" && outcome !== null && "transient" in outcome;
}
var RetriesExhausted = class extends Error {
  constructor(message) {
    super(message);
    this.name = "RetriesExhausted";
  }
};
async function retrying(attempt, policy, clock, signal) {
  const started = clock.now();
  const left = () => policy.budgetMs - (clock.now() - started);
  for (let count = 1; ; count++) {
    const outcome = await attempt(Math.min(policy.attemptTimeoutMs, left()));
    if (!isTransient(outcome)) return outcome;
    const failed = `${outcome.transient} after ${count} attempts`;
    if (count >= policy.attempts) throw new RetriesExhausted(failed);
    const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (count - 1));
    const delay = Math.max(backoff / 2 + clock.random() * backoff / 2, outcome.waitMs ?? 0);
    if (delay >= left()) {
      const asked = outcome.waitMs === void 0 ? "" : `, server asked to wait ${Math.ceil(outcome.waitMs / 1e3)} s`;
      throw new RetriesExhausted(`${failed} (retry budget spent${asked})`);
    }
    await clock.sleep(delay, signal);
  }
}
var Gate = class {
  #free;
  #waiting = [];
  constructor(size) {
    this.#free = size;
  }
  async run(task) {
    if (this.#free > 0) this.#free--;
    else await new Promise((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
};
function gated(attempt, limits2) {
  return limits2.gate.run(() => retrying(attempt, limits2.policy, limits2.clock, limits2.signal));
}
async function retried(failed, attempt, limits2) {
  try {
    return await gated(attempt, limits2);
  } catch (thrown) {
    if (thrown instanceof SourceError) throw thrown;
    const reason = thrown instanceof RetriesExhausted ? thrown.message : describe(thrown);
    throw new SourceError("unavailable", `${failed}: ${redact(reason)}`);
  }
}
function limits(options, concurrency, signal) {
  return {
    policy: options.policy ?? DEFAULT_POLICY,
    clock: options.clock ?? realClock,
    gate: new Gate(concurrency),
    signal
  };
}

export {
  registerCredential,
  redact,
  MAX_RESPONSE_BYTES,
  ownWords,
  SourceError,
  DEFAULT_POLICY,
  RetriesExhausted,
  gated,
  retried,
  limits
};
