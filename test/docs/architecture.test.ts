/**
 * The layer rules docs/architecture.md states hold in the code: lint refuses
 * imports against the layers, module faces export no repo function, the
 * shared words have one home, and platform names no business event.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => join(dir, f));
}

describe('lint keeps the layers', () => {
  const eslint = new ESLint({ cwd: ROOT });
  async function layerErrors(filePath: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  }

  test(
    'a module reaching into another module, platform importing a module, a module importing a flow: ' + 'refused',
    async () => {
      const reachIn = "import { findTrip } from '../trips/trips.repo.js';\nexport const x = findTrip;\n";
      assert.equal((await layerErrors('src/modules/chat/probe.ts', reachIn)).length, 1);
      const platformToModule =
        "import { tripOffers } from '../modules/trips/index.js';\nexport const x = tripOffers;\n";
      assert.equal((await layerErrors('src/platform/probe.ts', platformToModule)).length, 1);
      const moduleToFlow = "import { cancelTrip } from '../../flows/cancel-trip.js';\nexport const x = cancelTrip;\n";
      assert.equal((await layerErrors('src/modules/chat/probe.ts', moduleToFlow)).length, 1);
      const flowIntoModule = "import { findTrip } from '../modules/trips/trips.repo.js';\nexport const x = findTrip;\n";
      assert.equal((await layerErrors('src/flows/probe.ts', flowIntoModule)).length, 1);
    },
  );

  test('the allowed directions pass: a module through an index.ts, a flow through modules and platform', async () => {
    const viaFace = "import { tripOffers } from '../trips/index.js';\nexport const x = tripOffers;\n";
    assert.deepEqual(await layerErrors('src/modules/chat/probe.ts', viaFace), []);
    const flow =
      "import { tripOffers } from '../modules/trips/index.js';\nimport { AppError } from '../platform/errors.js';\n";
    assert.deepEqual(await layerErrors('src/flows/probe.ts', `${flow}export const x = [tripOffers, AppError];\n`), []);
  });
});

describe('one home per word', () => {
  test('no module index.ts re-exports a function of a *.repo.ts (types may pass)', () => {
    const offenders = readdirSync(join(ROOT, 'src/modules')).flatMap((m) => {
      const face = read(`src/modules/${m}/index.ts`);
      return [...face.matchAll(/export\s+(type\s+)?\{([^}]*)\}\s+from\s+'\.\/[\w.-]+\.repo\.js'/g)]
        .filter(
          ([, typeOnly, names]) => !typeOnly && names!.split(',').some((n) => n.trim() && !/^type\s/.test(n.trim())),
        )
        .map(() => m);
    });
    assert.deepEqual(offenders, []);
  });

  test('the vehicle classes and the haversine formula are written once, in src/shared', () => {
    const files = ['src/modules', 'src/platform', 'src/flows'].flatMap(sourceFiles);
    const classLists = files.filter((f) => /'economy',\s*'comfort',\s*'premium',\s*'xl'/.test(read(f)));
    // The haversine's closing step, 2R·asin(√h); grid-cell bounds use asin on other terms.
    const haversines = files.filter((f) => /asin\(\s*(Math\.min\(1,\s*)?Math\.sqrt\(/.test(read(f)));
    assert.deepEqual(classLists, []);
    assert.deepEqual(haversines, []);
    assert.match(read('src/shared/vehicle-class.ts'), /'economy', 'comfort', 'premium', 'xl'/);
    assert.match(read('src/shared/geo.ts'), /asin\(Math\.sqrt\(/);
  });

  test('platform names no business event: each module declares its own', () => {
    const map = read('src/platform/events/event-map.ts');
    assert.doesNotMatch(map, /'(trip|booking|wallet|user)\.[a-z_]+'/);
    const declaring = sourceFiles('src/modules')
      .filter((f) => f.endsWith('.events.ts'))
      .map((f) => relative('src/modules', f).split('/')[0]);
    assert.deepEqual(declaring.sort(), [
      'bookings',
      'drivers',
      'payments',
      'safety',
      'service-requests',
      'trips',
      'users',
    ]);
  });

  test('the trip location stream goes through the event bus, not a module-level listener set', () => {
    const feed = read('src/modules/location/trip-feed.ts');
    assert.doesNotMatch(feed, /new Set<TripLocationListener>|subscribeTripLocations/);
    assert.match(feed, /bus\.signal\('trip\.location'/);
  });
});
