import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../../platform/db/database.js';
import { createLogger } from '../../platform/observability/logger.js';
import { HISTORY_CHUNK_ROWS } from './history-chunk.js';
import { LocationBuffer, MAX_BUFFERED_HISTORY } from './location-buffer.js';
import { locationBuffered, locationDropped } from './location.metrics.js';

const value = async (metric: typeof locationBuffered | typeof locationDropped) =>
  (await metric.get()).values[0]?.value ?? 0;

describe('location buffer', () => {
  test('while Postgres is away the history stays bounded: whole oldest chunks go, newest points stay', async () => {
    const buffer = new LocationBuffer({ db: {} as Db, log: createLogger('silent'), intervalMs: 60_000 });
    const droppedBefore = await value(locationDropped);
    const extra = 3 * HISTORY_CHUNK_ROWS + 123;
    for (let i = 0; i < MAX_BUFFERED_HISTORY + extra; i++) {
      buffer.recordHistory('00000000-0000-4000-8000-000000000001', null, [
        { lat: 30, lng: 31, heading: null, speed: null, accuracy: null, at: i },
      ]);
    }
    const buffered = await value(locationBuffered);
    assert.ok(
      buffered >= MAX_BUFFERED_HISTORY && buffered < MAX_BUFFERED_HISTORY + HISTORY_CHUNK_ROWS,
      `buffered ${buffered}`,
    );
    assert.equal((await value(locationDropped)) - droppedBefore, MAX_BUFFERED_HISTORY + extra - buffered);
    assert.equal((MAX_BUFFERED_HISTORY + extra - buffered) % HISTORY_CHUNK_ROWS, 0);
  });
});
