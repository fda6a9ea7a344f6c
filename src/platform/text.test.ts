import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findUnstorableText, safeName, safeText } from './text.js';

const BIDI = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];
const C0_C1 = ['\u0001', '\u0007', '\u000B', '\u001B', '\u007F', '\u0085', '\u009F'];

describe('platform text rules', () => {
  test('unstorable text: NUL, lone surrogates (values and keys), too-deep nesting; paired surrogates are fine', () => {
    assert.equal(findUnstorableText({ a: ['ok', 'emoji \u{1F600}'] }, 'body'), null);
    assert.deepEqual(findUnstorableText({ a: ['ok', 'x\u0000'] }, 'body'), {
      field: 'body.a.1',
      message: 'contains U+0000',
    });
    assert.equal(findUnstorableText({ note: '\udc00' }, 'payload')?.field, 'payload.note');
    assert.match(findUnstorableText({ ['k\ud800']: 1 }, 'body')!.message, /^key /);
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = { d: deep };
    assert.match(findUnstorableText(deep, 'body')!.message, /nested deeper/);
    assert.equal(findUnstorableText(deep, 'body')!.field, ['body', ...Array<string>(33).fill('d')].join('.'));
    // The path names the bad field however deep it sits, keys and array indexes alike, with U+0000 made printable.
    assert.deepEqual(findUnstorableText({ ok: 'x', v: [{ a: 1 }, { ['k\u0000']: 1 }] }, 'payload'), {
      field: 'payload.v.1.k\\0',
      message: 'key contains U+0000',
    });
  });

  test('names refuse every control character and bidi mark, even \\n and \\t', () => {
    const name = safeName(100);
    assert.equal(name.parse('  Rana Adel  '), 'Rana Adel');
    assert.equal(name.parse('رنا'), 'رنا');
    for (const bad of [...BIDI, ...C0_C1, '\n', '\t'])
      assert.equal(name.safeParse(`a${bad}b`).success, false, JSON.stringify(bad));
  });

  test(
    'multi-line free text keeps \\n, \\r and \\t but refuses other controls and bidi marks; one-line text ' +
      'refuses line breaks',
    () => {
      const note = safeText({ max: 500, multiline: true });
      assert.equal(note.parse('line one\nline\ttwo\r\n'), 'line one\nline\ttwo');
      for (const bad of [...BIDI, ...C0_C1])
        assert.equal(note.safeParse(`a${bad}b`).success, false, JSON.stringify(bad));
      const reason = safeText({ min: 1, max: 500 });
      assert.equal(reason.safeParse('a\nb').success, false);
      assert.equal(reason.safeParse('   ').success, false);
    },
  );
});
