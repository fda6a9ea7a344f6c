import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ModerationFilter, sanitizeChatText } from './chat.text.js';

describe('chat text', () => {
  test('control characters and bidi overrides are stripped, newlines and tabs kept', () => {
    assert.equal(sanitizeChatText('hi\u0000 there\u0007\r\nnext\tline\u202E'), 'hi there\nnext\tline');
    assert.equal(sanitizeChatText('  \u0001\u0002  '), '');
  });

  test('blocked words are masked whole-word, case-insensitively, in any script', () => {
    const filter = new ModerationFilter(['idiot', 'غبي']);
    const r = filter.apply('You IDIOT, not idiotic. يا غبي!');
    assert.equal(r.text, 'You *****, not idiotic. يا ***!');
    assert.equal(r.flagged, true);
    assert.deepEqual(r.matched.sort(), ['idiot', 'غبي'].sort());
  });

  test('an empty word list lets everything through', () => {
    assert.deepEqual(new ModerationFilter([]).apply('anything goes'), { text: 'anything goes', flagged: false, matched: [] });
  });
});
