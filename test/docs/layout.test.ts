/**
 * The repository layout a newcomer is told about (docs/architecture.md) holds:
 * tools do not reach into test/, benches live in bench/, task files follow one
 * naming rule, and the old test/foundation grab-bag is gone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

test('bench/, sim/, scripts/ and support/ import nothing from test/', () => {
  const offenders = ['bench', 'sim', 'scripts', 'support']
    .flatMap((d) => tsFiles(join(ROOT, d)))
    .filter((file) => {
      const specs = [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)].map(
        (m) => m[1]!,
      );
      return specs.some((s) => relative(ROOT, resolve(dirname(file), s)).startsWith('test/'));
    });
  assert.deepEqual(
    offenders.map((f) => relative(ROOT, f)),
    [],
  );
});

test('every bench:* script runs a file in bench/', () => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts;
  const outside = Object.entries(scripts).filter(
    ([name, cmd]) => name.startsWith('bench:') && !/^tsx bench\/[\w-]+\.bench\.ts$/.test(cmd),
  );
  assert.deepEqual(outside, []);
});

test('task files: x.tasks.ts registers handlers, y.task.ts only defines tasks', () => {
  const misnamed = tsFiles(join(ROOT, 'src/modules')).flatMap((file) => {
    const name = relative(ROOT, file);
    const text = readFileSync(file, 'utf8');
    if (/(\.jobs|-task|-tasks)\.ts$/.test(name)) return [`${name}: not a task file name`];
    if (name.endsWith('.task.ts') && /\.register\(/.test(text))
      return [`${name}: registers handlers, should be .tasks.ts`];
    if (name.endsWith('.tasks.ts') && !/\.register\(/.test(text))
      return [`${name}: registers nothing, should be .task.ts`];
    return [];
  });
  assert.deepEqual(misnamed, []);
});

test('no test/foundation folder, and the docs do not point at it or at sim/compare', () => {
  assert.equal(existsSync(join(ROOT, 'test/foundation')), false);
  const docs = [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  const stale = docs.filter((f) => /test\/foundation|sim\/compare/.test(readFileSync(join(ROOT, f), 'utf8')));
  assert.deepEqual(stale, []);
});
