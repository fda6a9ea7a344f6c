import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ModerationFilter, normalizeChatText } from './chat.text.js';

describe('chat text', () => {
  test('line breaks become \\n and surrounding whitespace goes; tabs stay', () => {
    assert.equal(normalizeChatText('  hi there\r\nnext\tline\rlast \n'), 'hi there\nnext\tline\nlast');
  });

  test('blocked words are masked whole-word, case-insensitively, in any script', () => {
    const filter = new ModerationFilter(['idiot', 'غبي']);
    const r = filter.apply('You IDIOT, not idiotic. يا غبي!');
    assert.equal(r.text, 'You *****, not idiotic. يا ***!');
    assert.equal(r.flagged, true);
    assert.deepEqual(r.matched.sort(), ['idiot', 'غبي'].sort());
  });

  test('an empty word list lets everything through', () => {
    assert.deepEqual(new ModerationFilter([]).apply('anything goes'), {
      text: 'anything goes',
      flagged: false,
      matched: [],
    });
  });
});
