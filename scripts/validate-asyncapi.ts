/**
 * `tsx scripts/validate-asyncapi.ts <file>`: validates an AsyncAPI document
 * with @asyncapi/parser; prints every diagnostic and exits 1 on an error.
 */
import { readFileSync } from 'node:fs';
import { Parser, DiagnosticSeverity } from '@asyncapi/parser';

export async function asyncapiErrors(document: unknown): Promise<string[]> {
  const { diagnostics } = await new Parser().parse(JSON.stringify(document));
  return diagnostics
    .filter((d) => d.severity === DiagnosticSeverity.Error)
    .map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`);
}

async function main(file: string) {
  const errors = await asyncapiErrors(JSON.parse(readFileSync(file, 'utf8')));
  for (const line of errors) process.stderr.write(`${line}\n`);
  process.stdout.write(`${file}: ${errors.length === 0 ? 'valid AsyncAPI' : `${errors.length} errors`}\n`);
  process.exitCode = errors.length === 0 ? 0 : 1;
}

if (process.argv[1] === import.meta.filename) {
  main(process.argv[2] ?? 'clients/typescript/asyncapi.json').catch((err: unknown) => {
    process.stderr.write(`validate-asyncapi failed: ${String(err)}\n`);
    process.exitCode = 1;
  });
}
