import type pg from 'pg';

/**
 * SQL of the backup commands (they talk to Postgres with a bare pg.Client:
 * they run without the app, possibly against a scratch database).
 */
export interface TableStat {
  schema: string;
  table: string;
  rows: number;
  /** Order-independent sum of per-row md5 prefixes, as a decimal string. */
  checksum: string;
}

/** Row text must not depend on session settings, or checksums would differ between two sessions. */
export const STABLE_OUTPUT_SQL =
  "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 1; " +
  "SET bytea_output = 'hex'";

export async function existingSchemas(client: pg.Client, names: string[]): Promise<string[]> {
  const res = await client.query<{ nspname: string }>(
    'SELECT nspname FROM pg_namespace WHERE nspname = ANY($1) ORDER BY nspname',
    [names],
  );
  return res.rows.map((r) => r.nspname);
}

/** Ordinary tables (and leaf partitions) of the schemas, not counting tables that belong to extensions. */
export async function listTables(
  client: pg.Client,
  schemas: string[],
): Promise<Array<{ schema: string; table: string }>> {
  const res = await client.query<{ schema: string; table: string }>(
    `SELECT n.nspname AS schema, c.relname AS table
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ANY($1) AND c.relkind = 'r'
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND
         d.deptype = 'e')
     ORDER BY 1, 2`,
    [schemas],
  );
  return res.rows;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Count and checksum of one table: sum of the first 60 bits of md5(row text), exact in numeric. */
export async function tableStat(client: pg.Client, schema: string, table: string): Promise<TableStat> {
  const res = await client.query<{ rows: string; checksum: string }>(
    `SELECT count(*)::text AS rows, coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0)::text AS checksum
     FROM ${ident(schema)}.${ident(table)} AS t`,
  );
  return { schema, table, rows: Number(res.rows[0]!.rows), checksum: res.rows[0]!.checksum };
}

export async function serverMajorVersion(client: pg.Client): Promise<number> {
  const res = await client.query<{ v: string }>('SHOW server_version_num');
  return Math.floor(Number(res.rows[0]!.v) / 10_000);
}

/**
 * SQL that empties a schema before a restore, run in the restore's own
 * transaction. Other schemas are dropped whole. `public` cannot be: it holds
 * the extensions (btree_gist …) that other schemas in the database use, so
 * only its non-extension objects go.
 */
export function clearSchemaSql(schema: string): string {
  if (schema !== 'public') return `DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE;`;
  const notExtension = (catalog: string, oid: string) =>
    `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND ` +
    `d.deptype = 'e')`;
  return `DO $clear$
DECLARE r record;
BEGIN
  FOR r IN SELECT format('%I.%I', n.nspname, c.relname) AS name,
                  CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                    WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS kind
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm', 'r', 'p', 'S', 'f') AND NOT c.relispartition AND ${notExtension('pg_class', 'c.oid')}
           ORDER BY CASE c.relkind WHEN 'v' THEN 0 WHEN 'm' THEN 1 WHEN 'S' THEN 3 ELSE 2 END
  LOOP
    EXECUTE format('DROP %s IF EXISTS %s CASCADE', r.kind, r.name);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure::text AS name, CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END AS kind
           FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND ${notExtension('pg_proc', 'p.oid')}
  LOOP
    EXECUTE format('DROP %s IF EXISTS %s CASCADE', r.kind, r.name);
  END LOOP;
  FOR r IN SELECT format('%I.%I', 'public', t.typname) AS name FROM pg_type t
           WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd', 'r')
             AND ${notExtension('pg_type', 't.oid')}
  LOOP
    EXECUTE format('DROP TYPE IF EXISTS %s CASCADE', r.name);
  END LOOP;
END
$clear$;`;
}
