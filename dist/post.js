import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  FILES_PREFIX,
  filesDir,
  info,
  require_node_os,
  warning
} from "./chunks/chunk-QEBLNKNK.js";
import {
  require_node_fs,
  require_node_path
} from "./chunks/chunk-SJM62E2P.js";
import {
  describe
} from "./chunks/chunk-PFO4Y6WD.js";
import {
  __toESM
} from "./chunks/chunk-YIPELEOB.js";

// src/cleanup.ts
var import_node_fs = __toESM(require_node_fs(), 1);
var import_node_os = __toESM(require_node_os(), 1);
var import_node_path = __toESM(require_node_path(), 1);
function cleanup(env = process.env) {
  const dir = filesDir();
  if (dir === void 0) {
    info("no secret files were written: nothing to remove");
    return;
  }
  if (!(0, import_node_path.basename)(dir).startsWith(FILES_PREFIX) || !isUnderTemp(dir, env)) {
    warning(`not removing ${dir}: it is not a directory this action created`);
    return;
  }
  if (!(0, import_node_fs.existsSync)(dir)) {
    info(`secret files already removed (${dir})`);
    return;
  }
  try {
    (0, import_node_fs.rmSync)(dir, { recursive: true, force: true, maxRetries: 3 });
    info(`removed the secret files in ${dir}`);
  } catch (thrown) {
    warning(
      `could not remove ${dir}: ${thrown instanceof Error ? thrown.message : String(thrown)}`
    );
  }
}
function isUnderTemp(dir, env) {
  const runnerTemp = env["RUNNER_TEMP"];
  const roots = runnerTemp === void 0 || runnerTemp === "" ? [(0, import_node_os.tmpdir)()] : [runnerTemp];
  return roots.some(
    (root) => root !== void 0 && root !== "" && (0, import_node_path.resolve)((0, import_node_path.dirname)(dir)) === (0, import_node_path.resolve)(root)
  );
}

// src/post.ts
try {
  cleanup();
} catch (thrown) {
  warning(`op-secrets post step: ${describe(thrown)}`);
}
