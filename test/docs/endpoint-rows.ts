/**
 * The endpoint table of docs/api.md against the OpenAPI document the app
 * serves. An endpoint row is a Markdown table row whose first two cells are
 * an HTTP method and a path in OpenAPI form: `| GET | /api/v1/trips/{id} | … |`.
 */

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const ROW = new RegExp(`^\\|\\s*(${METHODS.join('|')})\\s*\\|\\s*\`?(/[^\\s|\`]*)\`?\\s*\\|`);

/** `METHOD /path` for every endpoint row, in document order (duplicates kept, so they can be reported). */
export function documentedEndpoints(markdown: string): string[] {
  const out: string[] = [];
  for (const line of markdown.split('\n')) {
    const m = ROW.exec(line.trim());
    if (m) out.push(`${m[1]} ${m[2]}`);
  }
  return out;
}

interface OpenApiDoc {
  paths?: Record<string, Record<string, unknown>>;
}

/** `METHOD /path` for every operation of an OpenAPI 3 document (HEAD/OPTIONS are not endpoints of their own). */
export function servedEndpoints(spec: OpenApiDoc): string[] {
  const out: string[] = [];
  for (const [path, ops] of Object.entries(spec.paths ?? {})) {
    for (const method of Object.keys(ops)) {
      const upper = method.toUpperCase();
      if ((METHODS as readonly string[]).includes(upper)) out.push(`${upper} ${path}`);
    }
  }
  return out;
}

export interface EndpointDiff {
  documentedNotServed: string[];
  servedNotDocumented: string[];
  documentedTwice: string[];
}

export function diffEndpoints(documented: string[], served: string[]): EndpointDiff {
  const docSet = new Set(documented);
  const servedSet = new Set(served);
  return {
    documentedNotServed: [...docSet].filter((e) => !servedSet.has(e)).sort(),
    servedNotDocumented: [...servedSet].filter((e) => !docSet.has(e)).sort(),
    documentedTwice: documented.filter((e, i) => documented.indexOf(e) !== i).sort(),
  };
}

/** One readable message naming every difference; empty when the reference is true. */
export function describeDiff(diff: EndpointDiff): string {
  const parts: string[] = [];
  if (diff.documentedNotServed.length > 0)
    parts.push(`documented in docs/api.md but not served:\n  ${diff.documentedNotServed.join('\n  ')}`);
  if (diff.servedNotDocumented.length > 0)
    parts.push(`served but not documented in docs/api.md:\n  ${diff.servedNotDocumented.join('\n  ')}`);
  if (diff.documentedTwice.length > 0) parts.push(`documented more than once:\n  ${diff.documentedTwice.join('\n  ')}`);
  return parts.join('\n');
}
