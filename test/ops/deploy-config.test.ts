/**
 * The deployment files (Dockerfile, docker-compose.yml, the CI workflow) must
 * agree with the code: every variable they set is one the app reads, every
 * probe path answers, ports match PORT, every command is a role src/main.ts
 * runs. The Kubernetes files: deploy-k8s.test.ts.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { parseConfig } from '../../src/config.js';
import { startTestApp, type TestApp } from '../../support/harness.js';
import {
  acceptedRoles,
  assertKnownKeys,
  assertRoutes,
  healthPaths,
  PORT,
  readDockerfile,
  readRepoFile,
  ROOT,
  yamlDocs,
} from './deploy-files.js';

describe('deployment files agree with the code', () => {
  let t: TestApp;
  let roles: string[];

  before(async () => {
    roles = acceptedRoles();
    t = await startTestApp('ops_deploy', { DB_POOL_MAX: '4' });
  });
  after(async () => {
    await t?.close();
  });

  test(
    'Dockerfile: two node:24-bookworm-slim stages, production deps, runs the build, non-root, a live health ' +
      'check, a real role',
    async () => {
      const d = readDockerfile();
      assert.ok(
        d.stages.length >= 2 && d.stages.every((s) => /node:24-bookworm-slim|NODE_IMAGE/.test(s)),
        d.stages.join(' | '),
      );
      assert.match(readRepoFile('Dockerfile'), /^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
      assert.ok(
        d.runtimeRuns.some((r) => r.includes('npm ci --omit=dev')),
        'runtime stage installs production dependencies only',
      );
      assert.ok(d.user && !['root', '0'].includes(d.user), `runs as ${d.user}`);
      assertKnownKeys('Dockerfile ENV', Object.keys(d.env));
      assert.equal(Number(d.env.PORT ?? PORT), PORT);
      assert.deepEqual(d.expose, [PORT]);
      assert.ok(!/curl|wget/.test(d.healthcheck), 'health check needs no curl');
      await assertRoutes(t.app.http, 'HEALTHCHECK', healthPaths(d.healthcheck));
      assert.deepEqual(d.entrypoint, ['node', 'dist/main.js']);
      assert.ok(roles.includes(d.cmd[0]!), `CMD role ${d.cmd[0]}`);
    },
  );

  test('docker-compose.yml: api ×2, worker and migrate on real roles and config keys; postgres 15 and redis 7', () => {
    const [compose] = yamlDocs('docker-compose.yml');
    const services = compose.services as Record<string, any>;
    assert.match(services.postgres.image, /^postgres:15/);
    assert.match(services.redis.image, /^redis:7/);
    const ours = Object.entries(services).filter(([, s]) => s.build !== undefined);
    assert.deepEqual(ours.map(([name]) => name).sort(), ['api', 'migrate', 'worker']);
    for (const [name, s] of ours) {
      assertKnownKeys(`compose ${name}`, Object.keys(s.environment ?? {}));
      assert.doesNotThrow(() => parseConfig(s.environment), `compose ${name} environment is a valid config`);
      assert.equal(Number(s.environment.PORT ?? PORT), PORT);
      assert.ok(roles.includes(s.command[0]), `compose ${name} runs role ${s.command[0]}`);
      for (const mapping of s.ports ?? [])
        assert.equal(Number(String(mapping).split(':').pop()), PORT, `compose ${name} publishes PORT`);
      if (name !== 'migrate') assert.equal(s.depends_on.migrate.condition, 'service_completed_successfully');
    }
    assert.deepEqual(
      [services.api.command[0], services.worker.command[0], services.migrate.command[0]],
      ['serve', 'worker', 'migrate'],
    );
    assert.ok(services.api.deploy.replicas >= 2, 'two API nodes');
    assert.equal(services.migrate.restart, 'no', 'migrate runs once');
  });

  test('docker-compose.yml: api scales behind HAProxy (no host port per replica); observability profile wires deploy/', () => {
    const [compose] = yamlDocs('docker-compose.yml');
    const services = compose.services as Record<string, any>;
    assert.equal(services.api.ports, undefined, '`--scale api=3` must not clash on host ports');
    assert.deepEqual(services.lb.ports, [`${PORT}:${PORT}`]);
    const haproxy = readRepoFile('deploy/haproxy/haproxy.cfg');
    assert.match(haproxy, new RegExp(`server-template api \\d+ api:${PORT} check resolvers docker`));
    assert.match(haproxy, /timeout tunnel/, 'websockets stay open through the balancer');
    assert.match(haproxy, /option httpchk GET \/health\/ready/);
    for (const name of ['prometheus', 'grafana']) assert.deepEqual(services[name].profiles, ['observability']);
    const mounted = [...services.prometheus.volumes, ...services.grafana.volumes].map((v: string) => v.split(':')[0]);
    for (const file of mounted) assert.ok(existsSync(new URL(file!, ROOT)), `${file} exists`);
    assert.ok(
      mounted.includes('./deploy/prometheus/alerts.yml') && mounted.includes('./deploy/grafana/smartline.json'),
    );
    const [prometheus] = yamlDocs('deploy/prometheus/prometheus.yml');
    const jobs = prometheus.scrape_configs as Array<any>;
    const token = services.api.environment.METRICS_TOKEN;
    assert.ok(
      jobs.every((j) => j.authorization.credentials === token),
      'Prometheus sends the METRICS_TOKEN',
    );
    assert.deepEqual(prometheus.rule_files, ['/etc/prometheus/alerts.yml']);
  });

  test(
    'CI workflow: Node 20 and 24, postgres 15 and redis 7 services, lint, typecheck, tests with ' +
      'DATABASE_URL/REDIS_URL, image build',
    () => {
      const [wf] = yamlDocs('.github/workflows/ci.yml');
      const jobs = Object.values(wf.jobs) as any[];
      const steps = jobs.flatMap((j) => j.steps as any[]);
      for (const j of jobs) assertKnownKeys('workflow job env', Object.keys(j.env ?? {}));
      for (const s of steps) assertKnownKeys(`workflow step ${s.name ?? s.run ?? s.uses}`, Object.keys(s.env ?? {}));
      const withServices = jobs.find((j) => j.services);
      assert.match(withServices.services.postgres.image, /^postgres:15/);
      assert.match(withServices.services.redis.image, /^redis:7/);
      assert.deepEqual(withServices.strategy.matrix.node.map(String).sort(), ['20', '24']);
      assert.ok(steps.some((s) => String(s.with?.['node-version']) === '${{ matrix.node }}'));
      const runs = steps.map((s) => String(s.run ?? ''));
      for (const cmd of ['npm ci', 'npm run lint', 'npm run typecheck'])
        assert.ok(
          runs.some((r) => r.includes(cmd)),
          cmd,
        );
      const testStep = steps.find((s) => String(s.run ?? '').trim() === 'npm test');
      assert.deepEqual(Object.keys(testStep.env).sort(), ['DATABASE_URL', 'REDIS_URL']);
      assert.ok(
        steps.some((s) => String(s.uses ?? '').startsWith('docker/build-push-action')),
        'the image is built',
      );
    },
  );
});
