/**
 * SmartLine's typed client: openapi-fetch over the generated `paths` (every
 * path, parameter, body and answer checked at compile time) and the Socket.IO
 * event maps. Regenerate the types with `npm run gen:client`.
 */
import createFetchClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { paths } from './schema.js';

export type { components, operations, paths } from './schema.js';
export type { ClientToServerEvents, ServerToClientEvents } from './sockets.js';

export type SmartLineClient = Client<paths>;

export interface SmartLineClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** The current access token, read on every request (so a refreshed one is used at once). */
  accessToken?: () => string | undefined;
}

export function createSmartLineClient(baseUrl: string, opts: SmartLineClientOptions = {}): SmartLineClient {
  const { accessToken, ...fetchOptions } = opts;
  const client = createFetchClient<paths>({ ...fetchOptions, baseUrl });
  client.use({
    onRequest({ request }) {
      const token = accessToken?.();
      if (token) request.headers.set('authorization', `Bearer ${token}`);
      return request;
    },
  });
  return client;
}
