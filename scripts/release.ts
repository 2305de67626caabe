/**
 * Releases, in two commands (and one to take the first back):
 *
 * - `npm run release:prepare -- X.Y.Z` (a maintainer, on a clean tree) checks that X.Y.Z is a
 *   version greater than package.json's, moves the `[Unreleased]` entries of CHANGELOG.md into
 *   a `## [X.Y.Z] - YYYY-MM-DD` section, sets the version in package.json and
 *   package-lock.json, rebuilds dist/ and prints the git commands that commit, tag and push.
 *   It pushes nothing; when the build fails, it undoes its changes.
 * - `npm run release:undo` puts back what release:prepare changed (its files, and dist/ with
 *   any new chunk files removed), so that it can run again.
 * - `npm run release:notes -- X.Y.Z` (the release workflow) prints the CHANGELOG section
 *   of X.Y.Z, the notes of the GitHub release; it fails when there is none or it is empty.
 *
 * The pure parts are exported for test/unit/release.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Version = readonly [major: number, minor: number, patch: number];

/** `X.Y.Z` with no leading zeros, no prefix and no pre-release or build suffix. */
export function parseVersion(text: string): Version | undefined {
  const match = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(text);
  if (!match) return undefined;
  const parts = [Number(match[1]), Number(match[2]), Number(match[3])] as const;
  return parts.every(Number.isSafeInteger) ? parts : undefined;
}

/** Negative, zero or positive as `a` is lower than, equal to or greater than `b`. */
export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Throws unless `next` is an `X.Y.Z` version greater than `current`. */
export function checkVersion(next: string, current: string): void {
  const wanted = parseVersion(next);
  if (!wanted) throw new Error(`"${next}" is not a version X.Y.Z (such as 1.2.3, without a "v")`);
  const now = parseVersion(current);
  if (!now) throw new Error(`package.json's version "${current}" is not X.Y.Z`);
  if (compareVersions(wanted, now) <= 0)
    throw new Error(`${next} is not greater than package.json's version ${current}`);
}

const HEADING = /^## \[([^\]]+)\]/;
const LINK = /^\[([^\]]+)\]:\s*(\S+)\s*$/;

/** The index of the `## [name]` heading line, or -1. */
function headingIndex(lines: readonly string[], name: string): number {
  return lines.findIndex((line) => HEADING.exec(line)?.[1]?.toLowerCase() === name.toLowerCase());
}

/** The index of the line that ends a section: the next `## ` heading, the link list, or the end. */
function sectionEnd(lines: readonly string[], start: number): number {
  for (let index = start + 1; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (line.startsWith('## ') || LINK.test(line)) return index;
  }
  return lines.length;
}

/** Trims blank lines at both ends. */
function trimLines(lines: readonly string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && (lines[start] ?? '').trim() === '') start++;
  while (end > start && (lines[end - 1] ?? '').trim() === '') end--;
  return lines.slice(start, end);
}

/** True when the lines hold an entry: any text besides `### ` headings. */
function hasEntries(lines: readonly string[]): boolean {
  return lines.some((line) => line.trim() !== '' && !line.startsWith('#'));
}

/** The body of the `## [version]` section (without its heading), trimmed; throws when missing or empty. */
export function releaseNotes(changelog: string, version: string): string {
  const lines = changelog.split('\n');
  const start = headingIndex(lines, version);
  if (start === -1) throw new Error(`CHANGELOG.md has no "## [${version}]" section`);
  const body = trimLines(lines.slice(start + 1, sectionEnd(lines, start)));
  if (!hasEntries(body)) throw new Error(`CHANGELOG.md's "## [${version}]" section is empty`);
  return `${body.join('\n')}\n`;
}

/**
 * CHANGELOG.md with the `[Unreleased]` entries moved into a new `## [version] - date` section,
 * under an empty `## [Unreleased]`. When the file ends with compare links, `[Unreleased]` is
 * made to compare from the new tag and a link for the new version is added. Throws when there
 * is no `[Unreleased]` section, when it is empty, or when the version already has a section.
 */
export function releaseChangelog(changelog: string, version: string, date: string): string {
  const lines = changelog.split('\n');
  const start = headingIndex(lines, 'Unreleased');
  if (start === -1) throw new Error('CHANGELOG.md has no "## [Unreleased]" section');
  if (headingIndex(lines, version) !== -1)
    throw new Error(`CHANGELOG.md already has a "## [${version}]" section`);
  const end = sectionEnd(lines, start);
  const entries = trimLines(lines.slice(start + 1, end));
  if (!hasEntries(entries))
    throw new Error('CHANGELOG.md\'s "## [Unreleased]" section is empty: nothing to release');

  const rest = lines.slice(end);
  const out = [
    ...lines.slice(0, start + 1),
    '',
    `## [${version}] - ${date}`,
    '',
    ...entries,
    '',
    ...rest,
  ];
  return updateLinks(out, version).join('\n');
}

/** Rewrites the `[Unreleased]: …` compare link, when there is one, and adds the version's link. */
function updateLinks(lines: string[], version: string): string[] {
  const index = lines.findIndex((line) => LINK.exec(line)?.[1]?.toLowerCase() === 'unreleased');
  if (index === -1) return lines;
  const url = LINK.exec(lines[index] ?? '')?.[2] ?? '';
  const tag = `v${version}`;
  // https://github.com/OWNER/REPO/compare/v1.2.2...HEAD: compares from the previous tag.
  const compare = /^(.*\/compare\/)(.+?)\.\.\.HEAD$/.exec(url);
  // https://github.com/OWNER/REPO/commits/HEAD (or …/commits/main): no release yet.
  const commits = /^(.*)\/commits\/[^/]+$/.exec(url);
  let unreleased: string;
  let released: string;
  if (compare) {
    unreleased = `${compare[1]}${tag}...HEAD`;
    released = `${compare[1]}${compare[2]}...${tag}`;
  } else if (commits) {
    unreleased = `${commits[1]}/compare/${tag}...HEAD`;
    released = `${commits[1]}/releases/tag/${tag}`;
  } else {
    throw new Error(`CHANGELOG.md's [Unreleased] link is not a compare link: ${url}`);
  }
  return [
    ...lines.slice(0, index),
    `[Unreleased]: ${unreleased}`,
    `[${version}]: ${released}`,
    ...lines.slice(index + 1),
  ];
}

/** package-lock.json's text with the version set at the root and in `packages[""]`. */
export function setLockVersion(lockText: string, version: string): string {
  const lock = JSON.parse(lockText) as {
    version?: string;
    packages?: Record<string, { version?: string }>;
  };
  const self = lock.packages?.[''];
  if (lock.version === undefined || self === undefined)
    throw new Error('package-lock.json has no root version or no packages[""]');
  lock.version = version;
  self.version = version;
  return `${JSON.stringify(lock, null, 2)}\n`;
}

/** package.json's text with its version set, key order kept. */
export function setPackageVersion(packageText: string, version: string): string {
  const pkg = JSON.parse(packageText) as { version?: string };
  if (pkg.version === undefined) throw new Error('package.json has no version');
  pkg.version = version;
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** What release:prepare writes: the release commit holds these, release:undo restores them. */
export const PREPARED_PATHS = ['package.json', 'package-lock.json', 'CHANGELOG.md', 'dist'];

/** The commands that commit the release, tag it and push both (dist/ may gain new chunk files). */
export function gitCommands(version: string): string {
  const tag = `v${version}`;
  return [
    `git add ${PREPARED_PATHS.join(' ')}`,
    `git commit -m "Release ${tag}"`,
    `git tag -a ${tag} -m ${tag}`,
    'git push --follow-tags',
  ].join(' && ');
}

/** Today's date in UTC, YYYY-MM-DD. */
function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export interface PrepareOptions {
  /** The release date, YYYY-MM-DD; today in UTC by default. */
  readonly date?: string;
  /** Rebuilds dist/; `npm run build` by default. */
  readonly build?: (root: string) => void;
  readonly log?: (line: string) => void;
}

/** The whole of `npm run release:prepare -- X.Y.Z`, in the project at `root`. */
export function prepare(root: string, version: string, options: PrepareOptions = {}): void {
  const {
    date = today(),
    build = (cwd: string) => execFileSync('npm', ['run', 'build'], { cwd, stdio: 'inherit' }),
    log = (line: string) => console.log(line),
  } = options;
  const file = (name: string) => resolve(root, name);
  const packageText = readFileSync(file('package.json'), 'utf8');
  checkVersion(version, (JSON.parse(packageText) as { version: string }).version);
  const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' });
  if (dirty.trim() !== '')
    throw new Error(`the work tree is not clean: commit or stash first\n${dirty.trimEnd()}`);
  const changelog = releaseChangelog(readFileSync(file('CHANGELOG.md'), 'utf8'), version, date);
  const lock = setLockVersion(readFileSync(file('package-lock.json'), 'utf8'), version);

  writeFileSync(file('CHANGELOG.md'), changelog);
  writeFileSync(file('package.json'), setPackageVersion(packageText, version));
  writeFileSync(file('package-lock.json'), lock);
  try {
    build(root);
  } catch (error) {
    undo(root);
    throw new Error(
      `the build failed, so the changes were undone: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }

  log(`\nPrepared v${version}: review the changes (git diff), then run:\n`);
  log(`  ${gitCommands(version)}\n`);
  log('or take them back with: npm run release:undo\n');
  log(
    `The tag starts .github/workflows/release.yml, which checks dist/, runs the tests, publishes the release and moves v${version.split('.')[0]}.`,
  );
}

/**
 * The whole of `npm run release:undo`: restores release:prepare's files to the last commit,
 * staged or not, and removes the untracked files it left in dist/ (new chunk names), so that
 * the tree is as release:prepare found it. Nothing else is touched. It refuses when
 * package.json's version is the last commit's: then there is no prepared release, and the
 * changes to those files are someone's work.
 */
export function undo(root: string, log: (line: string) => void = () => {}): void {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const version = (text: string) => (JSON.parse(text) as { version?: string }).version;
  const committed = version(git('show', 'HEAD:package.json'));
  if (version(readFileSync(resolve(root, 'package.json'), 'utf8')) === committed)
    throw new Error(
      `no prepared release to undo: package.json's version ${String(committed)} is the last commit's, so nothing was changed`,
    );
  const changed = git('status', '--porcelain', '--', ...PREPARED_PATHS).trimEnd();
  // git restore refuses a path the last commit does not have.
  const tracked = PREPARED_PATHS.filter((path) => git('ls-files', '--', path) !== '');
  git('restore', '--source=HEAD', '--staged', '--worktree', '--', ...tracked);
  git('clean', '-fdq', '--', 'dist');
  log(`Undone:\n${changed}`);
}

function main(args: readonly string[]): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (args[0] === 'notes' && args.length === 2) {
    process.stdout.write(
      releaseNotes(readFileSync(resolve(root, 'CHANGELOG.md'), 'utf8'), args[1] ?? ''),
    );
  } else if (args[0] === 'undo' && args.length === 1) {
    undo(root, (line) => console.log(line));
  } else if (args.length === 1 && args[0] !== 'notes') {
    prepare(root, args[0] ?? '');
  } else {
    throw new Error(
      'usage: npm run release:prepare -- X.Y.Z | npm run release:undo | npm run release:notes -- X.Y.Z',
    );
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`release: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
