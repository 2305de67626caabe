/**
 * Preload hooks for the measured child (`node --import <hook> dist/index.js`).
 *
 * Each hook is a self-contained function (no imports, no closure: it reaches builtins with
 * `process.getBuiltinModule`), written to a temporary `.mjs` file as
 * `(<function source>)();`. Under Node's type stripping the source of a function is plain
 * JavaScript, so the hooks are type-checked and linted here, and yet the child does not
 * load the TypeScript stripper, which would add ~17 MB of RSS and ~30 ms to what is measured.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What `traceLoads` writes to `BENCH_TRACE_FILE` when the process exits. */
export interface LoadTrace {
  /** Every module URL loaded (ESM imports, dynamic imports, require()), in order. */
  readonly modules: string[];
  /** Every path passed to a file-reading function of node:fs, in order. */
  readonly files: string[];
}

/** Records every module loaded and every file read, for `BENCH_TRACE_FILE`. */
function traceLoads(): void {
  const out = process.env['BENCH_TRACE_FILE'];
  if (out === undefined || out === '') return;
  const fs = process.getBuiltinModule('node:fs');
  const mod = process.getBuiltinModule('node:module');
  const write = fs.writeFileSync;
  const trace = { modules: [] as string[], files: [] as string[] };
  mod.registerHooks({
    load(url, context, nextLoad) {
      trace.modules.push(url);
      return nextLoad(url, context);
    },
  });
  const wrap = (target: object, name: string): void => {
    const original: unknown = Reflect.get(target, name);
    if (typeof original !== 'function') return;
    Reflect.set(target, name, (...args: unknown[]): unknown => {
      const [first] = args;
      if (typeof first === 'string' || first instanceof URL || first instanceof Uint8Array) {
        trace.files.push(
          first instanceof Uint8Array ? Buffer.from(first).toString('utf8') : String(first),
        );
      }
      return Reflect.apply(original, target, args) as unknown;
    });
  };
  for (const name of ['readFileSync', 'readFile', 'openSync', 'open', 'createReadStream']) {
    wrap(fs, name);
  }
  for (const name of ['readFile', 'open']) wrap(fs.promises, name);
  // ESM named imports of node:fs are snapshots: refresh them with the wrappers.
  mod.syncBuiltinESMExports();
  process.on('exit', () => {
    write(out, JSON.stringify(trace));
  });
}

/** Writes the process's peak resident set size (KiB) to `BENCH_RSS_FILE` when it exits. */
function reportRss(): void {
  const out = process.env['BENCH_RSS_FILE'];
  if (out === undefined || out === '') return;
  const fs = process.getBuiltinModule('node:fs');
  process.on('exit', () => {
    fs.writeFileSync(out, String(process.resourceUsage().maxRSS));
  });
}

export interface Hooks {
  /** The directory holding the hook files (and free for the bench's scratch files). */
  readonly dir: string;
  readonly traceLoads: string;
  readonly reportRss: string;
}

/** Writes the hooks as `.mjs` files into a fresh temporary directory. */
export function writeHooks(): Hooks {
  const dir = mkdtempSync(join(tmpdir(), 'op-secrets-bench-'));
  const emit = (name: string, hook: () => void): string => {
    const file = join(dir, `${name}.mjs`);
    writeFileSync(file, `(${hook.toString()})();\n`);
    return file;
  };
  return {
    dir,
    traceLoads: emit('trace-loads', traceLoads),
    reportRss: emit('report-rss', reportRss),
  };
}
