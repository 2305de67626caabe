import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  actionsRunner,
  filesDir,
  filesDirProblem,
  filesRoot,
  guarded
} from "./chunks/chunk-W2AUPYKH.js";
import "./chunks/chunk-WDUA56UJ.js";
import "./chunks/chunk-GQWCDBQF.js";
import "./chunks/chunk-ENXYGZEB.js";
import "./chunks/chunk-HF5DZGPA.js";
import {
  describe
} from "./chunks/chunk-Z7N6BKTX.js";
import "./chunks/chunk-YIPELEOB.js";

// src/cleanup.ts
import { lstatSync, realpathSync, rmSync } from "node:fs";
import path from "node:path";
function onDiskProblem(dir, stats, runner) {
  if (stats.isSymbolicLink()) return "it is a link";
  if (!stats.isDirectory()) return "it is not a directory";
  const real = path.join(realpathSync(filesRoot(runner.env).root), path.basename(dir));
  return realpathSync(dir) === real ? void 0 : `its real path is not ${real}`;
}
function refuse(runner, dir, why) {
  runner.warning(`not removing ${dir}: it is not a directory this action created (${why})`);
}
function cleanup(runner) {
  const dir = filesDir(runner);
  if (dir === void 0) {
    runner.info("no secret files were written: nothing to remove");
    return;
  }
  const problem = filesDirProblem(dir, runner.env);
  if (problem !== void 0) {
    refuse(runner, dir, problem);
    return;
  }
  let stats;
  try {
    stats = lstatSync(dir);
  } catch (thrown) {
    if (thrown.code === "ENOENT") {
      runner.info(`secret files already removed (${dir})`);
    } else {
      runner.warning(`could not remove ${dir}: ${describe(thrown)}`);
    }
    return;
  }
  try {
    const found = onDiskProblem(dir, stats, runner);
    if (found !== void 0) {
      refuse(runner, dir, found);
      return;
    }
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
await guarded("post", run);
