export { Dispatcher, type MatchingState } from './dispatch.service.js';
export { registerDispatchRoutes } from './dispatch.routes.js';
export { BidParams } from './dispatch.schema.js';
export { dispatchRoundTask, dispatchJobKey } from './dispatch-round.task.js';
export { RoundRunner, type RoundOutcome, type RoundOptions } from './rounds.js';
export { findCandidates, offersCounterKey, type Candidate, type CandidateResult } from './candidates.js';
export {
  SCORE_WEIGHTS,
  FAIRNESS_MAX_PENALTY,
  FAIRNESS_SATURATION_OFFERS,
  FAIRNESS_WINDOW_MS,
  RATING_FLOOR,
  scoreCandidate,
  rankCandidates,
  ineligibility,
  fairnessPenalty,
  completionRate,
  type CandidateFacts,
} from './scoring.js';
export { STRATEGY_RULES, SEARCH_RADII_M, SCHEDULED_LEAD_MS, SERVING_CLASSES, type Strategy } from './strategy.js';
export { assignGreedy, assignOptimal, totalCost, type CostMatrix, type Assignment } from './assignment.js';
export { BatchAssigner, type BatchMode } from './batcher.js';
