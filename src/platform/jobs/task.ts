import type { z } from 'zod';
import type { Logger } from '../observability/logger.js';

/** Lower runs first (graphile-worker priority); notification priorities map onto these. */
export const JobPriority = { CRITICAL: -10, HIGH: 0, NORMAL: 10, LOW: 20 } as const;
export type JobPriority = (typeof JobPriority)[keyof typeof JobPriority];

export interface TaskContext {
  log: Logger;
  attempt: number;
  maxAttempts: number;
  jobKey: string | null;
}

/**
 * A task's identity and payload contract. Enqueuers need only this; the
 * handler is registered separately by the module that owns the task, so
 * enqueuing never drags in the handler's dependencies.
 */
export interface TaskDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  schema: S;
  maxAttempts?: number;
}

export type TaskHandler<S extends z.ZodType = z.ZodType> = (payload: z.infer<S>, ctx: TaskContext) => Promise<void>;

export function defineTask<S extends z.ZodType>(def: TaskDefinition<S>): TaskDefinition<S> {
  return def;
}

export interface EnqueueOptions {
  jobKey?: string;
  runAt?: Date;
  priority?: JobPriority | number;
  maxAttempts?: number;
  queueName?: string;
}
