// Minimal typings for opossum 9 (the package ships none; only what SmartLine uses).
declare module 'opossum' {
  import { EventEmitter } from 'node:events';

  namespace CircuitBreaker {
    interface Options {
      name?: string;
      timeout?: number | false;
      errorThresholdPercentage?: number;
      resetTimeout?: number;
      rollingCountTimeout?: number;
      rollingCountBuckets?: number;
      volumeThreshold?: number;
      capacity?: number;
      enableSnapshots?: boolean;
      errorFilter?: (err: unknown) => boolean;
    }
  }

  class CircuitBreaker<TArgs extends unknown[] = unknown[], TResult = unknown> extends EventEmitter {
    constructor(action: (...args: TArgs) => Promise<TResult>, options?: CircuitBreaker.Options);
    fire(...args: TArgs): Promise<TResult>;
    readonly name: string;
    readonly opened: boolean;
    readonly halfOpen: boolean;
    readonly closed: boolean;
    open(): void;
    close(): void;
    shutdown(): void;
  }

  export = CircuitBreaker;
}
