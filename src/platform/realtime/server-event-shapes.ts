/** What every catalogue of server → client events (server-events.ts) is built from. */
import { z } from 'zod';

/**
 * Who hears an event: a room kind (`user:{id}`, `trip:{id}`, `request:{id}`, `admin`, this node's `fleet`
 * watchers) or only the socket concerned.
 */
export type Audience = 'user' | 'trip' | 'request' | 'admin' | 'fleet' | 'socket';

export interface ServerEventSpec {
  to: Audience;
  summary: string;
  payload: z.ZodType;
}

export const point = z.object({ lat: z.number(), lng: z.number(), address: z.string().optional() });
export const isoTime = z.string().describe('ISO 8601 time');
export const money = z.object({ amount: z.number().int(), currency: z.string() });
/** A resource whose full shape is the API's (see the OpenAPI component of the same name). */
export const resource = (name: string) =>
  z.looseObject({ id: z.string() }).describe(`a ${name}, as the HTTP API shows it`);
