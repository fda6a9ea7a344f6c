/**
 * Where a server's CPU went: `npx tsx bench/support/profile.ts <file.cpuprofile> [top]` prints the busy time of a
 * V8 CPU profile (as written by BENCH_PROFILE_DIR) by area — a package, a folder of src/, a node: module, GC —
 * and by function, as shares of busy (non-idle) samples.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface Profile {
  nodes: Array<{ id: number; callFrame: CallFrame }>;
  samples: number[];
  timeDeltas: number[];
}

/** The bucket a frame's self time goes to. */
function areaOf({ url, functionName }: CallFrame): string {
  if (!url) return functionName.startsWith('(') ? functionName : `native ${functionName}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/src\/(.*)\/[^/]+$/.exec(url);
  if (own) return `src/${own[1]}`;
  if (url.startsWith('node:'))
    return url
      .replace(/^node:internal\//, 'node:')
      .split('/')
      .slice(0, 2)
      .join('/');
  return url;
}

const functionOf = ({ functionName, url, lineNumber }: CallFrame) =>
  `${functionName || '(anonymous)'} ${url.replace(/.*\/(node_modules|src)\//, '$1/')}:${lineNumber + 1}`;

function selfTimes(profile: Profile): Map<number, number> {
  const times = new Map<number, number>();
  profile.samples.forEach((id, i) => times.set(id, (times.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  return times;
}

function main() {
  const [file, top = '25'] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile.ts <file.cpuprofile> [top]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const times = selfTimes(profile);
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const t = times.get(node.id) ?? 0;
    if (node.callFrame.functionName === '(idle)') idle += t;
    if (t === 0 || node.callFrame.functionName === '(idle)') continue;
    busy += t;
    areas.set(areaOf(node.callFrame), (areas.get(areaOf(node.callFrame)) ?? 0) + t);
    functions.set(functionOf(node.callFrame), (functions.get(functionOf(node.callFrame)) ?? 0) + t);
  }
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const print = (title: string, m: Map<string, number>) => {
    out(`-- ${title}`);
    for (const [name, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(top)))
      out(`${((100 * t) / busy).toFixed(1).padStart(5)} %  ${name}`);
  };
  out(`busy ${(busy / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s`);
  print('by area', areas);
  print('by function', functions);
}

main();
