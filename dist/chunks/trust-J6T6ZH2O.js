import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  readInputFile
} from "./chunk-ETKEAHR5.js";
import "./chunk-I72ZCDWK.js";
import {
  Code,
  SecretsError
} from "./chunk-Z7N6BKTX.js";
import "./chunk-YIPELEOB.js";

// src/backends/trust.ts
import { X509Certificate } from "node:crypto";
import { getCACertificates } from "node:tls";
var PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
function extraCertificates(value, place) {
  let text = value;
  if (!value.includes("-----BEGIN")) {
    text = readInputFile("connect-ca", value, place);
  }
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) {
    throw new SecretsError(
      Code.configInvalid,
      "connect-ca holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
    );
  }
  for (const [index, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch {
      throw new SecretsError(
        Code.configInvalid,
        `connect-ca: certificate ${index + 1} cannot be parsed`
      );
    }
  }
  return blocks;
}
function trustedCertificates(extra) {
  let system = [];
  try {
    system = getCACertificates("system");
  } catch {
  }
  return [.../* @__PURE__ */ new Set([...getCACertificates("default"), ...system, ...extra])];
}
export {
  extraCertificates,
  trustedCertificates
};
