/**
 * Preloaded with `--import`: at exit, writes the files of every module the process loaded (ES
 * modules and CommonJS alike, through a module hook) to the file named by MODULES_LOADED_FILE.
 */
import { registerHooks } from 'node:module';

const file = process.env['MODULES_LOADED_FILE'];
if (file) {
  const loaded = new Set<string>();
  registerHooks({
    load(url, context, nextLoad) {
      if (url.startsWith('file:')) loaded.add(url);
      return nextLoad(url, context);
    },
  });
  process.on('exit', () => {
    process.getBuiltinModule('node:fs').writeFileSync(file, JSON.stringify([...loaded]));
  });
}
