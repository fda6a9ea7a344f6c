import type { SocketEventDefinition } from '../../platform/realtime/event-registry.js';
import { SosTriggerEvent } from './safety.schema.js';
import type { SosService } from './sos.service.js';

/**
 * `sos:trigger {tripId?, lat, lng}` → ack `{alertId}` once the alert is
 * persisted (fan-out follows). Register with the gateway:
 * `gateway.events.register(sosTriggerEvent(safety.sos))`.
 */
export function sosTriggerEvent(sos: SosService): SocketEventDefinition<typeof SosTriggerEvent> {
  return {
    name: 'sos:trigger',
    summary: 'Raise an SOS (as POST /sos)',
    schema: SosTriggerEvent,
    critical: true,
    handle: async ({ user }, payload) => sos.trigger(user, payload),
  };
}
