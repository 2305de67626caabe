/**
 * Preloaded with `--import`: at exit, writes the builtins the process loaded (Node's own
 * `process.moduleLoadList`) to the file named by BUILTINS_LOADED_FILE.
 */
const file = process.env['BUILTINS_LOADED_FILE'];
if (file) {
  process.on('exit', () => {
    // Undocumented but long-standing: every builtin module and binding the process loaded.
    const { moduleLoadList } = process as unknown as { moduleLoadList: readonly string[] };
    const builtins = moduleLoadList
      .filter((entry) => entry.startsWith('NativeModule '))
      .map((entry) => entry.slice('NativeModule '.length));
    // Not imported: importing node:fs as an ES module would itself load readline.
    process.getBuiltinModule('node:fs').writeFileSync(file, JSON.stringify(builtins));
  });
}
