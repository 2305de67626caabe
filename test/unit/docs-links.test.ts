/**
 * The documentation holds together: the README stays a page read in minutes, every page of docs/
 * can be reached from it, and every relative link in the README, CONTRIBUTING.md, SECURITY.md and
 * docs/ leads to a file that exists and, for `#anchor`, to a heading of that file.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const root = fileURLToPath(new URL('../../', import.meta.url));
const docs = readdirSync(join(root, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);
const pages = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md', ...docs];
const read = (page: string) => readFileSync(join(root, page), 'utf8');

/** The text outside fenced code blocks and inline code, where Markdown links and headings live. */
function prose(text: string): string {
  return text.replace(/^( *)(```|~~~)[^\n]*\n[\s\S]*?^\1\2[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor for a heading: its text as rendered, lowercased, punctuation but - and _ dropped. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor of a Markdown page: one per heading, a repeated one suffixed -1, -2, ... */
function anchors(page: string): Set<string> {
  const text = read(page).replace(/^( *)(```|~~~)[^\n]*\n[\s\S]*?^\1\2[^\n]*$/gm, '');
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const [, heading = ''] of text.matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.add(count === 0 ? base : `${base}-${count}`);
  }
  return found;
}

/** The relative links of `page`: the file each names (from the repository root) and its anchor. */
function links(page: string): { target: string; file: string; anchor: string | undefined }[] {
  return [...prose(read(page)).matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)/g)]
    .map((match) => match[1] ?? '')
    .filter((target) => !/^[a-z][a-z+.-]*:/i.test(target))
    .map((target) => {
      const [path = '', anchor] = target.split('#', 2);
      const file =
        path === ''
          ? page
          : normalize(join(dirname(page), decodeURIComponent(path))).replace(/\\/g, '/');
      return { target, file, anchor };
    });
}

describe('the README is short', () => {
  it('has at most 300 lines', () => {
    const lines = read('README.md').split('\n').length - 1;
    assert.ok(lines <= 300, `README.md has ${lines} lines`);
  });
});

describe('GitHub heading anchors', () => {
  it('are slugged as GitHub slugs them', () => {
    assert.equal(
      slug('Migrating from 1Password/load-secrets-action'),
      'migrating-from-1passwordload-secrets-action',
    );
    assert.equal(slug('A signed-in op CLI (`cli` mode)'), 'a-signed-in-op-cli-cli-mode');
    assert.equal(
      slug("Compared with 1Password's own action"),
      'compared-with-1passwords-own-action',
    );
    assert.equal(slug('Other modes, and configuring once'), 'other-modes-and-configuring-once');
    assert.equal(slug('snake_case and [a link](x.md)'), 'snake_case-and-a-link');
  });
});

describe('every docs page is reachable from the README', () => {
  it('through links from the README or from pages it links', () => {
    const reached = new Set<string>(['README.md']);
    const queue = ['README.md'];
    for (let page = queue.shift(); page !== undefined; page = queue.shift()) {
      for (const { file } of links(page)) {
        if (!file.endsWith('.md') || reached.has(file) || !existsSync(join(root, file))) continue;
        reached.add(file);
        queue.push(file);
      }
    }
    for (const page of [...docs, 'CONTRIBUTING.md', 'SECURITY.md']) {
      assert.ok(reached.has(page), `${page} is not reachable from README.md`);
    }
  });
});

describe('every relative link leads somewhere', () => {
  for (const page of pages) {
    it(page, () => {
      for (const { target, file, anchor } of links(page)) {
        assert.ok(
          !relative(root, join(root, file)).startsWith('..'),
          `${page}: ${target} leaves the repository`,
        );
        assert.ok(existsSync(join(root, file)), `${page}: ${target}: no file ${file}`);
        if (anchor === undefined) continue;
        assert.ok(
          file.endsWith('.md'),
          `${page}: ${target}: an anchor into a file that is not Markdown`,
        );
        assert.ok(
          anchors(file).has(anchor),
          `${page}: ${target}: no heading #${anchor} in ${file}`,
        );
      }
    });
  }
});
