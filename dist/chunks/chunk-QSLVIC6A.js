import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  Code,
  Hint,
  SecretsError
} from "./chunk-Y3IQBPGA.js";

// src/refs.ts
var SCHEME = "op://";
var ID_PATTERN = /^[a-z0-9]{26}$/;
function isId(segment) {
  return ID_PATTERN.test(segment);
}
var CONTROL = /[\u0000-\u001f\u007f]/;
function hasControlCharacter(text) {
  return CONTROL.test(text);
}
function invalid(message) {
  return new SecretsError(Code.refInvalid, message);
}
function parseOption(query, shown) {
  const option = query === "attribute=otp" || query === "attribute=totp" ? "otp" : void 0;
  if (option) return { kind: option };
  if (query === "ssh-format=openssh") return { kind: "openssh" };
  if (query.includes("&")) {
    throw invalid("only one query option is allowed per reference");
  }
  const quoted = shown && query.length <= 100 ? ` "?${query}"` : "";
  throw invalid(
    `unsupported query option${quoted}: use ?attribute=otp (or totp) or ?ssh-format=openssh`
  );
}
function checkSegments(segments) {
  segments.forEach((segment, index) => {
    const position = `segment ${index + 1}`;
    if (segment.length === 0) throw invalid(`${position} is empty (${Hint.refForm})`);
    if (segment.trim() !== segment) {
      throw invalid(`${position} has leading or trailing whitespace`);
    }
    if (CONTROL.test(segment)) throw invalid(`${position} contains a control character`);
  });
}
function readingsOf(path) {
  const last = path.at(-1);
  const before = path.slice(0, -1);
  if (last === "*") return [{ item: before.join("/"), wholeItem: true }];
  const readings = [{ item: before.join("/"), field: last }];
  if (before.length === 2) {
    readings.push({ item: before[0], section: before[1], field: last });
  }
  return readings;
}
function parseRef(raw, defaultVault) {
  if (raw.trim() !== raw) throw invalid("the reference has leading or trailing whitespace");
  if (raw.length === 0) throw invalid(`the reference is empty (${Hint.refForm})`);
  if (raw.includes("#")) throw invalid("fragments (#...) are not allowed in a reference");
  let body;
  let vaultFromInput;
  if (raw.startsWith(SCHEME)) {
    body = raw.slice(SCHEME.length);
  } else if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(raw)) {
    throw invalid(`only op:// references are supported (${Hint.refForm})`);
  } else if (defaultVault === void 0 || defaultVault === "") {
    throw invalid(`a reference without op:// needs the vault input (${Hint.refForm})`);
  } else {
    body = raw;
    vaultFromInput = defaultVault;
  }
  const queryAt = body.indexOf("?");
  const path = queryAt === -1 ? body : body.slice(0, queryAt);
  const option = queryAt === -1 ? void 0 : parseOption(body.slice(queryAt + 1), vaultFromInput === void 0);
  const segments = [...vaultFromInput === void 0 ? [] : [vaultFromInput], ...path.split("/")];
  checkSegments(segments);
  if (segments.length < 3) {
    throw invalid(`a reference needs a vault, an item and a field (${Hint.refForm})`);
  }
  const [vault, ...rest] = segments;
  const readings = readingsOf(rest);
  if (option && readings.some((reading) => "wholeItem" in reading)) {
    throw invalid("query options do not apply to a whole item (/*)");
  }
  const query = queryAt === -1 ? "" : body.slice(queryAt);
  return { text: `${SCHEME}${segments.join("/")}${query}`, vault, readings, option };
}
function looksLikeRef(value) {
  return value.startsWith(SCHEME);
}

export {
  SCHEME,
  isId,
  hasControlCharacter,
  parseRef,
  looksLikeRef
};
