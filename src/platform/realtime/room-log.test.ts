import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryHotState } from '../hotstate/index.js';
import { REPLAY_LOG_SIZE, RoomLog } from './room-log.js';

async function emit(log: RoomLog, room: string, event: string, volatile = false) {
  const seq = await log.nextSeq(room);
  await log.record(room, { seq, event, payload: { seq }, ...(volatile ? { volatile: true } : {}) });
  return seq;
}

describe('room log (seq + replay)', () => {
  test('seq is per room and monotonic; replay returns what came after lastSeq', async () => {
    const log = new RoomLog(new MemoryHotState());
    assert.equal(await emit(log, 'trip:a', 'x'), 1);
    assert.equal(await emit(log, 'trip:a', 'y'), 2);
    assert.equal(await emit(log, 'trip:b', 'x'), 1);
    assert.equal(await emit(log, 'trip:a', 'z'), 3);
    const replay = await log.since('trip:a', 1);
    assert.ok(replay.complete);
    assert.deepEqual(
      replay.events.map((e) => [e.seq, e.event]),
      [
        [2, 'y'],
        [3, 'z'],
      ],
    );
    assert.deepEqual(await log.since('trip:a', 3), { complete: true, seq: 3, events: [] });
    assert.equal((await log.since('trip:a', 0)).complete, true);
  });

  test('only the latest position of a gap is replayed', async () => {
    const log = new RoomLog(new MemoryHotState());
    await emit(log, 'r', 'trip:driver_location', true);
    await emit(log, 'r', 'trip:status_changed');
    await emit(log, 'r', 'trip:driver_location', true);
    await emit(log, 'r', 'trip:driver_location', true);
    const replay = await log.since('r', 0);
    assert.ok(replay.complete);
    assert.deepEqual(
      replay.events.map((e) => e.seq),
      [2, 4],
    );
  });

  test('a gap older than the log, or a seq from before a reset, is not replayable', async () => {
    const log = new RoomLog(new MemoryHotState());
    for (let i = 0; i < REPLAY_LOG_SIZE + 5; i++) await emit(log, 'r', 'e');
    assert.deepEqual(await log.since('r', 2), { complete: false, seq: REPLAY_LOG_SIZE + 5 });
    assert.equal((await log.since('r', 5)).complete, true, 'seq 6 is the oldest kept');
    assert.deepEqual(await log.since('r', 500), { complete: false, seq: REPLAY_LOG_SIZE + 5 });
    assert.deepEqual(await log.since('never-used', 3), { complete: false, seq: 0 });
  });
});
