/**
 * Preloaded with `--import`: at exit, writes the files of every module the process loaded (ES
 * modules and CommonJS alike, through a module hook) to the file named by MODULES_LOADED_FILE,
 * and, when FILES_READ_FILE names a file, every path the process opened or read through node:fs.
 */
import { registerHooks, syncBuiltinESMExports } from 'node:module';

const file = process.env['MODULES_LOADED_FILE'];
const filesRead = process.env['FILES_READ_FILE'];
const fs = process.getBuiltinModule('node:fs');
const write = fs.writeFileSync;

if (file) {
  const loaded = new Set<string>();
  registerHooks({
    load(url, context, nextLoad) {
      if (url.startsWith('file:')) loaded.add(url);
      return nextLoad(url, context);
    },
  });
  process.on('exit', () => {
    write(file, JSON.stringify([...loaded]));
  });
}

if (filesRead) {
  const paths = new Set<string>();
  const trace = (target: object, name: string): void => {
    const original: unknown = Reflect.get(target, name);
    if (typeof original !== 'function') return;
    Reflect.set(target, name, (...args: unknown[]): unknown => {
      const [path] = args;
      if (typeof path === 'string' || path instanceof URL) paths.add(String(path));
      return Reflect.apply(original, target, args) as unknown;
    });
  };
  for (const name of ['readFileSync', 'readFile', 'openSync', 'open', 'createReadStream']) {
    trace(fs, name);
  }
  for (const name of ['readFile', 'open']) trace(fs.promises, name);
  // ES imports of node:fs hold their own bindings: point them at the traced functions too.
  syncBuiltinESMExports();
  process.on('exit', () => {
    write(filesRead, JSON.stringify([...paths]));
  });
}
