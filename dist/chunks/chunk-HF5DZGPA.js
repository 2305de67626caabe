import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));

// src/redact.ts
import { Buffer } from "node:buffer";
var TOKEN_PATTERNS = [
  /ops_[A-Za-z0-9_\-.=+/]+/g,
  // service-account tokens
  /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g,
  // JWTs (Connect tokens)
  // The scheme may be repeated (`bearer Bearer <token>`): the token is what follows the last.
  /\bBearer(?:\s+Bearer\b)*\s+[A-Za-z0-9_\-.=+/]+/gi
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
var MAX_CREDENTIAL_BYTES = 64 * 1024;
function oversizedCredential(value) {
  return Buffer.byteLength(value, "utf8") > MAX_CREDENTIAL_BYTES;
}
var registered = /* @__PURE__ */ new Set();
var windows = new Float64Array(0);
var shortForms = [];
function registerCredential(value) {
  if (value.length === 0 || registered.has(value)) return;
  if (oversizedCredential(value)) throw new Error("a credential over 64 KiB cannot be registered");
  registered.add(value);
  const short = new Set(shortForms);
  const long = /* @__PURE__ */ new Set();
  const values = [value, ...innerValues(value)];
  for (const [index, one] of values.entries()) {
    const { whole, partial } = formsOf(one);
    for (const form of whole) {
      if (form.length >= RUN_LENGTH) long.add(form);
      else if (form.length > 0 && (index === 0 || form.length >= MIN_DECODED_LENGTH)) {
        short.add(form);
      }
    }
    for (const form of partial) long.add(form);
  }
  addWindows([...long]);
  shortForms = [...short].sort((a, b) => b.length - a.length);
}
function redact(text) {
  let out = text;
  for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, "***");
  out = hideRuns(out);
  for (const form of shortForms) out = out.split(form).join("***");
  return out;
}
function addWindows(forms) {
  const hashes = forms.map(windowHashes);
  const all = new Float64Array(hashes.reduce((sum, one) => sum + one.length, windows.length));
  all.set(windows);
  let at = windows.length;
  for (const one of hashes) {
    all.set(one, at);
    at += one.length;
  }
  windows = all.sort();
}
var BASES = [16777619, 1540483477];
var POWERS = BASES.map((base) => {
  let power = 1;
  for (let i = 0; i < RUN_LENGTH; i++) power = Math.imul(power, base);
  return power;
});
function windowHashes(text) {
  const out = new Float64Array(Math.max(0, text.length - RUN_LENGTH + 1));
  const [b1, b2] = BASES;
  const [p1 = 0, p2 = 0] = POWERS;
  let h1 = 0;
  let h2 = 0;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    h1 = Math.imul(h1, b1) + code | 0;
    h2 = Math.imul(h2, b2) + code | 0;
    if (at >= RUN_LENGTH) {
      const gone = text.charCodeAt(at - RUN_LENGTH);
      h1 = h1 - Math.imul(gone, p1) | 0;
      h2 = h2 - Math.imul(gone, p2) | 0;
    }
    if (at >= RUN_LENGTH - 1) out[at - RUN_LENGTH + 1] = (h1 >>> 0) * 2 ** 21 + (h2 >>> 11);
  }
  return out;
}
function isWindow(hash) {
  let low = 0;
  let high = windows.length - 1;
  while (low <= high) {
    const middle = low + high >>> 1;
    const found = windows[middle] ?? 0;
    if (found === hash) return true;
    if (found < hash) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}
function hideRuns(text) {
  if (windows.length === 0 || text.length < RUN_LENGTH) return text;
  const hashes = windowHashes(text);
  let out = "";
  let kept = 0;
  let start = -1;
  let end = -1;
  for (let at = 0; at < hashes.length; at++) {
    if (!isWindow(hashes[at] ?? 0)) continue;
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

export {
  MAX_CREDENTIAL_BYTES,
  oversizedCredential,
  registerCredential,
  redact
};
