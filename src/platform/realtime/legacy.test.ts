import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from '../observability/logger.js';
import { LEGACY_SUNSET, LegacyUsageLog } from './legacy.js';

test('legacy use is logged at WARN once per connection and event, with the sunset date', () => {
  const lines: Array<[Record<string, unknown>, string]> = [];
  const log = { warn: (obj: Record<string, unknown>, msg: string) => lines.push([obj, msg]) } as unknown as Logger;
  const usage = new LegacyUsageLog(log);
  const connA = new Set<string>();
  const connB = new Set<string>();
  const use = (seen: Set<string>, socketId: string, event: string) =>
    usage.incoming(seen, { socketId, userId: 'u', event, replacement: 'driver:location_update' });
  use(connA, 'a', 'location:update');
  use(connA, 'a', 'location:update');
  use(connA, 'a', 'mechanic:location_update');
  use(connB, 'b', 'location:update');
  usage.outgoing('chat:message', 'newMessage');
  usage.outgoing('chat:message', 'newMessage');
  assert.deepEqual(
    lines.map(([o]) => [o.socketId ?? '-', o.event]),
    [
      ['a', 'location:update'],
      ['a', 'mechanic:location_update'],
      ['b', 'location:update'],
      ['-', 'chat:message'],
    ],
  );
  assert.ok(lines.every(([o, msg]) => o.sunset === LEGACY_SUNSET && msg.includes(LEGACY_SUNSET)));
});
