import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  describe
} from "./chunk-2RUYU3FE.js";

// src/redact.ts
var TOKEN_PATTERNS = [
  /ops_[A-Za-z0-9_\-.=+/]+/g,
  // service-account tokens
  /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g,
  // JWTs (Connect tokens)
  /\bBearer\s+[A-Za-z0-9_\-.=+/]+/gi
];
var known = /* @__PURE__ */ new Set();
function registerCredential(value) {
  if (value.length > 0) known.add(value);
}
function redact(text) {
  let out = text;
  for (const value of known) out = out.split(value).join("***");
  for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, "***");
  return out;
}

// src/backends/source.ts
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
  SourceError,
  DEFAULT_POLICY,
  RetriesExhausted,
  gated,
  retried,
  limits
};
