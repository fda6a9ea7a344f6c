// A node:test reporter that prints one line per top-level test: `<file>\t<ms>`.
// scripts/run-tests.ts sums them per file to start the slowest suites first.
// Plain JavaScript: Node loads reporters before `--import tsx` applies.

/**
 * @typedef {{nesting?: number, file?: string, details?: {duration_ms?: number}}} TestData
 * @param {AsyncIterable<{type: string, data: TestData}>} source
 */
export default async function* durations(source) {
  for await (const { type, data } of source) {
    if ((type === 'test:pass' || type === 'test:fail') && data.nesting === 0 && data.file) {
      yield `${data.file}\t${data.details?.duration_ms ?? 0}\n`;
    }
  }
}
