import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  require_node_crypto
} from "./chunk-YFXHCP4T.js";
import {
  require_node_fs,
  require_node_path
} from "./chunk-SJM62E2P.js";
import {
  Code,
  SecretsError
} from "./chunk-PFO4Y6WD.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-YIPELEOB.js";

// builtin:node:tls
var require_node_tls = __commonJS({
  "builtin:node:tls"(exports, module) {
    module.exports = __require("node:tls");
  }
});

// src/backends/trust.ts
var import_node_crypto = __toESM(require_node_crypto(), 1);
var import_node_fs = __toESM(require_node_fs(), 1);
var import_node_path = __toESM(require_node_path(), 1);
var import_node_tls = __toESM(require_node_tls(), 1);
var PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
function extraCertificates(value, cwd = process.cwd()) {
  let text = value;
  if (!value.includes("-----BEGIN")) {
    const path = (0, import_node_path.resolve)(cwd, value);
    if (!(0, import_node_fs.existsSync)(path)) {
      throw new SecretsError(
        Code.configInvalid,
        `connect-ca: no PEM text, and no file at "${value}"`
      );
    }
    text = (0, import_node_fs.readFileSync)(path, "utf8");
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
      new import_node_crypto.X509Certificate(block);
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
    system = (0, import_node_tls.getCACertificates)("system");
  } catch {
  }
  return [.../* @__PURE__ */ new Set([...(0, import_node_tls.getCACertificates)("default"), ...system, ...extra])];
}
export {
  extraCertificates,
  trustedCertificates
};
