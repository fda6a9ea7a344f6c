import { FAIRNESS_WINDOW_MS } from './scoring.js';
import { offersCounterKey } from './candidates.js';
import { firstOfferSeconds, offersTotal } from './dispatch.metrics.js';
import type { DispatchJob } from './job-port.js';
import { portOf } from './ports.js';
import type { RoundDeps } from './rounds.js';
import type { Strategy } from './strategy.js';

/** After a round's commit: tell each provider, count offers for fairness, measure request → first offer. */
export function sendRoundOffers(
  deps: RoundDeps,
  committed: { job: DispatchJob; offered: string[]; expiresAt: Date; distances: Map<string, number> },
  a: { round: number; strategy: Strategy },
): void {
  const { job, offered: driverIds, expiresAt, distances } = committed;
  const { round, strategy } = a;
  for (const driverId of driverIds) {
    const offer = { driverId, distanceM: distances.get(driverId) ?? null, expiresAt, round, strategy };
    portOf(job.kind).sendOffer(deps.realtime, job, offer);
  }
  offersTotal.inc({ strategy }, driverIds.length);
  if (round === 1 && strategy !== 'scheduled')
    firstOfferSeconds.observe(Math.max(0, Date.now() - job.createdAt.getTime()) / 1000);
  void Promise.all(
    driverIds.map((id) => deps.hotState.incrementWindowCounter(offersCounterKey(id), FAIRNESS_WINDOW_MS)),
  ).catch((err: unknown) => deps.log.warn({ err }, 'dispatch: fairness counters not updated'));
}
