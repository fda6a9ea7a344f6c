/**
 * `npm run fuzz`: the schemathesis-style fuzzer over every operation of the
 * served OpenAPI (support/fuzz), against the full app on a scratch
 * schema of DATABASE_URL. Prints requests sent, the status histogram, 5xx,
 * leaks and envelope breaches, writes bench/results/fuzz.json, and exits 1
 * when any 5xx, leak, envelope breach or hung request was seen.
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * FUZZ_SEED (default 20240601), FUZZ_CASES per operation (default 60),
 * FUZZ_VERBOSE=1 for a line per operation.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startTestApp } from '../support/harness.js';
import { runFuzz, type FuzzReport } from '../support/fuzz/fuzzer.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20240601);
const CASES = Number(process.env.FUZZ_CASES ?? 60);
const RESULTS = resolve(import.meta.dirname, '../bench/results/fuzz.json');
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';

function summary(report: FuzzReport): string {
  const histogram = Object.entries(report.statusHistogram)
    .map(([s, n]) => `${s}:${n}`)
    .join(' ');
  const lines = [
    `requests sent   ${report.requestsSent} (${report.operations} operations × ${report.casesPerOperation} cases, ` +
      `seed ${report.seed}, ${(report.durationMs / 1000).toFixed(1)} s)`,
    `status          ${histogram}`,
    `5xx             ${report.fiveXX.count}`,
    ...Object.entries(report.fiveXX.byOperation).map(([op, n]) => `  ${n}× ${op}`),
    `leaks           ${report.leaks.count}`,
    `envelope        ${report.envelope.count} responses off the envelope contract`,
    `hung            ${report.timeouts.count}`,
  ];
  return `${lines.join('\n')}\n`;
}

async function main() {
  // Offers are placed by hand in the seeded world; the inline first round would race them.
  const t = await startTestApp('fuzz', { DISPATCH_INLINE_FIRST_ROUND: 'false' });
  try {
    const progress = process.env.FUZZ_VERBOSE ? (line: string) => process.stdout.write(`# ${line}\n`) : undefined;
    const report = await runFuzz(t, { seed: SEED, casesPerOperation: CASES, progress });
    mkdirSync(resolve(import.meta.dirname, '../bench/results'), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify({ ranAt: new Date().toISOString(), ...report }, null, 2)}\n`);
    process.stdout.write(summary(report));
    process.stdout.write(
      `SUMMARY fuzz: ${report.requestsSent} requests, ${report.fiveXX.count} 5xx, ${report.leaks.count} leaks, ` +
        `${report.envelope.count} envelope breaches -> ${RESULTS}\n`,
    );
    process.exitCode =
      report.fiveXX.count + report.leaks.count + report.envelope.count + report.timeouts.count > 0 ? 1 : 0;
  } finally {
    await t.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`fuzz failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
