/**
 * Reads the deployment files (Dockerfile, compose, Kubernetes, CI) into plain objects, and the checks both suites
 * on them share (deploy-config.test.ts, deploy-k8s.test.ts).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { CONFIG_KEYS, parseConfig } from '../../src/config.js';
import type { HttpApp } from '../../src/platform/http/server.js';

export const ROOT = new URL('../../', import.meta.url);

export function readRepoFile(path: string): string {
  return readFileSync(new URL(path, ROOT), 'utf8');
}

/** Every YAML document of a file; a syntax error fails the test with its message. */
export function yamlDocs(path: string): any[] {
  const docs = parseAllDocuments(readRepoFile(path), { merge: true });
  if (!Array.isArray(docs)) return [];
  return docs.map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS();
  });
}

export interface K8sObject {
  file: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export const K8S_DIR = 'deploy/k8s';

export function k8sObjects(): K8sObject[] {
  const files = readdirSync(new URL(`${K8S_DIR}/`, ROOT)).filter((f) => f.endsWith('.yaml'));
  return files.flatMap((file) =>
    yamlDocs(`${K8S_DIR}/${file}`)
      .filter(Boolean)
      .map((doc) => ({ file, ...doc })),
  );
}

/** Keys of a YAML file's commented-out `KEY: value` lines (optional settings shown in a template). */
export function commentedKeys(path: string): string[] {
  return [...readRepoFile(path).matchAll(/^\s*#\s*([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
}

export interface Dockerfile {
  stages: string[];
  env: Record<string, string>;
  expose: number[];
  healthcheck: string;
  entrypoint: string[];
  cmd: string[];
  user: string | undefined;
  runtimeRuns: string[];
}

/** The instructions of the Dockerfile that matter here; ENV/EXPOSE/USER/RUN are those of the last (runtime) stage. */
export function readDockerfile(): Dockerfile {
  const lines = readRepoFile('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const out: Dockerfile = {
    stages: [],
    env: {},
    expose: [],
    healthcheck: '',
    entrypoint: [],
    cmd: [],
    user: undefined,
    runtimeRuns: [],
  };
  for (const line of lines) {
    const [instruction, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    switch (instruction!.toUpperCase()) {
      case 'FROM':
        out.stages.push(args);
        Object.assign(out, { env: {}, expose: [], user: undefined, runtimeRuns: [] });
        break;
      case 'ENV':
        for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g))
          out.env[m[1]!] = m[2]!.replace(/^"|"$/g, '');
        break;
      case 'EXPOSE':
        out.expose.push(...args.split(/\s+/).map((p) => Number(p.split('/')[0])));
        break;
      case 'HEALTHCHECK':
        out.healthcheck = args;
        break;
      case 'ENTRYPOINT':
        out.entrypoint = JSON.parse(args) as string[];
        break;
      case 'CMD':
        out.cmd = JSON.parse(args) as string[];
        break;
      case 'USER':
        out.user = args;
        break;
      case 'RUN':
        out.runtimeRuns.push(args);
        break;
    }
  }
  return out;
}

/**
 * The roles src/main.ts accepts, read from its usage line (it exits 2 on an unknown role, before any config or I/O).
 */
export function acceptedRoles(): string[] {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', '--not-a-role--'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const m = /usage: smartline <([a-z|]+)>/.exec(res.stderr);
  if (res.status !== 2 || !m) throw new Error(`unexpected answer from src/main.ts: ${res.status} ${res.stderr}`);
  return m[1]!.split('|');
}

/** `/health/…` paths mentioned in a string (a HEALTHCHECK command). */
export function healthPaths(text: string): string[] {
  return [...text.matchAll(/\/health\/[a-z]+/g)].map((m) => m[0]);
}

export const PORT = parseConfig({ NODE_ENV: 'test' }).PORT;

export function assertKnownKeys(where: string, keys: string[]) {
  const unknown = keys.filter((k) => !CONFIG_KEYS.includes(k));
  assert.deepEqual(unknown, [], `${where} sets variables src/config.ts does not read`);
}

/** Probe paths must be real routes: anything but 404 (startup is 503 until the process has started). */
export async function assertRoutes(server: HttpApp, where: string, paths: string[]) {
  assert.ok(paths.length > 0, `${where} has probes`);
  for (const path of paths) {
    const res = await server.inject({ method: 'GET', url: path });
    assert.notEqual(res.statusCode, 404, `${where}: ${path} is not a route`);
  }
}
