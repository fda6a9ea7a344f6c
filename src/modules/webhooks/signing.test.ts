import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { newSigningSecret, signedHeaders } from './signing.js';

const body = JSON.stringify({ id: 'msg_7_0', type: 'trip.requested', data: { note: 'café ✓', n: 1 } });

test('a receiver holding either secret of a rotation verifies the message (standardwebhooks)', () => {
  const [current, previous] = [newSigningSecret(), newSigningSecret()];
  const headers = signedHeaders({ messageId: 'msg_7_0', body, secrets: [current, previous], at: new Date() });
  assert.equal(headers['webhook-signature'].split(' ').length, 2);
  for (const secret of [current, previous])
    assert.deepEqual(new Webhook(secret).verify(body, headers), JSON.parse(body));
});

test('a receiver with another secret, or a changed body, is refused', () => {
  const headers = signedHeaders({ messageId: 'msg_7_0', body, secrets: [newSigningSecret()], at: new Date() });
  assert.throws(() => new Webhook(newSigningSecret()).verify(body, headers));
  assert.throws(() => new Webhook(newSigningSecret()).verify(body.replace('1', '2'), headers));
});
