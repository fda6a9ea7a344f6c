/**
 * A short, seeded run of `npm run fuzz` (support/fuzz): every operation
 * of the served OpenAPI, valid and damaged requests from every kind of
 * caller. Whatever is sent, no 5xx, the envelope, no leaked internals.
 * A failure lists the requests to replay; the same seed replays them all.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { operationsOf, runFuzz, type Finding, type FuzzReport } from '../../support/fuzz/fuzzer.js';
import {
  PAYLOAD_KINDS,
  INJECTION,
  LONE_SURROGATES,
  MALFORMED_JSON,
  NUL_STRINGS,
  UNICODE,
} from '../../support/fuzz/mutations.js';
import { LEAK_PATTERNS } from '../../support/fuzz/checks.js';

const SEED = 20240601;
/** ~1,100 requests: about 15 s here, well under a minute on a busy 2-core box. */
const CASES_PER_OPERATION = 12;

const show = (findings: Finding[]) =>
  findings
    .slice(0, 10)
    .map(
      (f) =>
        `${f.status} ${f.operation} [${f.kind} @ ${f.target}, ${f.principal}] ${f.problem}\n  ${f.request.method} ${f.request.url} ${f.request.body ?? ''}\n  -> ${f.response}`,
    )
    .join('\n');

describe('fuzzing the served OpenAPI', () => {
  let t: TestApp;
  let report: FuzzReport;

  before(async () => {
    t = await startTestApp('fuzz', { DISPATCH_INLINE_FIRST_ROUND: 'false' });
    report = await runFuzz(t, { seed: SEED, casesPerOperation: CASES_PER_OPERATION });
  });
  after(async () => t.close());

  test('every operation of the served OpenAPI is fuzzed with every kind of payload', () => {
    const served = operationsOf(t.app.http.swagger(), []).length;
    assert.equal(report.operations, served);
    assert.equal(report.requestsSent, served * CASES_PER_OPERATION);
    assert.deepEqual(
      PAYLOAD_KINDS.filter((k) => !report.byKind[k]),
      [],
      'payload kinds never generated',
    );
    const reachedHandlers = Object.entries(report.statusHistogram)
      .filter(([s]) => Number(s) < 300)
      .reduce((n, [, c]) => n + c, 0);
    assert.ok(
      reachedHandlers > report.requestsSent * 0.05,
      `only ${reachedHandlers} successes: the generators no longer produce valid requests`,
    );
  });

  test('no 5xx, whatever is sent', () => {
    assert.equal(
      report.fiveXX.count,
      0,
      `seed ${SEED}: ${JSON.stringify(report.fiveXX.byOperation)}\n${show(report.fiveXX.findings)}`,
    );
    assert.equal(report.timeouts.count, 0, show(report.timeouts.findings));
  });

  test('every response is the API envelope (or plain on /health, /metrics, /api/docs)', () => {
    assert.equal(report.envelope.count, 0, `seed ${SEED}:\n${show(report.envelope.findings)}`);
  });

  test('no stack trace, source path or SQL error in any response', () => {
    assert.equal(report.leaks.count, 0, `seed ${SEED}:\n${show(report.leaks.findings)}`);
  });

  test(
    "the leak patterns do not fire on the fuzzer's own payloads, so an echoed input is never mistaken for a " + 'leak',
    () => {
      const corpus = [...INJECTION, ...UNICODE, ...LONE_SURROGATES, ...NUL_STRINGS, ...MALFORMED_JSON];
      assert.deepEqual(
        corpus.filter((s) => LEAK_PATTERNS.some((p) => p.test(JSON.stringify({ echoed: s })))),
        [],
      );
      const stack = JSON.stringify({ error: new Error('boom').stack });
      assert.ok(
        LEAK_PATTERNS.some((p) => p.test(stack)),
        'a real stack trace must be caught',
      );
    },
  );
});
