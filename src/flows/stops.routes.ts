import type { HttpApp } from '../platform/http/server.js';
import { envelopeOf, sendOk } from '../platform/http/envelope.js';
import { currentUser } from '../platform/http/route-config.js';
import {
  StopParams,
  StopsAnswerSchema,
  StopsRequest,
  TripIdParams,
  TripSchema,
  type StopAction,
} from '../modules/trips/index.js';
import { labelItems, labelLanguage } from '../modules/pricing/index.js';
import { changeStops, type ChangeStopsDeps } from './change-stops.js';
import { markStop } from './mark-stop.js';

const tags = ['trips'];

const MARKS: Array<[string, StopAction, string]> = [
  ['arrived', 'arrived_stop', 'Mark arrival at a stop'],
  ['left', 'left_stop', 'Mark leaving a stop'],
];

/** Issue 16 #7: the rider's stops, previewed then applied, and the driver's arrival and departure at each. */
export function registerStopRoutes(app: HttpApp, deps: ChangeStopsDeps) {
  app.post(
    '/api/v1/trips/:id/stops',
    {
      schema: {
        summary: "Change a trip's stops",
        tags,
        params: TripIdParams,
        body: StopsRequest,
        response: { 200: envelopeOf(StopsAnswerSchema) },
      },
      config: { auth: ['rider'], idempotent: true },
    },
    async (request, reply) => {
      const answer = await changeStops(deps, {
        rider: currentUser(request),
        tripId: request.params.id,
        ...request.body,
      });
      // Preview lines are labelled like a quote's, in the rider's Accept-Language.
      const items = labelItems(answer.preview.items, labelLanguage(request.headers['accept-language']));
      return sendOk(reply, { ...answer, preview: { ...answer.preview, items } });
    },
  );

  for (const [path, action, summary] of MARKS)
    app.post(
      `/api/v1/trips/:id/stops/:index/${path}`,
      {
        schema: { summary, tags, params: StopParams, response: { 200: envelopeOf(TripSchema) } },
        config: { auth: ['driver'], idempotent: true },
      },
      async (request, reply) =>
        sendOk(
          reply,
          await markStop(deps, { driver: currentUser(request), ...request.params, tripId: request.params.id, action }),
        ),
    );
}
