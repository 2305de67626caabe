import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  object,
  records,
  summary,
  toItem
} from "./chunk-2ZA3FZSS.js";
import {
  DEFAULT_POLICY,
  Gate,
  RetriesExhausted,
  SourceError,
  realClock,
  redact,
  retrying
} from "./chunk-7OYYZEB7.js";
import {
  Hint
} from "./chunk-PFO4Y6WD.js";
import "./chunk-YIPELEOB.js";

// src/backends/http.ts
import * as http from "node:http";
import { urlToHttpOptions } from "node:url";
var HttpFailure = class extends Error {
  /** Set when the last answer was an HTTP status rather than a network fault. */
  status;
  tls;
  constructor(message, status, tls = false) {
    super(message);
    this.name = "HttpFailure";
    this.status = status;
    this.tls = tls;
  }
};
var RETRIED_STATUS = (status) => status === 408 || status === 429 || status >= 500;
var TLS_CODES = /* @__PURE__ */ new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_SSL_WRONG_VERSION_NUMBER"
]);
function errorCode(thrown) {
  let current = thrown;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = current.code;
    if (typeof code === "string" && code !== "UND_ERR_SOCKET") return code;
    current = current.cause;
  }
  return void 0;
}
function hasCode(thrown) {
  return thrown instanceof Error && typeof thrown.code === "string";
}
function retryAfterMs(header, now) {
  if (header === void 0 || header.trim() === "") return void 0;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1e3;
  const date = Date.parse(header);
  return Number.isNaN(date) ? void 0 : Math.max(0, date - now);
}
var HttpClient = class {
  #origin;
  #agent;
  #headers;
  #policy;
  #clock;
  #gate;
  #closing = new AbortController();
  constructor(options) {
    const concurrency = options.concurrency ?? 32;
    this.#policy = options.policy ?? DEFAULT_POLICY;
    this.#clock = options.clock ?? realClock;
    this.#headers = options.headers;
    this.#gate = new Gate(concurrency);
    this.#origin = new URL(options.origin);
    const pool = { keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency };
    if (this.#origin.protocol === "https:") {
      const https = process.getBuiltinModule("node:https");
      const tls = process.getBuiltinModule("node:tls");
      this.#agent = new https.Agent({
        ...pool,
        // Explicit, so that an inherited NODE_TLS_REJECT_UNAUTHORIZED=0 cannot turn verification off.
        rejectUnauthorized: true,
        // One context for every connection: given `ca` instead, each connection would parse
        // every trusted certificate again (~15 ms each with the system store).
        ...options.ca ? { secureContext: tls.createSecureContext({ ca: [...options.ca] }) } : {}
      });
    } else {
      this.#agent = new http.Agent(pool);
    }
  }
  /** GET with retries; resolves with any final status (the caller maps 4xx), rejects with HttpFailure. */
  async get(path) {
    try {
      return await retrying(
        (leftMs) => this.#gate.run(() => this.#try(path, leftMs)),
        this.#policy,
        this.#clock,
        this.#closing.signal
      );
    } catch (thrown) {
      if (thrown instanceof HttpFailure) throw thrown;
      if (thrown instanceof RetriesExhausted) throw new HttpFailure(thrown.message, thrown.status);
      throw new HttpFailure("the run was cancelled");
    }
  }
  /** One attempt: a final response, a transient fault worth retrying, or a thrown HttpFailure. */
  async #try(path, leftMs) {
    try {
      const response = await this.#attempt(path, leftMs);
      if (!RETRIED_STATUS(response.status)) return response;
      return {
        transient: `HTTP ${response.status}`,
        status: response.status,
        waitMs: retryAfterMs(response.retryAfter, this.#clock.now())
      };
    } catch (thrown) {
      if (this.#closing.signal.aborted) throw new HttpFailure("the run was cancelled");
      const code = errorCode(thrown);
      const message = redact(thrown instanceof Error ? thrown.message : String(thrown));
      if (code && TLS_CODES.has(code)) {
        throw new HttpFailure(`TLS failure (${code}): ${message}`, void 0, true);
      }
      const timedOut = thrown instanceof Error && thrown.name === "TimeoutError";
      if (!timedOut && code === void 0 && !hasCode(thrown)) {
        throw new HttpFailure(`unexpected failure: ${message}`);
      }
      return {
        transient: timedOut ? `no answer within ${Math.round(leftMs)} ms` : code ?? message
      };
    }
  }
  async #attempt(path, leftMs) {
    const timeout = AbortSignal.timeout(
      Math.max(1, Math.min(this.#policy.attemptTimeoutMs, leftMs))
    );
    const signal = AbortSignal.any([this.#closing.signal, timeout]);
    try {
      return await new Promise((resolve, reject) => {
        const request2 = http.request(
          {
            // Node's own reading of the URL: it unbrackets IPv6 hosts.
            ...urlToHttpOptions(this.#origin),
            path,
            method: "GET",
            headers: this.#headers,
            agent: this.#agent,
            signal
          },
          (response) => {
            const chunks = [];
            response.on("data", (chunk) => chunks.push(chunk));
            response.on("error", reject);
            response.on("end", () => {
              const header = (name) => {
                const value = response.headers[name];
                return Array.isArray(value) ? value[0] : value;
              };
              resolve({
                status: response.statusCode ?? 0,
                body: new Uint8Array(Buffer.concat(chunks)),
                contentType: header("content-type") ?? "",
                retryAfter: header("retry-after")
              });
            });
          }
        );
        request2.on("error", reject);
        request2.end();
      });
    } catch (thrown) {
      throw timeout.aborted ? timeout.reason : thrown;
    }
  }
  /** Aborts what is in flight and closes the pool's connections. */
  close() {
    this.#closing.abort(new Error("closed"));
    this.#agent.destroy();
    return Promise.resolve();
  }
};

// src/backends/connect.ts
var decoder = new TextDecoder("utf-8", { fatal: true });
function notJson(what) {
  return new SourceError(
    "unavailable",
    `Connect answered ${what} with something other than the API's JSON (${Hint.connectHost})`
  );
}
var ConnectSource = class {
  #http;
  #base;
  constructor(options) {
    this.#base = options.host.pathname.replace(/\/+$/, "");
    this.#http = new HttpClient({
      origin: options.host.origin,
      headers: { authorization: `Bearer ${options.token}`, accept: "application/json" },
      ...options.ca ? { ca: options.ca } : {},
      ...options.concurrency ? { concurrency: options.concurrency } : {},
      ...options.policy ? { policy: options.policy } : {},
      ...options.clock ? { clock: options.clock } : {}
    });
  }
  async listVaults() {
    const body = await this.#json("/v1/vaults", "the vault list");
    return records(body, "the vault list", notJson).map(
      (vault) => summary(vault, "name", "the vault list", notJson)
    );
  }
  async getVault(vaultId) {
    const body = await this.#json(`/v1/vaults/${vaultId}`, `vault ${vaultId}`);
    const what = `vault ${vaultId}`;
    return summary(object(body, what, notJson), "name", what, notJson);
  }
  async listItems(vaultId) {
    const what = `the item list of vault ${vaultId}`;
    const body = await this.#json(`/v1/vaults/${vaultId}/items`, what);
    return records(body, what, notJson).map((item) => summary(item, "title", what, notJson));
  }
  async getItem(vaultId, itemId) {
    const what = `item ${itemId} of vault ${vaultId}`;
    const body = await this.#json(`/v1/vaults/${vaultId}/items/${itemId}`, what);
    return toItem(body, vaultId, notJson);
  }
  async getFile(vaultId, itemId, fileId) {
    const what = `file ${fileId} of item ${itemId}`;
    const response = await this.#get(
      `/v1/vaults/${vaultId}/items/${itemId}/files/${fileId}/content`,
      what
    );
    return response.body;
  }
  close() {
    return this.#http.close();
  }
  async #json(path, what) {
    const response = await this.#get(path, what);
    if (!response.contentType.toLowerCase().includes("json")) throw notJson(what);
    try {
      return JSON.parse(decoder.decode(response.body));
    } catch {
      throw notJson(what);
    }
  }
  async #get(path, what) {
    let response;
    try {
      response = await this.#http.get(`${this.#base}${path}`);
    } catch (thrown) {
      if (!(thrown instanceof HttpFailure)) throw thrown;
      const hint = thrown.tls ? Hint.connectCa : Hint.connectHost;
      throw new SourceError(
        "unavailable",
        `Connect did not answer for ${what}: ${thrown.message} (${hint})`
      );
    }
    if (response.status === 200) return response;
    throw this.#failure(response, what);
  }
  #failure(response, what) {
    const said = serverMessage(response);
    switch (response.status) {
      case 401:
        return new SourceError(
          "unavailable",
          `Connect rejected the token (401${said}): ${Hint.connectToken}`
        );
      case 403:
        return new SourceError("denied", `the Connect token may not read ${what} (403${said})`);
      case 404:
        return new SourceError("not-found", `${what} not found (404${said})`);
      case 400:
        return new SourceError(
          "invalid",
          `Connect rejected the request for ${what} as malformed (400${said})`
        );
      default:
        return new SourceError(
          "unavailable",
          `Connect answered ${what} with HTTP ${response.status}${said}`
        );
    }
  }
};
function serverMessage(response) {
  try {
    const body = JSON.parse(decoder.decode(response.body));
    const message = typeof body === "object" && body !== null ? body["message"] : void 0;
    return typeof message === "string" && message !== "" ? `: ${JSON.stringify(redact(message).slice(0, 200))}` : "";
  } catch {
    return "";
  }
}
export {
  ConnectSource
};
