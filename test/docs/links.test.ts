/** A clone is self-contained: README and docs/ link only to files that exist inside the repository. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// [text](target) or [text](target "title"); the text may span lines.
const LINK = /\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;
const EXTERNAL = /^(https?:|mailto:|#)/;

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
  );
}

/** Every relative link of a file that does not resolve to an existing path inside the repository. */
function brokenLinks(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const broken: string[] = [];
  for (const [, target] of text.matchAll(LINK)) {
    if (EXTERNAL.test(target!)) continue;
    const path = resolve(dirname(file), decodeURI(target!.split('#')[0]!));
    const inside = !relative(ROOT, path).startsWith('..');
    if (!inside || !existsSync(path)) broken.push(`${relative(ROOT, file)} → ${target}`);
  }
  return broken;
}

test('README names the API reference, the architecture and the style guide inside the repo', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const targets = [...readme.matchAll(LINK)].map((m) => m[1]);
  for (const doc of ['docs/api.md', 'docs/architecture.md', 'docs/style.md'])
    assert.ok(targets.includes(doc), `README links to ${doc}`);
  assert.doesNotMatch(readme, /\.\.\/shared\//, 'README points outside the repository');
});

test('every relative link in README and docs/ resolves to a file in the repo', () => {
  const files = [join(ROOT, 'README.md'), ...markdownFiles(join(ROOT, 'docs'))];
  const broken = files.flatMap(brokenLinks);
  assert.deepEqual(broken, [], `broken or outside links:\n${broken.join('\n')}`);
});
