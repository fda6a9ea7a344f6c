import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { haversineMeters } from '../../shared/index.js';
import { compactRoute, extendRoute, MAX_ROUTE_POINTS, type RouteFix } from './route-sampling.js';
import type { RouteHeader } from './location.repo.js';

const fixes = (from: number, count: number): RouteFix[] =>
  Array.from({ length: count }, (_, k) => ({
    lat: 30 + (from + k) * 1e-4,
    lng: 31,
    at: 1_000_000 + (from + k) * 1_000,
  }));

/** Feeds fixes in chunks through extend/compact like the flush does, returning the final stored state. */
function simulate(total: number, chunk: number) {
  let header: RouteHeader | null = null;
  let stored: Array<[number, number, number]> = [];
  for (let i = 0; i < total; i += chunk) {
    const extended = extendRoute(header, 't', fixes(i, Math.min(chunk, total - i)));
    const write = extended.needsFullPoints ? compactRoute(extended.write, stored) : extended.write;
    stored = write.replace ? write.points : [...stored, ...write.points];
    header = {
      tripId: 't',
      pointCount: write.pointCount,
      stride: write.stride,
      seen: write.seen,
      distanceM: write.distanceM,
      last: write.last,
    };
  }
  return { header: header!, stored };
}

describe('route sampling', () => {
  test('distance sums every fix; out-of-order fixes are ignored', () => {
    const all = fixes(0, 5);
    const { write } = extendRoute(null, 't', [all[0]!, all[1]!, all[0]!, all[2]!, all[3]!, all[4]!]);
    const expected = all.slice(1).reduce((s, p, i) => s + haversineMeters(all[i]!, p), 0);
    assert.ok(Math.abs(write.distanceM - expected) < 1e-6);
    assert.equal(write.points.length, 5);
    assert.deepEqual(write.last, { lat: all[4]!.lat, lng: all[4]!.lng, at: all[4]!.at });
  });

  for (const [total, chunk] of [
    [999, 100],
    [1_000, 7],
    [1_001, 1],
    [5_000, 100],
    [12_345, 250],
  ] as const) {
    test(
      `${total} fixes in chunks of ${chunk}: ≤ ${MAX_ROUTE_POINTS} points, uniformly spaced, starting at the ` +
        `first`,
      () => {
        const { header, stored } = simulate(total, chunk);
        assert.ok(stored.length <= MAX_ROUTE_POINTS, `${stored.length}`);
        assert.equal(stored.length, header.pointCount);
        assert.ok(
          stored.length > MAX_ROUTE_POINTS / 2 || total <= MAX_ROUTE_POINTS,
          `${stored.length} kept of ${total}`,
        );
        assert.equal(stored[0]![2], 1_000_000);
        const gaps = new Set(stored.slice(1).map((p, i) => p[2] - stored[i]![2]));
        assert.deepEqual([...gaps], [header.stride * 1_000]);
        assert.equal(header.seen, total);
        const exact = fixes(0, total)
          .slice(1)
          .reduce((s, p, i) => s + haversineMeters(fixes(i, 1)[0]!, p), 0);
        assert.ok(Math.abs(header.distanceM - exact) < 1e-3);
      },
    );
  }
});
