/**
 * Text for the provider channels (push/SMS/email). The inbox and sockets get
 * the template name and data as they are; clients localise those. Unknown
 * templates fall back to `data.title` / `data.body` (or `data.message`).
 */
export interface RenderedMessage {
  title: string;
  body: string;
}

type Renderer = (data: Record<string, unknown>) => RenderedMessage;

const text = (value: unknown, fallback = ''): string =>
  typeof value === 'string' && value.length > 0 ? value : fallback;

const TEMPLATES: Record<string, Renderer> = {
  'sos.acknowledged': () => ({ title: 'SOS received', body: 'Our safety team has seen your SOS and is on it.' }),
  'sos.resolved': () => ({ title: 'SOS closed', body: 'Your SOS alert has been closed by our safety team.' }),
  'safety.stopped': () => ({
    title: 'Are you OK?',
    body: 'Your ride has been stopped for a while. Tap SOS if you need help.',
  }),
  'safety.off_route': () => ({
    title: 'Route check',
    body: 'Your ride is off the expected route. Tap SOS if you need help.',
  }),
  'safety.speeding': () => ({
    title: 'Speed alert',
    body: 'Your driver is going faster than allowed. Tap SOS if you feel unsafe.',
  }),
  'trip.otp_locked': () => ({
    title: 'Ride code locked',
    body:
      'Too many wrong ride codes were entered for your trip. Never share your code before you are in the car; ' +
      'contact support if this was not you.',
  }),
  'safety.not_started': () => ({
    title: 'Ride not started',
    body: 'Your driver accepted but the ride has not started. Contact support if needed.',
  }),
};

export function renderTemplate(template: string, data: Record<string, unknown>): RenderedMessage {
  const renderer = TEMPLATES[template];
  if (renderer) return renderer(data);
  return {
    title: text(data.title, 'SmartLine'),
    body: text(data.body, text(data.message, template.replace(/[._]/g, ' '))),
  };
}
