import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  actionsRunner,
  filesDir,
  isFilesDir
} from "./chunks/chunk-7KODC4XL.js";
import "./chunks/chunk-GQWCDBQF.js";
import "./chunks/chunk-WDUA56UJ.js";
import {
  describe
} from "./chunks/chunk-Y3IQBPGA.js";
import "./chunks/chunk-YIPELEOB.js";

// src/cleanup.ts
import { existsSync, rmSync } from "node:fs";
function cleanup(runner) {
  const dir = filesDir(runner);
  if (dir === void 0) {
    runner.info("no secret files were written: nothing to remove");
    return;
  }
  if (!isFilesDir(dir, runner.env)) {
    runner.warning(`not removing ${dir}: it is not a directory this action created`);
    return;
  }
  if (!existsSync(dir)) {
    runner.info(`secret files already removed (${dir})`);
    return;
  }
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    runner.info(`removed the secret files in ${dir}`);
  } catch (thrown) {
    runner.warning(`could not remove ${dir}: ${describe(thrown)}`);
  }
}

// src/post.ts
function run(runner = actionsRunner()) {
  try {
    cleanup(runner);
  } catch (thrown) {
    runner.warning(`op-secrets post step: ${describe(thrown)}`);
  }
  return Promise.resolve();
}

// src/post-index.ts
await run();
