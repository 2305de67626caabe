import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  FILES_PREFIX,
  filesDir,
  info,
  warning
} from "./chunks/chunk-NSQXWQYC.js";
import "./chunks/chunk-HSV4OUQ7.js";
import {
  describe
} from "./chunks/chunk-PFO4Y6WD.js";
import "./chunks/chunk-YIPELEOB.js";

// src/cleanup.ts
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, resolve } from "node:path";
function cleanup(env = process.env) {
  const dir = filesDir();
  if (dir === void 0) {
    info("no secret files were written: nothing to remove");
    return;
  }
  if (!basename(dir).startsWith(FILES_PREFIX) || !isUnderTemp(dir, env)) {
    warning(`not removing ${dir}: it is not a directory this action created`);
    return;
  }
  if (!existsSync(dir)) {
    info(`secret files already removed (${dir})`);
    return;
  }
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    info(`removed the secret files in ${dir}`);
  } catch (thrown) {
    warning(
      `could not remove ${dir}: ${thrown instanceof Error ? thrown.message : String(thrown)}`
    );
  }
}
function isUnderTemp(dir, env) {
  const runnerTemp = env["RUNNER_TEMP"];
  const roots = runnerTemp === void 0 || runnerTemp === "" ? [tmpdir()] : [runnerTemp];
  return roots.some(
    (root) => root !== void 0 && root !== "" && resolve(dirname(dir)) === resolve(root)
  );
}

// src/post.ts
try {
  cleanup();
} catch (thrown) {
  warning(`op-secrets post step: ${describe(thrown)}`);
}
