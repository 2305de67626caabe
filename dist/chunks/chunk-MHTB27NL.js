import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  Code,
  SecretsError,
  describe
} from "./chunk-Y3IQBPGA.js";

// src/input-file.ts
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from "node:fs";
import { resolve } from "node:path";
var MAX_INPUT_FILE_BYTES = 1024 * 1024;
function kind(stats) {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  if (stats.isSocket()) return "a socket";
  return "not a regular file";
}
function problem(stats) {
  if (!stats.isFile()) return `is ${kind(stats)}, not a regular file`;
  if (stats.size > MAX_INPUT_FILE_BYTES) {
    return `is ${stats.size} bytes, more than the 1 MiB (${MAX_INPUT_FILE_BYTES} bytes) allowed`;
  }
  return void 0;
}
function refused(input, path, why) {
  return new SecretsError(Code.configInvalid, `${input} "${path}" ${why}`);
}
function readInputBytes(input, path, cwd) {
  const full = resolve(cwd, path);
  let stats;
  try {
    stats = statSync(full);
  } catch (thrown) {
    throw refused(input, path, `cannot be read: ${describe(thrown)}`);
  }
  const before = problem(stats);
  if (before !== void 0) throw refused(input, path, before);
  let fd;
  try {
    fd = openSync(full, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (thrown) {
    throw refused(input, path, `cannot be read: ${describe(thrown)}`);
  }
  try {
    const after = problem(fstatSync(fd));
    if (after !== void 0) throw refused(input, path, after);
    const buffer = Buffer.alloc(MAX_INPUT_FILE_BYTES + 1);
    let length = 0;
    for (; ; ) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > MAX_INPUT_FILE_BYTES) {
        throw refused(
          input,
          path,
          `is more than the 1 MiB (${MAX_INPUT_FILE_BYTES} bytes) allowed`
        );
      }
    }
    return Buffer.from(buffer.subarray(0, length));
  } catch (thrown) {
    if (thrown instanceof SecretsError) throw thrown;
    throw refused(input, path, `cannot be read: ${describe(thrown)}`);
  } finally {
    closeSync(fd);
  }
}
function readInputFile(input, path, cwd) {
  return readInputBytes(input, path, cwd).toString("utf8");
}

export {
  readInputBytes,
  readInputFile
};
