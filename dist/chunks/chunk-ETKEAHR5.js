import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  printable
} from "./chunk-I72ZCDWK.js";
import {
  Code,
  SecretsError,
  describe
} from "./chunk-Z7N6BKTX.js";

// src/input-file.ts
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readSync,
  realpathSync,
  statSync
} from "node:fs";
import path from "node:path";
var MAX_INPUT_FILE_BYTES = 1024 * 1024;
var SYSTEM_TREES = ["/proc", "/sys", "/dev"];
function workspaceOf(place) {
  return path.resolve(place.cwd, place.env["GITHUB_WORKSPACE"] || place.cwd);
}
function isInside(dir, target, paths = path) {
  const fold = (text) => paths.sep === "\\" ? text.toLowerCase() : text;
  const relative = paths.relative(fold(dir), fold(target));
  const up = relative === ".." || relative.startsWith(`..${paths.sep}`);
  return !up && !paths.isAbsolute(relative);
}
function inSystemTree(real) {
  if (process.platform === "win32") return false;
  return SYSTEM_TREES.some((tree) => real === tree || real.startsWith(`${tree}/`));
}
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
function refused(input, given, why) {
  return new SecretsError(Code.configInvalid, `${input} "${printable(given)}" ${printable(why)}`);
}
function unreadable(input, given, thrown) {
  return refused(input, given, `cannot be read: ${describe(thrown)}`);
}
function checked(input, given, place) {
  let real;
  let stats;
  try {
    real = realpathSync.native(path.resolve(place.cwd, given));
    stats = statSync(real, { bigint: true });
  } catch (thrown) {
    throw unreadable(input, given, thrown);
  }
  const what = problem(stats);
  if (what !== void 0) throw refused(input, given, what);
  if (inSystemTree(real)) {
    throw refused(input, given, `leads to ${real}: nothing is read from /proc, /sys or /dev`);
  }
  if (!path.isAbsolute(given)) {
    const workspace = workspaceOf(place);
    let realWorkspace;
    try {
      realWorkspace = realpathSync.native(workspace);
    } catch (thrown) {
      throw refused(input, given, `cannot be checked against the workspace: ${describe(thrown)}`);
    }
    if (!isInside(realWorkspace, real)) {
      throw refused(
        input,
        given,
        `leads to ${real}, outside the workspace (${realWorkspace}): a relative path must stay inside it once symlinks are followed; give an absolute path to read a file elsewhere`
      );
    }
  }
  return { real, stats };
}
function readInputBytes(input, given, place) {
  const { real, stats } = checked(input, given, place);
  let fd;
  try {
    const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);
    fd = openSync(real, flags);
  } catch (thrown) {
    throw unreadable(input, given, thrown);
  }
  try {
    const opened = fstatSync(fd, { bigint: true });
    const after = problem(opened);
    if (after !== void 0) throw refused(input, given, after);
    if (opened.dev !== stats.dev || opened.ino !== stats.ino) {
      throw refused(
        input,
        given,
        "was replaced between its check and its opening: run the step again"
      );
    }
    const buffer = Buffer.alloc(MAX_INPUT_FILE_BYTES + 1);
    let length = 0;
    for (; ; ) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > MAX_INPUT_FILE_BYTES) {
        throw refused(
          input,
          given,
          `is more than the 1 MiB (${MAX_INPUT_FILE_BYTES} bytes) allowed`
        );
      }
    }
    return Buffer.from(buffer.subarray(0, length));
  } catch (thrown) {
    if (thrown instanceof SecretsError) throw thrown;
    throw unreadable(input, given, thrown);
  } finally {
    closeSync(fd);
  }
}
function readInputFile(input, given, place) {
  return readInputBytes(input, given, place).toString("utf8");
}

export {
  readInputBytes,
  readInputFile
};
