import { z } from 'zod';

/** Field types shared by the config schema's parts (config.schema.ts). */

/** on/off, true/false, 1/0. */
export const flag = z
  .enum(['on', 'off', 'true', 'false', '1', '0'])
  .transform((v) => v === 'on' || v === 'true' || v === '1');

/** A comma-separated list; blanks dropped. */
export const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
