/**
 * scripts/release.ts, the release workflow and the "Releasing" section of CONTRIBUTING.md agree.
 * What needs git or a second process (prepare, undo, the command line) is in
 * test/integration/release.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  checkVersion,
  gitCommands,
  parseVersion,
  releaseChangelog,
  releaseNotes,
  setLockVersion,
  setPackageVersion,
} from '../../scripts/release.ts';

const root = new URL('../../', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, root), 'utf8');

describe('checkVersion', () => {
  const cases: [next: string, current: string, error: RegExp | undefined][] = [
    ['1.0.0', '0.1.0', undefined],
    ['0.1.1', '0.1.0', undefined],
    ['0.2.0', '0.1.9', undefined],
    ['1.10.0', '1.9.0', undefined],
    ['2.0.0', '1.99.99', undefined],
    ['0.1.0', '0.1.0', /not greater/],
    ['0.0.9', '0.1.0', /not greater/],
    ['1.9.0', '1.10.0', /not greater/],
    ['v1.0.0', '0.1.0', /not a version/],
    ['1.0', '0.1.0', /not a version/],
    ['1.0.0.0', '0.1.0', /not a version/],
    ['01.0.0', '0.1.0', /not a version/],
    ['1.0.0-rc.1', '0.1.0', /not a version/],
    ['1.0.0+build', '0.1.0', /not a version/],
    [' 1.0.0', '0.1.0', /not a version/],
    ['', '0.1.0', /not a version/],
    ['99999999999999999999.0.0', '0.1.0', /not a version/],
    ['1.0.0', 'x', /package\.json's version/],
  ];
  for (const [next, current, error] of cases) {
    it(`${JSON.stringify(next)} after ${current}: ${error ? String(error) : 'accepted'}`, () => {
      if (error) assert.throws(() => checkVersion(next, current), error);
      else assert.doesNotThrow(() => checkVersion(next, current));
    });
  }

  it('parses the three numbers', () => {
    assert.deepEqual(parseVersion('10.0.3'), [10, 0, 3]);
    assert.equal(parseVersion('1.2'), undefined);
  });
});

const HEAD = `# Changelog

Intro.

`;

describe('releaseChangelog', () => {
  const cases: [name: string, before: string, after: string][] = [
    [
      'first release, no links',
      `${HEAD}## [Unreleased]

### Added

- A.
- B.
`,
      `${HEAD}## [Unreleased]

## [1.0.0] - 2026-12-03

### Added

- A.
- B.
`,
    ],
    [
      'earlier releases kept below',
      `${HEAD}## [Unreleased]

### Fixed

- C.

## [0.9.0] - 2026-01-01

### Added

- A.
`,
      `${HEAD}## [Unreleased]

## [1.0.0] - 2026-12-03

### Fixed

- C.

## [0.9.0] - 2026-01-01

### Added

- A.
`,
    ],
    [
      'compare links updated',
      `${HEAD}## [Unreleased]

- C.

## [0.9.0] - 2026-01-01

- A.

[Unreleased]: https://github.com/o/r/compare/v0.9.0...HEAD
[0.9.0]: https://github.com/o/r/releases/tag/v0.9.0
`,
      `${HEAD}## [Unreleased]

## [1.0.0] - 2026-12-03

- C.

## [0.9.0] - 2026-01-01

- A.

[Unreleased]: https://github.com/o/r/compare/v1.0.0...HEAD
[1.0.0]: https://github.com/o/r/compare/v0.9.0...v1.0.0
[0.9.0]: https://github.com/o/r/releases/tag/v0.9.0
`,
    ],
    [
      'first compare link from commits/HEAD',
      `${HEAD}## [Unreleased]

- A.

[Unreleased]: https://github.com/o/r/commits/HEAD
`,
      `${HEAD}## [Unreleased]

## [1.0.0] - 2026-12-03

- A.

[Unreleased]: https://github.com/o/r/compare/v1.0.0...HEAD
[1.0.0]: https://github.com/o/r/releases/tag/v1.0.0
`,
    ],
    [
      'blank lines around the entries trimmed',
      `${HEAD}## [Unreleased]



- A.


`,
      `${HEAD}## [Unreleased]

## [1.0.0] - 2026-12-03

- A.
`,
    ],
  ];
  for (const [name, before, after] of cases) {
    it(name, () => {
      assert.equal(releaseChangelog(before, '1.0.0', '2026-12-03'), after);
    });
  }

  const refusals: [name: string, text: string, error: RegExp][] = [
    ['no [Unreleased]', `${HEAD}## [0.9.0] - 2026-01-01\n\n- A.\n`, /no "## \[Unreleased\]"/],
    ['empty [Unreleased]', `${HEAD}## [Unreleased]\n\n## [0.9.0] - 2026-01-01\n\n- A.\n`, /empty/],
    ['only headings', `${HEAD}## [Unreleased]\n\n### Added\n\n### Fixed\n`, /empty/],
    [
      'version already there',
      `${HEAD}## [Unreleased]\n\n- B.\n\n## [1.0.0] - x\n\n- A.\n`,
      /already/,
    ],
    [
      'unknown link shape',
      `${HEAD}## [Unreleased]\n\n- A.\n\n[Unreleased]: https://example.com/x\n`,
      /not a compare link/,
    ],
  ];
  for (const [name, text, error] of refusals) {
    it(`refuses: ${name}`, () => {
      assert.throws(() => releaseChangelog(text, '1.0.0', '2026-12-03'), error);
    });
  }

  it('the project CHANGELOG.md has entries to release and releases cleanly', () => {
    const changelog = read('CHANGELOG.md');
    const released = releaseChangelog(changelog, '9.9.9', '2026-12-03');
    assert.match(released, /## \[Unreleased\]\n\n## \[9\.9\.9\] - 2026-12-03\n\n###/);
    assert.equal(
      releaseNotes(released, '9.9.9'),
      releaseNotes(changelog.replace('## [Unreleased]', '## [9.9.9]'), '9.9.9'),
    );
  });
});

describe('releaseNotes', () => {
  const changelog = `${HEAD}## [Unreleased]

## [1.1.0] - 2026-02-01

### Added

- B.

## [1.0.0] - 2026-01-01

- A.

[Unreleased]: https://github.com/o/r/compare/v1.1.0...HEAD
[1.1.0]: https://github.com/o/r/compare/v1.0.0...v1.1.0
`;
  const cases: [version: string, notes: string | RegExp][] = [
    ['1.1.0', '### Added\n\n- B.\n'],
    ['1.0.0', '- A.\n'],
    ['1.2.0', /no "## \[1\.2\.0\]" section/],
    ['1.0', /no "## \[1\.0\]" section/],
    ['Unreleased', /empty/],
  ];
  for (const [version, notes] of cases) {
    it(`${version}: ${String(notes)}`, () => {
      if (typeof notes === 'string') assert.equal(releaseNotes(changelog, version), notes);
      else assert.throws(() => releaseNotes(changelog, version), notes);
    });
  }
});

describe('package.json and package-lock.json versions', () => {
  it('sets both versions in the lock and nothing else', () => {
    const lock = read('package-lock.json');
    const updated = JSON.parse(setLockVersion(lock, '7.8.9')) as {
      version: string;
      packages: Record<string, { version: string }>;
    };
    assert.equal(updated.version, '7.8.9');
    assert.equal(updated.packages['']?.version, '7.8.9');
    const original = JSON.parse(lock) as typeof updated;
    original.version = '7.8.9';
    (original.packages[''] as { version: string }).version = '7.8.9';
    assert.deepEqual(updated, original);
    // The lock is written as npm writes it, so a release changes only the two lines.
    assert.equal(setLockVersion(lock, JSON.parse(lock).version as string), lock);
  });

  it('sets package.json version, keeping its text otherwise', () => {
    const pkg = read('package.json');
    assert.equal(setPackageVersion(pkg, JSON.parse(pkg).version as string), pkg);
    assert.match(setPackageVersion(pkg, '7.8.9'), /\n {2}"version": "7\.8\.9",\n/);
  });

  it('refuses a lock without packages[""]', () => {
    assert.throws(() => setLockVersion('{"version":"1.0.0"}', '2.0.0'), /packages/);
  });
});

describe('the release workflow', () => {
  type Step = { uses?: string; run?: string; with?: Record<string, string> };
  type Job = { needs?: string; permissions?: Record<string, string>; steps: Step[] };
  const workflow = parse(read('.github/workflows/release.yml')) as {
    on: { push: { tags: string[]; branches?: unknown } };
    permissions: Record<string, string>;
    jobs: Record<string, Job>;
  };
  const jobs = Object.entries(workflow.jobs);
  const steps = jobs.flatMap(([, job]) => job.steps);
  const runs = (job: Job) => job.steps.map((step) => step.run ?? '').join('\n');
  const publishing = jobs.filter(([, job]) => runs(job).includes('gh release create'));
  const [publishName, publish] = publishing[0] ?? ['', { steps: [] }];
  /** The index of the first step of `job` whose run: or uses: holds `needle`; -1 when none does. */
  const at = (job: Job, needle: string) =>
    job.steps.findIndex((step) => (step.run ?? step.uses ?? '').includes(needle));

  it('runs on vX.Y.Z tags only, with a read-only token at the top', () => {
    assert.deepEqual(workflow.on.push.tags, ['v[0-9]+.[0-9]+.[0-9]+']);
    assert.equal(workflow.on.push.branches, undefined);
    assert.deepEqual(workflow.permissions, { contents: 'read' });
  });

  it('grants write only to the one job that publishes, and only what it needs', () => {
    assert.equal(publishing.length, 1);
    assert.deepEqual(publish.permissions, {
      contents: 'write',
      'id-token': 'write',
      attestations: 'write',
    });
    for (const [name, job] of jobs) {
      if (name === publishName) continue;
      for (const [scope, level] of Object.entries(job.permissions ?? {}))
        assert.notEqual(level, 'write', `${name}: ${scope}`);
    }
  });

  it('publishes only after the checks, installing and running no dependency itself', () => {
    const [checkName, check] = jobs.find(([, job]) => runs(job).includes('npm test')) ?? ['', null];
    assert.ok(check, 'no job runs npm test');
    assert.equal(publish.needs, checkName);
    assert.doesNotMatch(runs(publish), /npm (ci|install|i|test)\b|npm run build/);
    const order = [
      'npm ci',
      "require('./package.json').version",
      'npm test',
      'git status --porcelain -- dist',
    ].map((needle) => at(check, needle));
    assert.ok(!order.includes(-1), String(order));
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
  });

  it('attests dist/ with a SHA-pinned attest-build-provenance', () => {
    const attest = publish.steps.find((step) =>
      step.uses?.startsWith('actions/attest-build-provenance@'),
    );
    assert.ok(attest, 'no attest-build-provenance step in the publishing job');
    assert.match(attest.uses ?? '', /@[0-9a-f]{40}$/);
    const subjects = (attest.with?.['subject-path'] ?? '').split('\n').map((line) => line.trim());
    assert.ok(subjects.includes('dist/**'), subjects.join(', '));
    assert.ok(subjects.some((subject) => subject.endsWith('-dist.tar.gz')));
  });

  it('creates a draft, attests and uploads, then publishes it, then moves the major tag', () => {
    const order = [
      'npm run --silent release:notes',
      'git archive',
      'actions/attest-build-provenance@',
      'gh release create "$TAG" --draft',
      'gh release upload "$TAG"',
      'gh release edit "$TAG" --draft=false',
      'git/refs/tags/$major',
    ].map((needle) => at(publish, needle));
    assert.ok(!order.includes(-1), String(order));
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
    for (const create of runs(publish).match(/gh release create[^\n]*/g) ?? [])
      assert.match(create, /--draft/);
  });

  it('pins every action to a full commit SHA, with its version in a comment', () => {
    const text = read('.github/workflows/release.yml');
    const uses = [...text.matchAll(/uses:\s*(\S+)(.*)/g)];
    assert.ok(uses.length >= 1);
    for (const [, ref, comment] of uses) {
      assert.match(ref ?? '', /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/, ref);
      assert.match(comment ?? '', /# v\d+\.\d+\.\d+$/, ref);
    }
  });

  it('interpolates no expression into a run: script', () => {
    for (const step of steps) assert.doesNotMatch(step.run ?? '', /\$\{\{/);
  });
});

describe('CONTRIBUTING.md "Releasing" is current', () => {
  const contributing = read('CONTRIBUTING.md');
  const start = contributing.indexOf('\n## Releasing\n');
  const end = contributing.indexOf('\n## ', start + 1);
  const section = contributing.slice(start, end === -1 ? undefined : end);
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

  it('exists', () => {
    assert.notEqual(start, -1);
  });

  it('names npm scripts that exist, release:prepare among them', () => {
    const named = [...section.matchAll(/npm run ([\w:-]+)/g)].map((match) => match[1] ?? '');
    assert.ok(named.includes('release:prepare'));
    for (const name of named) assert.ok(scripts[name], `npm run ${name}`);
    assert.equal(scripts['release:prepare'], 'node scripts/release.ts');
  });

  it('names workflow files that exist, release.yml among them', () => {
    const files = [...section.matchAll(/\.github\/workflows\/[\w.-]+\.yml/g)].map((m) => m[0]);
    assert.ok(files.includes('.github/workflows/release.yml'));
    for (const file of files) assert.ok(existsSync(new URL(file, root)), file);
  });

  it('states the tag pattern the workflow triggers on', () => {
    const tags = (
      parse(read('.github/workflows/release.yml')) as { on: { push: { tags: string[] } } }
    ).on.push.tags;
    const stated = [...section.matchAll(/`(v\[[^`]+)`/g)].map((match) => match[1]);
    assert.deepEqual(stated, tags);
  });

  it('shows the git commands the script prints', () => {
    const block = /<!-- release-commands:start -->\s*```sh\n\s*(.+)\n\s*```/.exec(section);
    assert.ok(block, 'no release-commands block');
    const version = /git tag -a v(\S+)/.exec(block[1] ?? '')?.[1] ?? '';
    assert.equal(block[1], gitCommands(version));
  });
});
