import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expiredPartitions, partitionDay } from './partitions.js';
import { RETENTION_JOBS, retentionCron } from './retention.tasks.js';

test('partition names parse to their UTC day; others are ignored', () => {
  assert.equal(partitionDay('location_history_20250301')?.toISOString(), '2025-03-01T00:00:00.000Z');
  assert.equal(partitionDay('location_history_20250231'), undefined);
  assert.equal(partitionDay('location_history_default'), undefined);
  assert.equal(partitionDay('location_history_2025031'), undefined);
});

test('a partition expires once its whole day is older than the period', () => {
  const now = new Date('2025-06-01T12:00:00Z');
  // Cutoff = 2025-03-03T12:00Z (90 days): 03-02 ends at 03-03T00:00 → expired; 03-03 ends after the cutoff → kept.
  const names = [
    'location_history_20250303',
    'location_history_20250302',
    'location_history_20250101',
    'location_history_default',
    'location_history_20250601',
  ];
  assert.deepEqual(expiredPartitions(names, now, 90), ['location_history_20250101', 'location_history_20250302']);
});

test('retention runs daily at the configured hour, staggered by minutes', () => {
  assert.deepEqual(
    RETENTION_JOBS.map((j) => retentionCron(j, 1)),
    ['0 1 * * *', '10 1 * * *', '20 1 * * *', '30 1 * * *'],
  );
});
