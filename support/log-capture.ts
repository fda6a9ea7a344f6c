import { Writable } from 'node:stream';

/** A pino destination that keeps every line parsed, for tests that assert what was (not) logged. */
export class LogCapture extends Writable {
  readonly lines: Array<Record<string, any>> = [];
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) this.lines.push(JSON.parse(line));
    done();
  }
}
