/** Accounts for a run, created the way apps and the admin console do it (signup, profile, approval). */
import { randomInt } from 'node:crypto';
import { Session, unwrap } from './client.js';

/** Every simulated driver and rider signs in with it (the demo prints it). */
export const SIM_PASSWORD = 'sim-password-1';
const PASSWORD = SIM_PASSWORD;
const SIGNUP_CONCURRENCY = 8;

/** Runs `task` over 0..n-1 with at most `limit` in flight (argon2 hashing is CPU-bound). */
export async function pool<T>(n: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}

/** Egyptian mobile numbers unique to this run (a shared server keeps earlier runs' users). */
function phoneMaker(prefix: '10' | '11' | '12'): (i: number) => string {
  const run = randomInt(0, 1000);
  return (i) => `+20${prefix}${String(run).padStart(3, '0')}${String(i).padStart(5, '0')}`;
}

/** Signed up, profile created, approved by the admin; not yet online. */
export async function createDrivers(baseUrl: string, admin: Session, n: number): Promise<Session[]> {
  const phone = phoneMaker('11');
  return pool(n, SIGNUP_CONCURRENCY, async (i) => {
    const driver = await Session.signup(baseUrl, {
      phone: phone(i),
      password: PASSWORD,
      name: `Sim Driver ${i}`,
      role: 'driver',
    });
    const vehicle = { make: 'Hyundai', model: 'Elantra', plate: `SIM ${i}`, color: 'white' };
    await unwrap(driver.api.POST('/api/v1/drivers/me/profile', { body: { vehicleClass: 'economy', vehicle } }));
    await unwrap(admin.api.POST('/api/v1/admin/drivers/{id}/approve', { params: { path: { id: driver.id } } }));
    return driver;
  });
}

export async function createRiders(baseUrl: string, n: number): Promise<Session[]> {
  const phone = phoneMaker('12');
  return pool(n, SIGNUP_CONCURRENCY, (i) =>
    Session.signup(baseUrl, { phone: phone(i), password: PASSWORD, name: `Sim Rider ${i}`, role: 'rider' }),
  );
}

/** Every provider fixes cars on the spot; every second one also has a tow truck (and tows). */
const ON_THE_SPOT = ['battery', 'tyre', 'fuel', 'lockout', 'mechanic'] as const;
const KITS = ['jump_starter', 'tyre_kit', 'fuel_can', 'lockout_kit', 'diagnostic_kit'] as const;

/**
 * Drivers who also take roadside jobs: they declare skills and equipment (PUT /providers/me/capabilities) and the
 * admin approves the revision they declared, as the console does; from then on dispatch may offer them requests.
 */
export async function declareCapabilities(admin: Session, providers: Session[]): Promise<void> {
  await pool(providers.length, SIGNUP_CONCURRENCY, async (i) => {
    const tows = i % 2 === 0;
    const body = {
      serviceTypes: tows ? [...ON_THE_SPOT, 'tow' as const] : [...ON_THE_SPOT],
      equipment: tows ? [...KITS, 'tow_truck' as const] : [...KITS],
    };
    const declared = await unwrap(providers[i]!.api.PUT('/api/v1/providers/me/capabilities', { body }));
    const params = { path: { id: providers[i]!.id } };
    await unwrap(
      admin.api.POST('/api/v1/admin/providers/{id}/capabilities/approve', {
        params,
        body: { revision: declared.revision },
      }),
    );
  });
}
