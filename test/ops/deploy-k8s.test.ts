/**
 * The Kubernetes files (deploy/k8s) must agree with the code: every variable
 * they set is one the app reads, every probe path answers, ports match PORT,
 * every command is a role src/main.ts runs, and the config is a complete
 * production config. The other deployment files: deploy-config.test.ts.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../src/config.js';
import { createProbeServer } from '../../src/probe-app.js';
import type { HttpApp } from '../../src/platform/http/server.js';
import { startTestApp, type TestApp } from '../../support/harness.js';
import {
  acceptedRoles,
  assertKnownKeys,
  assertRoutes,
  commentedKeys,
  k8sObjects,
  PORT,
  type K8sObject,
} from './deploy-files.js';

/** Valid stand-ins for what an operator puts in the Secret (the template itself holds none). */
const SECRET_SAMPLES: Record<string, string> = {
  DATABASE_URL: 'postgres://smartline:pw@db.internal:5432/smartline',
  REDIS_URL: 'redis://:pw@redis.internal:6379',
  JWT_KEYS: `k1:${'a'.repeat(48)}`,
  JWT_ACTIVE_KID: 'k1',
  QUOTE_SECRET: 'q'.repeat(40),
  METRICS_TOKEN: 'metrics-token-123',
  KASHIER_MERCHANT_ID: 'MID-1-2',
  KASHIER_API_KEY: 'k'.repeat(32),
  SMTP_URL: 'smtp://user:pw@smtp.internal:587',
  PUSH_ACCESS_TOKEN: 'push-token',
  SMS_ACCOUNT_SID: 'AC123',
  SMS_AUTH_TOKEN: 'sms-token',
  ONCALL_PHONE: '+201000000002',
  ONCALL_EMAIL: 'oncall@smartline.example.com',
};

describe('Kubernetes files agree with the code', () => {
  let t: TestApp;
  let probes: HttpApp;
  let roles: string[];
  let objects: K8sObject[];
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const one = (kind: string, name: string) => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    assert.ok(found, `${kind}/${name} exists in deploy/k8s`);
    return found;
  };

  before(async () => {
    roles = acceptedRoles();
    objects = k8sObjects();
    t = await startTestApp('ops_deploy_k8s', { DB_POOL_MAX: '4' });
    probes = (await createProbeServer(t.platform, 'test')).http;
    await probes.ready();
  });
  after(async () => {
    await probes?.close();
    await t?.close();
  });

  test(
    'Kubernetes: ConfigMap and Secret template hold config keys only; the Secret template cannot run ' + 'unfilled',
    () => {
      const config = one('ConfigMap', 'smartline-config').data!;
      const secret = one('Secret', 'smartline-secrets').stringData!;
      assertKnownKeys('ConfigMap', Object.keys(config));
      assertKnownKeys('Secret template', Object.keys(secret));
      assertKnownKeys('Secret template comments', commentedKeys('deploy/k8s/secret.template.yaml'));
      assert.deepEqual(
        Object.entries(secret).filter(([, v]) => v !== ''),
        [],
        'no value in the template',
      );
      assert.throws(() => parseConfig({ ...config, ...secret }), ConfigError, 'an unfilled Secret is refused at start');
      const missing = Object.keys(secret).filter((k) => !(k in SECRET_SAMPLES));
      assert.deepEqual(missing, [], 'this test knows a valid sample for every Secret key');
      const filled = parseConfig({
        ...config,
        ...Object.fromEntries(Object.keys(secret).map((k) => [k, SECRET_SAMPLES[k]!])),
      });
      assert.equal(filled.isProduction, true, 'ConfigMap + filled Secret is a complete production config');
      assert.equal(filled.PORT, PORT);
    },
  );

  test(
    'Kubernetes: api and worker Deployments and the migrate Job run real roles, real ports and probes that ' + 'answer',
    async () => {
      const refs = new Set([...byKind('ConfigMap'), ...byKind('Secret')].map((o) => o.metadata.name));
      const expected: Record<string, { role: string; server: HttpApp }> = {
        'smartline-api': { role: 'serve', server: t.app.http },
        'smartline-worker': { role: 'worker', server: probes },
        'smartline-migrate': { role: 'migrate', server: t.app.http },
      };
      const workloads = [...byKind('Deployment'), ...byKind('Job')];
      assert.deepEqual(workloads.map((w) => w.metadata.name).sort(), Object.keys(expected).sort());
      for (const w of workloads) {
        const { role, server } = expected[w.metadata.name]!;
        const containers = w.spec.template.spec.containers as any[];
        assert.equal(containers.length, 1);
        const c = containers[0];
        assert.equal(c.command, undefined, `${w.metadata.name} keeps the image entrypoint`);
        assert.deepEqual(c.args, [role]);
        assert.ok(roles.includes(c.args[0]));
        assertKnownKeys(
          `${w.metadata.name} env`,
          (c.env ?? []).map((e: any) => e.name),
        );
        for (const from of c.envFrom ?? [])
          assert.ok(refs.has((from.configMapRef ?? from.secretRef).name), `${w.metadata.name} envFrom exists`);
        assert.equal(w.spec.template.spec.securityContext.runAsNonRoot, true);
        if (w.kind === 'Job') continue;
        assert.deepEqual(
          c.ports.map((p: any) => [p.name, p.containerPort]),
          [['http', PORT]],
        );
        const probesOf = [c.livenessProbe, c.readinessProbe, c.startupProbe];
        assert.deepEqual(
          probesOf.map((p) => p.httpGet.path),
          ['/health/live', '/health/ready', '/health/startup'],
        );
        assert.ok(probesOf.every((p) => p.httpGet.port === 'http' || p.httpGet.port === PORT));
        await assertRoutes(
          server,
          w.metadata.name,
          probesOf.map((p) => p.httpGet.path),
        );
      }
      assert.equal(
        (await probes.inject({ method: 'GET', url: '/api/v1/me' })).statusCode,
        404,
        'a worker never serves the API',
      );
      const scrape = await probes.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${t.config.metricsToken}` },
      });
      assert.equal(scrape.statusCode, 200, 'a worker exposes its job metrics');
      assert.match(scrape.body, /smartline_jobs_queued/);
    },
  );

  test('Kubernetes: Service, Ingress, HPA and PDBs point at the Deployments', () => {
    const api = one('Deployment', 'smartline-api');
    const podLabels = api.spec.template.metadata.labels as Record<string, string>;
    const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
      Object.entries(selector).every(([k, v]) => labels[k] === v);
    const service = one('Service', 'smartline-api');
    assert.ok(matches(service.spec.selector, podLabels), 'Service selects the api pods');
    const containerPorts = api.spec.template.spec.containers[0].ports as Array<{ name: string; containerPort: number }>;
    for (const p of service.spec.ports) {
      assert.ok(
        containerPorts.some((c) => c.name === p.targetPort || c.containerPort === p.targetPort),
        `targetPort ${p.targetPort}`,
      );
    }
    const [ingress] = byKind('Ingress');
    const annotations = ingress!.metadata as any;
    assert.equal(
      annotations.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'],
      '3600',
      'long-lived websockets',
    );
    for (const rule of ingress!.spec.rules) {
      for (const path of rule.http.paths) {
        assert.equal(path.backend.service.name, 'smartline-api');
        assert.ok(
          service.spec.ports.some(
            (p: any) => p.name === path.backend.service.port.name || p.port === path.backend.service.port.number,
          ),
        );
      }
    }
    const deployments = byKind('Deployment');
    for (const hpa of byKind('HorizontalPodAutoscaler')) {
      assert.ok(
        deployments.some((d) => d.metadata.name === hpa.spec.scaleTargetRef.name),
        `HPA ${hpa.metadata.name} target`,
      );
      assert.ok(
        hpa.spec.metrics.some((m: any) => m.resource?.name === 'cpu'),
        'scales on CPU',
      );
    }
    const pdbs = byKind('PodDisruptionBudget');
    for (const d of deployments) {
      assert.ok(
        pdbs.some((p) => matches(p.spec.selector.matchLabels, d.spec.template.metadata.labels)),
        `a PDB covers ${d.metadata.name}`,
      );
    }
  });
});
