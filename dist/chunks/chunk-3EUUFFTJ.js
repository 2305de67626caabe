import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  redact
} from "./chunk-HF5DZGPA.js";
import {
  describe
} from "./chunk-Z7N6BKTX.js";

// src/backends/source.ts
var ANSWERED_ID = /^[A-Za-z0-9_-]{1,64}$/;
function isAnsweredId(id) {
  return ANSWERED_ID.test(id);
}
function refusedId(id) {
  const shown = id.length > 64 ? `${JSON.stringify(id.slice(0, 64))}... (${id.length} characters)` : JSON.stringify(id);
  return `the ID ${shown}, which the action will not put in a request path (IDs are letters, digits, - and _, at most 64 characters)`;
}
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
  isAnsweredId,
  refusedId,
  MAX_RESPONSE_BYTES,
  ownWords,
  SourceError,
  DEFAULT_POLICY,
  RetriesExhausted,
  gated,
  retried,
  limits
};
