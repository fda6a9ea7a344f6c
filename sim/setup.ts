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
