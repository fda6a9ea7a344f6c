/**
 * Prefix of every Redis key and channel of one deployment: staging, production
 * and parallel test schemas can share a Redis without seeing each other.
 * All nodes of one deployment use the same DB_SCHEMA, hence the same prefix.
 */
export function redisNamespace(schema: string): string {
  return schema === 'public' ? 'sl:' : `sl:${schema}:`;
}
