/**
 * The alert rules and the dashboard only mean something if the metrics they
 * query exist: every smartline_* name they reference must be registered once
 * the app is built, and every alert must point at a runbook that exists in
 * the agreed set.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { metricsRegistry } from '../../src/platform/observability/metrics.js';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

const ALERTS = [
  'SmartlineHighErrorRate',
  'SmartlineHighLatencyP95',
  'SmartlineLowMatchRate',
  'SmartlinePaymentSuccessLow',
  'SmartlineDeadLettersGrowing',
  'SmartlineReconciliationFailed',
  'SmartlineRedisDegraded',
  'SmartlineSocketStorm',
  'SmartlineLocationSpike',
  'SmartlineSosEscalationFailing',
  'SmartlineDatabaseDown',
  'SmartlineJobQueueBacklog',
];
const RUNBOOKS = [
  'socket-storm.md',
  'slow-queries.md',
  'location-spikes.md',
  'redis-down.md',
  'postgres-failover.md',
  'payment-provider-down.md',
  'stuck-jobs.md',
  'sos-escalation-failure.md',
];
const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations: Record<string, string>;
}

/** Every smartline_* name in a PromQL expression (or any text). */
function metricNames(text: string): string[] {
  return [...new Set(text.match(/\bsmartline_[a-zA-Z0-9_]+/g) ?? [])];
}

describe('deploy/prometheus/alerts.yml and deploy/grafana/smartline.json', () => {
  let t: TestApp;
  let registered: Map<string, string>;
  before(async () => {
    t = await startTestApp('ops_files');
    registered = new Map((await metricsRegistry.getMetricsAsJSON()).map((m) => [m.name, String(m.type)]));
  });
  after(async () => t.close());

  /** Registered as is, or a histogram's _bucket/_sum/_count series. */
  function unknownNames(names: string[]): string[] {
    return names.filter((name) => {
      if (registered.has(name)) return false;
      const base = name.replace(HISTOGRAM_SERIES, '');
      return !(base !== name && registered.get(base) === 'histogram');
    });
  }

  test('alert rules: the agreed names, each with an expression on registered metrics and a known runbook', () => {
    const doc = parse(read('deploy/prometheus/alerts.yml')) as { groups: Array<{ name: string; rules: Rule[] }> };
    const rules = doc.groups.flatMap((g) => g.rules);
    assert.deepEqual(rules.map((r) => r.alert).sort(), [...ALERTS].sort());
    for (const rule of rules) {
      const names = metricNames(rule.expr);
      assert.ok(names.length > 0, `${rule.alert} queries no smartline metric`);
      assert.deepEqual(
        unknownNames([...names, ...metricNames(JSON.stringify(rule.annotations))]),
        [],
        `${rule.alert} references unregistered metrics`,
      );
      const runbook = /^docs\/runbooks\/([a-z-]+\.md)$/.exec(rule.annotations.runbook_url ?? '');
      assert.ok(
        runbook && RUNBOOKS.includes(runbook[1]!),
        `${rule.alert}: runbook_url ${rule.annotations.runbook_url}`,
      );
      assert.ok(rule.annotations.summary, `${rule.alert} has a summary`);
      assert.ok(rule.labels?.severity, `${rule.alert} has a severity`);
    }
  });

  test('dashboard: every panel target queries registered metrics; the agreed sections are there', () => {
    const dashboard = JSON.parse(read('deploy/grafana/smartline.json')) as {
      uid: string;
      panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
    };
    assert.ok(dashboard.uid);
    const exprs = dashboard.panels.flatMap((p) =>
      (p.targets ?? []).map((target) => ({ title: p.title, expr: target.expr })),
    );
    assert.ok(exprs.length >= 30, `${exprs.length} queries`);
    for (const { title, expr } of exprs) {
      const names = metricNames(expr);
      assert.ok(names.length > 0, `${title}: ${expr}`);
      assert.deepEqual(unknownNames(names), [], `${title} references unregistered metrics`);
    }
    const queried = new Set(exprs.flatMap(({ expr }) => metricNames(expr).map((n) => n.replace(HISTOGRAM_SERIES, ''))));
    const sections = [
      'smartline_http_request_duration_seconds',
      'smartline_socket_connections',
      'smartline_drivers_online',
      'smartline_trips',
      'smartline_dispatch_time_to_match_seconds',
      'smartline_dispatch_offers_total',
      'smartline_dispatch_offer_outcomes_total',
      'smartline_jobs_queued',
      'smartline_job_duration_seconds',
      'smartline_jobs_dead_letters',
      'smartline_payments_kashier_events_total',
      'smartline_circuit_breaker_state',
      'smartline_db_pool_total_clients',
      'smartline_db_pool_waiting_requests',
      'smartline_hotstate_degraded',
    ];
    assert.deepEqual(
      sections.filter((name) => !queried.has(name)),
      [],
      'dashboard sections missing',
    );
  });

  test('the checks above would catch a typo', () => {
    assert.deepEqual(
      unknownNames([
        'smartline_http_request_duration_seconds_bucket',
        'smartline_trips_count',
        'smartline_trip_typo_total',
      ]),
      ['smartline_trips_count', 'smartline_trip_typo_total'],
    );
  });
});
