import { str, type Catalogue } from './catalogue.js';

/** English texts for push, SMS and e-mail. */
export const en: Catalogue = {
  'sos.contact_alert': (d, f) => ({
    title: `SOS: ${str(d.name)} needs help`,
    body:
      `SOS from ${str(d.name)} (${str(d.phone)}) at ${f.time(d.at)}. Location: ${str(d.link)}.` +
      `${d.note ? ` Note: ${str(d.note)}` : ''} — SmartLine`,
  }),
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
  'safety.not_started': () => ({
    title: 'Ride not started',
    body: 'Your driver accepted but the ride has not started. Contact support if needed.',
  }),
  'trip.otp_locked': () => ({
    title: 'Ride code locked',
    body:
      'Too many wrong ride codes were entered for your trip. Never share your code before you are in the car; ' +
      'contact support if this was not you.',
  }),
  'trip.accepted': (d, f) => ({
    title: 'Driver on the way',
    body:
      `${str(d.driverName, 'Your driver')} is coming in a ${str(d.vehicle, 'car')}, plate ${str(d.plate, '—')}` +
      (typeof d.etaMin === 'number' ? `, about ${f.number(d.etaMin)} min away.` : '.'),
  }),
  'trip.driver_arriving': (d) => ({
    title: 'Your driver is almost there',
    body: `${str(d.driverName, 'Your driver')} is about a minute away. Look for plate ${str(d.plate, '—')}.`,
  }),
  'trip.arrived': (d) => ({
    title: 'Your driver has arrived',
    body: `${str(d.driverName, 'Your driver')} is waiting at the pickup point (plate ${str(d.plate, '—')}).`,
  }),
  'trip.started': () => ({ title: 'Ride started', body: 'Your ride has started. Have a safe trip.' }),
  'trip.completed': (d, f) => ({
    title: 'Ride completed',
    body: `You have arrived. Total: ${f.money(d.total, d.currency)}.`,
  }),
  'trip.cancelled_by_rider': (d, f) => ({
    title: 'Ride cancelled by the rider',
    body:
      typeof d.fee === 'number'
        ? `The rider cancelled. A cancellation fee of ${f.money(d.fee, d.currency)} was charged for your time.`
        : 'The rider cancelled this ride. You are available for new requests.',
  }),
  'trip.cancelled_by_support': (d, f) => ({
    title: 'Ride cancelled by support',
    body:
      typeof d.fee === 'number'
        ? `Our support team cancelled this ride. Cancellation fee: ${f.money(d.fee, d.currency)}.`
        : 'Our support team cancelled this ride. No fee was charged.',
  }),
  'trip.no_drivers': () => ({
    title: 'No drivers available',
    body: 'We could not find a driver for your ride. Please try again in a few minutes.',
  }),
  'trip.scheduled': (d, f) => ({
    title: 'Ride booked',
    body: `Your ride for ${f.time(d.scheduledAt)} is booked. We will find you a driver before then.`,
  }),
  'trip.scheduled_reminder': (d, f) => ({
    title: 'Your ride is coming up',
    body: `Reminder: your booked ride is at ${f.time(d.scheduledAt)}.`,
  }),
  'chat.message': (d) => ({ title: str(d.senderName, 'New message'), body: str(d.text) }),
  'service_request.assigned': (d, f) => ({
    title: 'Help is on the way',
    body:
      `${str(d.providerName, 'Your provider')} is coming in a ${str(d.vehicle, 'vehicle')}, plate ${str(d.plate, '—')}` +
      (typeof d.etaMin === 'number' ? `, about ${f.number(d.etaMin)} min away.` : '.'),
  }),
  'service_request.arrived': (d) => ({
    title: 'Your provider has arrived',
    body: `${str(d.providerName, 'Your provider')} is at your vehicle (plate ${str(d.plate, '—')}).`,
  }),
  'service_request.quoted': (d, f) => ({
    title: 'Quote ready',
    body: `Your provider quoted ${f.money(d.total, d.currency)} for the work. Approve it in the app to start.`,
  }),
  'service_request.completed': (d, f) => ({
    title: 'Service completed',
    body: `The job is done. Total: ${f.money(d.total, d.currency)}.`,
  }),
  'service_request.cancelled_by_customer': () => ({
    title: 'Job cancelled by the customer',
    body: 'The customer cancelled this job. You are available for new requests.',
  }),
  'service_request.cancelled_by_provider': () => ({
    title: 'Your provider cancelled',
    body: 'Your provider cancelled the job. You can request help again.',
  }),
  'service_request.cancelled_by_support': () => ({
    title: 'Job cancelled by support',
    body: 'Our support team cancelled this service request.',
  }),
  'service_request.no_providers': () => ({
    title: 'No providers available',
    body: 'We could not find a provider for your request. Please try again in a few minutes.',
  }),
  'service_request.quote_approved': (d, f) => ({
    title: 'Quote approved',
    body: `The customer approved your quote of ${f.money(d.total, d.currency)}. You can start the work.`,
  }),
  'service_request.quote_declined': (d, f) => ({
    title: 'Quote declined',
    body: `The customer declined your quote of ${f.money(d.total, d.currency)}. Only the call-out fee is due.`,
  }),
  'trip.reassigning': () => ({
    title: 'Finding you another driver',
    body: 'Your driver could not make it. We are finding you another one for the same trip and fare.',
  }),
  'trip.driver_reserved': () => ({ title: 'Driver booked', body: 'A driver has taken your scheduled ride.' }),
  'trip.driver_confirmed': () => ({ title: 'Driver confirmed', body: 'Your driver confirmed and is on the way.' }),
  'trip.backup_search': () => ({
    title: 'Finding a backup driver',
    body: 'Your booked driver did not confirm, so we are finding another driver for your ride now.',
  }),
  'trip.confirm_requested': () => ({
    title: 'Confirm your booked ride',
    body: 'Please confirm your scheduled pickup now, or it goes to another driver.',
  }),
  'trip.payment_failed_pay_cash': (d, f) => ({
    title: 'Please pay in cash',
    body: `Your wallet could not pay this trip. Please pay the driver ${f.money(d.amount, d.currency)} in cash.`,
  }),
  'trip.payment_failed_collect_cash': (d, f) => ({
    title: 'Collect cash',
    body: `The rider's wallet could not pay. Collect ${f.money(d.amount, d.currency)} in cash.`,
  }),
  'wallet.withdrawal_expired': (d, f) => ({
    title: 'Withdrawal expired',
    body: `Your withdrawal of ${f.money(d.amount, d.currency)} was not processed in time; the money is back in your wallet.`,
  }),
  'wallet.withdrawal_approved': (d, f) => ({
    title: 'Withdrawal approved',
    body: `Your withdrawal of ${f.money(d.amount, d.currency)} was approved and is on its way to your account.`,
  }),
  'wallet.withdrawal_rejected': (d, f) => ({
    title: 'Withdrawal declined',
    body: `Your withdrawal of ${f.money(d.amount, d.currency)} was declined; the money is back in your wallet.`,
  }),
  'wallet.deposit_credited': (d, f) => ({
    title: 'Wallet topped up',
    body: `${f.money(d.amount, d.currency)} was added to your wallet.`,
  }),
  'wallet.deposit_held': (d, f) => ({
    title: 'Top-up under review',
    body: `Your top-up of ${f.money(d.amount, d.currency)} is being checked; we will tell you when it is available.`,
  }),
  'wallet.deposit_rejected': (d, f) => ({
    title: 'Top-up declined',
    body: `Your top-up of ${f.money(d.amount, d.currency)} was declined and will be refunded to the payer.`,
  }),
  'wallet.payout_paid': (d, f) => ({
    title: 'Payout sent',
    body: `${f.money(d.amount, d.currency)} has been paid to your payout account.`,
  }),
  'wallet.payout_failed': (d, f) => ({
    title: 'Payout failed',
    body: `The payout of ${f.money(d.amount, d.currency)} could not be made; the money is back in your wallet.`,
  }),
  'webhook.endpoint_disabled': (d) => ({
    title: 'Webhook endpoint disabled',
    body: `Webhooks to ${str(d.url)} were stopped (${str(d.reason) === 'gone' ? 'it answered 410 Gone' : 'it kept failing for 24 hours'}). Fix it and re-enable it.`,
  }),
  'wallet.deposit_failed': () => ({ title: 'Top-up failed', body: 'Your wallet top-up did not go through.' }),
  booking_created: (d, f) => ({
    title: 'Booking requested',
    body: `Your ${str(d.serviceType)} booking for ${f.time(d.startsAt)} is waiting for the provider to confirm.`,
  }),
  booking_requested: (d, f) => ({
    title: 'New booking request',
    body: `${str(d.serviceType)} on ${f.time(d.startsAt)}. Confirm it in the app.`,
  }),
  booking_confirmed: (d, f) => ({
    title: 'Booking confirmed',
    body: `${str(d.serviceType)} on ${f.time(d.startsAt)} is confirmed.`,
  }),
  booking_started: (d) => ({ title: 'Service started', body: `Your ${str(d.serviceType)} has started.` }),
  booking_completed: (d) => ({ title: 'Service completed', body: `Your ${str(d.serviceType)} is done.` }),
  booking_cancelled: (d, f) => ({
    title: 'Booking cancelled',
    body: `${str(d.serviceType)} on ${f.time(d.startsAt)} was cancelled.`,
  }),
  booking_reminder: (d, f) => ({ title: 'Starting soon', body: `${str(d.serviceType)} starts ${f.time(d.startsAt)}.` }),
};
