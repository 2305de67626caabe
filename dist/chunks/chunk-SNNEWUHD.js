import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));

// src/text.ts
var decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
function utf8(bytes) {
  try {
    return decoder.decode(bytes);
  } catch {
    return void 0;
  }
}

export {
  utf8
};
