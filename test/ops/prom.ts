/** Reading Prometheus text in tests (not a test file itself). */
import assert from 'node:assert/strict';
import type { TestApp } from '../../support/harness.js';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    assert.ok(m, `not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(LABEL)) labels[k!] = v!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

export class Scrape {
  constructor(
    readonly text: string,
    readonly samples = parseMetrics(text),
  ) {}

  /** Samples of `name` whose labels include `labels`. */
  find(name: string, labels: Record<string, string> = {}): Sample[] {
    return this.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  }

  /** The one sample of `name` with these labels; fails when there is none or several. */
  value(name: string, labels: Record<string, string> = {}): number {
    const found = this.find(name, labels);
    assert.equal(found.length, 1, `${name}${JSON.stringify(labels)}: expected one sample, got ${found.length}`);
    return found[0]!.value;
  }

  /** Sum over every sample of `name` matching `labels` (0 when none). */
  sum(name: string, labels: Record<string, string> = {}): number {
    return this.find(name, labels).reduce((acc, s) => acc + s.value, 0);
  }
}

export async function scrape(t: TestApp): Promise<Scrape> {
  const res = await t.api('GET', '/metrics', { headers: { authorization: `Bearer ${t.config.metricsToken}` } });
  assert.equal(res.status, 200, String(res.body));
  assert.match(String(res.headers['content-type']), /^text\/plain/);
  return new Scrape(String(res.body));
}
