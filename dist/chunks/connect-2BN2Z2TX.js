import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  require_undici
} from "./chunk-GQWCDBQF.js";
import {
  object,
  records,
  summary,
  toItem
} from "./chunk-2ZA3FZSS.js";
import {
  TLS_CODES,
  tlsFailure
} from "./chunk-ENXYGZEB.js";
import {
  MAX_RESPONSE_BYTES,
  RetriesExhausted,
  SourceError,
  gated,
  isAnsweredId,
  limits,
  refusedId
} from "./chunk-3EUUFFTJ.js";
import {
  redact
} from "./chunk-HF5DZGPA.js";
import {
  Hint,
  describe
} from "./chunk-Z7N6BKTX.js";
import {
  __toESM
} from "./chunk-YIPELEOB.js";

// src/backends/http.ts
var import_undici = __toESM(require_undici(), 1);
import { setImmediate as nextTurn } from "node:timers/promises";
import { createSecureContext } from "node:tls";
var CONCURRENCY = 32;
var HttpFailure = class extends Error {
  kind;
  constructor(message, kind = "unanswered") {
    super(message);
    this.name = "HttpFailure";
    this.kind = kind;
  }
};
var RETRIED_STATUS = (status) => status === 408 || status === 429 || status >= 500;
var TIMEOUT_CODES = /* @__PURE__ */ new Set([
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CONNECT_TIMEOUT"
]);
var TOO_LARGE = `the answer exceeded ${MAX_RESPONSE_BYTES / 2 ** 20} MiB: abandoned unread`;
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
function retryAfterMs(header2, now) {
  if (header2 === void 0 || header2.trim() === "") return void 0;
  if (/^\d+$/.test(header2.trim())) return Number(header2.trim()) * 1e3;
  const date = Date.parse(header2);
  return Number.isNaN(date) ? void 0 : Math.max(0, date - now);
}
function header(headers, name) {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
function tlsOptions(ca) {
  return {
    // Explicit, so that an inherited NODE_TLS_REJECT_UNAUTHORIZED=0 cannot turn verification off.
    rejectUnauthorized: true,
    // One context for every connection: given `ca` instead, each connection would parse every
    // trusted certificate again (~15 ms each with the system store).
    ...ca ? { secureContext: createSecureContext({ ca: [...ca] }) } : {}
  };
}
var HttpClient = class {
  #origin;
  #headers;
  #dispatcher;
  #owned;
  #limits;
  #closing = new AbortController();
  constructor(options) {
    this.#origin = options.origin;
    this.#headers = options.headers;
    this.#limits = limits(options, CONCURRENCY, this.#closing.signal);
    if (options.dispatcher) {
      this.#dispatcher = options.dispatcher;
      this.#owned = void 0;
      return;
    }
    const timeout = this.#limits.policy.attemptTimeoutMs;
    this.#owned = new import_undici.Pool(options.origin, {
      connections: CONCURRENCY,
      // Backstops: every attempt has its own deadline besides.
      connectTimeout: timeout,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      maxResponseSize: MAX_RESPONSE_BYTES,
      ...new URL(options.origin).protocol === "https:" ? { connect: tlsOptions(options.ca) } : {}
    });
    this.#dispatcher = this.#owned;
  }
  /** GET with retries; resolves with any final status (the caller maps it), rejects with HttpFailure. */
  async get(path2) {
    try {
      return await gated((leftMs) => this.#attempt(path2, leftMs), this.#limits);
    } catch (thrown) {
      if (thrown instanceof HttpFailure) throw thrown;
      if (thrown instanceof RetriesExhausted) throw new HttpFailure(redact(thrown.message));
      throw new HttpFailure(
        this.#closing.signal.aborted ? "the run was cancelled" : redact(describe(thrown))
      );
    }
  }
  /** One attempt: a final response, a transient fault worth retrying, or a thrown HttpFailure. */
  async #attempt(path2, leftMs) {
    const deadline = AbortSignal.timeout(
      Math.max(1, Math.min(this.#limits.policy.attemptTimeoutMs, leftMs))
    );
    const signal = AbortSignal.any([this.#closing.signal, deadline]);
    try {
      const response = await this.#dispatcher.request({
        origin: this.#origin,
        path: path2,
        method: "GET",
        headers: this.#headers,
        signal
      });
      const { statusCode: status, headers, body } = response;
      if (RETRIED_STATUS(status)) {
        await body.dump();
        const waitMs = retryAfterMs(header(headers, "retry-after"), this.#limits.clock.now());
        return { transient: `HTTP ${status}`, waitMs };
      }
      if (Number(header(headers, "content-length") ?? 0) > MAX_RESPONSE_BYTES) {
        await body.dump({ limit: 0 });
        throw new HttpFailure(TOO_LARGE, "too-large");
      }
      const bytes = new Uint8Array(await body.arrayBuffer());
      await nextTurn();
      return {
        status,
        body: bytes,
        contentType: header(headers, "content-type") ?? "",
        location: header(headers, "location")
      };
    } catch (thrown) {
      if (thrown instanceof HttpFailure) throw thrown;
      if (this.#closing.signal.aborted) throw new HttpFailure("the run was cancelled");
      if (deadline.aborted) return { transient: `no answer within ${Math.round(leftMs)} ms` };
      return this.#fault(thrown, leftMs);
    }
  }
  /** A thrown fault: final (TLS, too large, a bug), or transient (the network, a timeout). */
  #fault(thrown, leftMs) {
    const code = errorCode(thrown);
    const message = redact(describe(thrown));
    if (code === "UND_ERR_RES_EXCEEDED_MAX_SIZE") throw new HttpFailure(TOO_LARGE, "too-large");
    if (code && TLS_CODES.has(code)) {
      throw new HttpFailure(tlsFailure(code, message), "tls");
    }
    if (code && TIMEOUT_CODES.has(code)) {
      return { transient: `no answer within ${Math.round(leftMs)} ms (${code})` };
    }
    if (code === void 0 && !hasCode(thrown)) {
      throw new HttpFailure(`unexpected failure: ${message}`);
    }
    return { transient: code ?? message };
  }
  /** Aborts what is in flight and closes the pool's connections. */
  async close() {
    this.#closing.abort(new Error("closed"));
    await this.#owned?.destroy();
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
var TOKEN = "[a-z0-9!#$%&'*+.^_`|~-]+";
var JSON_SUFFIX = new RegExp(`^${TOKEN}/${TOKEN}\\+json$`);
function isJsonMediaType(contentType) {
  const type = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  return type === "application/json" || JSON_SUFFIX.test(type);
}
function path(strings, ...ids) {
  for (const id of ids) {
    if (!isAnsweredId(id)) {
      throw new SourceError("unavailable", `asked for ${refusedId(id)}: no request made`);
    }
  }
  return String.raw(strings, ...ids);
}
var ConnectSource = class {
  #http;
  #origin;
  #base;
  constructor(options) {
    this.#origin = options.host.origin;
    this.#base = options.host.pathname.replace(/\/+$/, "");
    this.#http = new HttpClient({
      origin: options.host.origin,
      headers: { authorization: `Bearer ${options.token}`, accept: "application/json" },
      ...options.ca ? { ca: options.ca } : {},
      ...options.policy ? { policy: options.policy } : {},
      ...options.clock ? { clock: options.clock } : {},
      ...options.dispatcher ? { dispatcher: options.dispatcher } : {}
    });
  }
  async listVaults() {
    const body = await this.#json("/v1/vaults", "the vault list");
    return records(body, "the vault list", notJson).map(
      (vault) => summary(vault, "name", "the vault list", notJson)
    );
  }
  async getVault(vaultId) {
    const body = await this.#json(path`/v1/vaults/${vaultId}`, `vault ${vaultId}`);
    const what = `vault ${vaultId}`;
    return summary(object(body, what, notJson), "name", what, notJson);
  }
  async listItems(vaultId) {
    const what = `the item list of vault ${vaultId}`;
    const body = await this.#json(path`/v1/vaults/${vaultId}/items`, what);
    return records(body, what, notJson).map((item) => summary(item, "title", what, notJson));
  }
  async getItem(vaultId, itemId) {
    const what = `item ${itemId} of vault ${vaultId}`;
    const body = await this.#json(path`/v1/vaults/${vaultId}/items/${itemId}`, what);
    return toItem(body, vaultId, notJson);
  }
  async getFile(vaultId, itemId, fileId) {
    const what = `file ${fileId} of item ${itemId}`;
    const response = await this.#get(
      path`/v1/vaults/${vaultId}/items/${itemId}/files/${fileId}/content`,
      what
    );
    return response.body;
  }
  close() {
    return this.#http.close();
  }
  async #json(path2, what) {
    const response = await this.#get(path2, what);
    if (!isJsonMediaType(response.contentType)) throw notJson(what);
    try {
      return JSON.parse(decoder.decode(response.body));
    } catch {
      throw notJson(what);
    }
  }
  async #get(path2, what) {
    let response;
    try {
      response = await this.#http.get(`${this.#base}${path2}`);
    } catch (thrown) {
      if (!(thrown instanceof HttpFailure)) throw thrown;
      if (thrown.kind === "too-large") {
        throw new SourceError(
          "unavailable",
          `Connect's answer for ${what} exceeded ${MAX_RESPONSE_BYTES / 2 ** 20} MiB: abandoned unread`
        );
      }
      const hint = thrown.kind === "tls" ? Hint.connectCa : Hint.connectHost;
      throw new SourceError(
        "unavailable",
        `Connect did not answer for ${what}: ${thrown.message} (${hint})`
      );
    }
    if (response.status === 200) return response;
    throw this.#failure(response, what);
  }
  #failure(response, what) {
    if (response.status >= 300 && response.status < 400) {
      return new SourceError(
        "unavailable",
        `Connect answered ${what} with a redirect (HTTP ${response.status}${this.#target(response)}), something other than the API's JSON: redirects are not followed (${Hint.connectHost})`
      );
    }
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
  /** Where a redirect points, as an origin only (a path or query might carry credentials). */
  #target(response) {
    if (response.location === void 0) return "";
    try {
      return ` to ${redact(new URL(response.location, this.#origin).origin)}`;
    } catch {
      return "";
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
  ConnectSource,
  isJsonMediaType
};
