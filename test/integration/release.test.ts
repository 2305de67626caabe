/** scripts/release.ts in a scratch git repository and as a command: these start git and node. */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gitCommands, prepare, undo } from '../../scripts/release.ts';

const root = new URL('../../', import.meta.url);

const HEAD = `# Changelog

Intro.

`;

describe('prepare (in a scratch git repository)', () => {
  function scratch(changelog: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'release-'));
    writeFileSync(join(dir, 'package.json'), '{\n  "name": "x",\n  "version": "0.1.0"\n}\n');
    writeFileSync(
      join(dir, 'package-lock.json'),
      '{\n  "name": "x",\n  "version": "0.1.0",\n  "lockfileVersion": 3,\n  "packages": {\n    "": {\n      "name": "x",\n      "version": "0.1.0"\n    }\n  }\n}\n',
    );
    writeFileSync(join(dir, 'CHANGELOG.md'), changelog);
    mkdirSync(join(dir, 'dist', 'chunks'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'index.js'), 'import "./chunks/main-AAAA.js";\n');
    writeFileSync(join(dir, 'dist', 'chunks', 'main-AAAA.js'), 'export {};\n');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
    git('init', '-q');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'init');
    return dir;
  }

  it('writes the version, the CHANGELOG section, builds, and prints the commands', () => {
    const dir = scratch(`${HEAD}## [Unreleased]\n\n- A.\n`);
    try {
      const built: string[] = [];
      const lines: string[] = [];
      prepare(dir, '1.0.0', {
        date: '2026-12-03',
        build: (cwd) => built.push(cwd),
        log: (line) => lines.push(line),
      });
      assert.deepEqual(built, [dir]);
      assert.equal(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version, '1.0.0');
      const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
      assert.equal(lock.version, '1.0.0');
      assert.equal(lock.packages[''].version, '1.0.0');
      assert.equal(
        readFileSync(join(dir, 'CHANGELOG.md'), 'utf8'),
        `${HEAD}## [Unreleased]\n\n## [1.0.0] - 2026-12-03\n\n- A.\n`,
      );
      assert.ok(lines.some((line) => line.includes(gitCommands('1.0.0'))));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const status = (dir: string) =>
    execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' });
  /** A build as esbuild does one after a version change: a chunk renamed, the entry rewritten. */
  const rebuild = (cwd: string) => {
    rmSync(join(cwd, 'dist', 'chunks', 'main-AAAA.js'));
    writeFileSync(join(cwd, 'dist', 'chunks', 'main-BBBB.js'), 'export {};\n');
    writeFileSync(join(cwd, 'dist', 'index.js'), 'import "./chunks/main-BBBB.js";\n');
  };

  it('release:undo takes a prepared release back, new chunks too, so that prepare runs again', () => {
    const dir = scratch(`${HEAD}## [Unreleased]\n\n- A.\n`);
    try {
      prepare(dir, '1.0.0', { build: rebuild, log: () => {} });
      assert.match(status(dir), /\?\? dist\/chunks\/main-BBBB\.js/);
      execFileSync('git', ['add', 'package.json'], { cwd: dir });
      writeFileSync(join(dir, 'notes.txt'), 'mine');
      const lines: string[] = [];
      undo(dir, (line) => lines.push(line));
      assert.equal(status(dir), '?? notes.txt\n');
      assert.match(lines.join('\n'), /^Undone:\n[^]*\?\? dist\/chunks\/main-BBBB\.js$/);
      rmSync(join(dir, 'notes.txt'));
      prepare(dir, '1.0.0', { build: rebuild, log: () => {} });
      assert.equal(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version, '1.0.0');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('release:undo refuses when no release is prepared, and leaves the work alone', () => {
    const dir = scratch(`${HEAD}## [Unreleased]\n\n- A.\n`);
    try {
      writeFileSync(join(dir, 'CHANGELOG.md'), `${HEAD}## [Unreleased]\n\n- A.\n- B.\n`);
      writeFileSync(join(dir, 'dist', 'new.js'), 'mine');
      assert.throws(() => undo(dir), /no prepared release to undo: .*0\.1\.0/);
      assert.equal(status(dir), ' M CHANGELOG.md\n?? dist/new.js\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('undoes its own changes when the build fails', () => {
    const dir = scratch(`${HEAD}## [Unreleased]\n\n- A.\n`);
    try {
      const failing = (cwd: string) => {
        rebuild(cwd);
        throw new Error('esbuild: syntax error');
      };
      assert.throws(
        () => prepare(dir, '1.0.0', { build: failing, log: () => {} }),
        /the build failed, so the changes were undone: esbuild: syntax error/,
      );
      assert.equal(status(dir), '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const refusals: [
    name: string,
    version: string,
    changelog: string,
    dirty: boolean,
    error: RegExp,
  ][] = [
    ['a dirty tree', '1.0.0', `${HEAD}## [Unreleased]\n\n- A.\n`, true, /not clean/],
    ['an empty [Unreleased]', '1.0.0', `${HEAD}## [Unreleased]\n`, false, /empty/],
    ['a lower version', '0.0.1', `${HEAD}## [Unreleased]\n\n- A.\n`, false, /not greater/],
  ];
  for (const [name, version, changelog, dirty, error] of refusals) {
    it(`refuses ${name} and changes nothing`, () => {
      const dir = scratch(changelog);
      try {
        if (dirty) writeFileSync(join(dir, 'stray.txt'), 'x');
        let built = false;
        assert.throws(
          () => prepare(dir, version, { build: () => (built = true), log: () => {} }),
          error,
        );
        assert.equal(built, false);
        const status = execFileSync('git', ['status', '--porcelain'], {
          cwd: dir,
          encoding: 'utf8',
        });
        assert.equal(status, dirty ? '?? stray.txt\n' : '');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('the command line', () => {
  const script = fileURLToPath(new URL('scripts/release.ts', root));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });

  const cases: [args: string[], stderr: RegExp][] = [
    [['0.0.1'], /not greater than package\.json's version/],
    [['v9.0.0'], /not a version/],
    [['notes', '99.0.0'], /no "## \[99\.0\.0\]" section/],
    [[], /usage/],
    [['notes'], /usage/],
  ];
  for (const [args, stderr] of cases) {
    it(`${args.join(' ') || '(no arguments)'} fails: ${String(stderr)}`, () => {
      const result = run(...args);
      assert.equal(result.status, 1);
      assert.match(result.stderr, stderr);
      assert.equal(result.stdout, '');
    });
  }
});
