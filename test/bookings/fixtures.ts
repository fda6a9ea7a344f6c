import assert from 'node:assert/strict';
import type { TestApp, TestUser } from '../../support/harness.js';

export const HOUR_MS = 3600_000;

/** A driver with a provider profile (no working-hours limits unless given). */
export async function provider(
  t: TestApp,
  opts: { serviceTypes?: string[]; workingHours?: Record<string, Array<[string, string]>> } = {},
): Promise<TestUser> {
  const user = await t.signup('driver');
  const res = await t.api('POST', '/api/v1/providers/me/profile', {
    token: user.accessToken,
    body: {
      serviceTypes: opts.serviceTypes ?? ['oil_change', 'tyres'],
      ...(opts.workingHours ? { workingHours: opts.workingHours } : {}),
    },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return user;
}

let slotCounter = 0;

/** A fresh slot (≤ 2 h) two days ahead or later, distinct from every other slot of this process. */
export function freshSlot(hours = 1): { startsAt: string; endsAt: string } {
  slotCounter += 1;
  const base = Math.ceil(Date.now() / HOUR_MS) * HOUR_MS + 48 * HOUR_MS;
  const start = base + slotCounter * 3 * HOUR_MS; // slots ≤ 2 h, 3 h apart: never overlap by accident
  return { startsAt: new Date(start).toISOString(), endsAt: new Date(start + hours * HOUR_MS).toISOString() };
}

export function bookingBody(providerId: string, slot = freshSlot(), extra: Record<string, unknown> = {}) {
  return {
    providerId,
    serviceType: 'oil_change',
    ...slot,
    address: '12 Tahrir St, Cairo',
    notes: 'blue gate',
    ...extra,
  };
}

export async function book(t: TestApp, customer: TestUser, providerId: string, slot = freshSlot()) {
  const res = await t.api('POST', '/api/v1/bookings', {
    token: customer.accessToken,
    body: bookingBody(providerId, slot),
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data as {
    id: string;
    status: string;
    startsAt: string;
    endsAt: string;
    providerId: string;
    customerId: string;
  };
}
