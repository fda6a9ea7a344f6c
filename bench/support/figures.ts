/**
 * The one row format every bench reports its headline figures in (issue 22,
 * goal 5): SmartLine's figure, the same-run baseline's, their ratio, the goal
 * and whether it was met, with the machine's load and the date. Each bench
 * calls `writeFigures` once; `npm run bench:all` (bench/all.ts) gathers the
 * files into bench/results/summary.md.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';

export const FIGURES_DIR = resolve(import.meta.dirname, '../results/figures');

/** A goal on the ratio (default) or on SmartLine's own figure (e.g. "p99 < 100 ms"). */
export interface Goal {
  on?: 'ratio' | 'smartline';
  atLeast?: number;
  atMost?: number;
}

export interface Figure {
  /** What is measured, with the load it ran under ("POST /trips req/s, 100 conns"). */
  figure: string;
  unit: string;
  smartline: number;
  /** What the baseline is ("one INSERT … RETURNING txn"); omitted when the figure has none. */
  baselineName?: string;
  baseline?: number;
  /** Defaults to smartline ÷ baseline. */
  ratio?: number;
  goal?: Goal;
}

export interface FigureRow extends Figure {
  ratio?: number;
  goalText: string;
  met: boolean | null;
}

export interface FigureFile {
  bench: string;
  ranAt: string;
  /** 1, 5 and 15 minute load averages when the figures were taken. */
  load: number[];
  rows: FigureRow[];
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

function goalText(goal: Goal | undefined, unit: string): string {
  if (!goal) return '';
  const subject = goal.on === 'smartline' ? '' : 'ratio ';
  const suffix = goal.on === 'smartline' ? ` ${unit}` : '';
  const parts = [];
  if (goal.atLeast !== undefined) parts.push(`${subject}≥ ${goal.atLeast}${suffix}`);
  if (goal.atMost !== undefined) parts.push(`${subject}≤ ${goal.atMost}${suffix}`);
  return parts.join(', ');
}

export function toRow(f: Figure): FigureRow {
  const ratio =
    f.ratio ?? (f.baseline !== undefined && f.baseline !== 0 ? round3(f.smartline / f.baseline) : undefined);
  let met: boolean | null = null;
  if (f.goal) {
    const value = f.goal.on === 'smartline' ? f.smartline : ratio;
    met =
      value !== undefined &&
      Number.isFinite(value) &&
      (f.goal.atLeast === undefined || value >= f.goal.atLeast) &&
      (f.goal.atMost === undefined || value <= f.goal.atMost);
  }
  return { ...f, ratio, goalText: goalText(f.goal, f.unit), met };
}

/** Writes bench/results/figures/<bench>.json and prints the rows; returns the file's content. */
export function writeFigures(bench: string, figures: Figure[]): FigureFile {
  const file: FigureFile = {
    bench,
    ranAt: new Date().toISOString(),
    load: loadavg().map((l) => Math.round(l * 100) / 100),
    rows: figures.map(toRow),
  };
  mkdirSync(FIGURES_DIR, { recursive: true });
  writeFileSync(resolve(FIGURES_DIR, `${bench}.json`), `${JSON.stringify(file, null, 2)}\n`);
  process.stdout.write(`${renderTable([file])}\n`);
  return file;
}

export function readFigureFiles(): FigureFile[] {
  let names: string[] = [];
  try {
    names = readdirSync(FIGURES_DIR).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.sort().map((n) => JSON.parse(readFileSync(resolve(FIGURES_DIR, n), 'utf8')) as FigureFile);
}

const num = (x: number | undefined) => (x === undefined ? '' : String(Math.round(x * 1000) / 1000));
const cell = (s: string) => s.replace(/\|/g, '\\|');

export function renderTable(files: FigureFile[]): string {
  const head =
    '| bench | figure | SmartLine | baseline | ratio | goal | met | load (1/5/15 min) | date |\n' +
    '|---|---|---|---|---|---|---|---|---|';
  const lines = files.flatMap((f) =>
    f.rows.map((r) =>
      [
        f.bench,
        cell(r.figure),
        `${num(r.smartline)} ${r.unit}`,
        r.baselineName ? `${num(r.baseline)} ${r.unit} (${cell(r.baselineName)})` : '',
        num(r.ratio),
        cell(r.goalText),
        r.met === null ? '' : r.met ? 'met' : 'NOT met',
        f.load.join(' / '),
        f.ranAt.slice(0, 16).replace('T', ' '),
      ].join(' | '),
    ),
  );
  return [head, ...lines.map((l) => `| ${l} |`)].join('\n');
}
