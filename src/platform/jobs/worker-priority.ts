import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** This process's thread ids: every one on Linux (/proc/self/task), else the process id alone. */
function ownThreads(): number[] {
  try {
    return readdirSync('/proc/self/task').map(Number);
  } catch {
    return [process.pid];
  }
}

/**
 * Raises every thread of this process to nice level `nice` (WORKER_NICE), never lowering one: raising needs no
 * privilege, lowering would be refused. On Linux a nice level belongs to a thread, and `os.setPriority()` renices
 * only the main one: V8's compiler and GC helper threads and libuv's pool, started before, kept competing with the
 * API nodes at full priority. Threads started later inherit the main thread's level.
 */
export function lowerOwnPriority(nice: number): void {
  for (const tid of ownThreads()) {
    try {
      if (getPriority(tid) < nice) setPriority(tid, nice);
    } catch {
      // The thread ended between the listing and here.
    }
  }
}
