/**
 * Issue 19.1: the map's tile URL is configuration. By default OpenStreetMap's standard tiles with their attribution
 * (and the page's CSP admits that tile host for images, nothing more); empty = no basemap, and the CSP admits no
 * outside host at all, so an offline console asks nothing of the network.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { consoleCsp } from '../../src/modules/console/index.js';

describe('console configuration', () => {
  const apps: TestApp[] = [];
  after(async () => Promise.all(apps.map((a) => a.close())));

  const configOf = async (env: Record<string, string>) => {
    const t = await startTestApp('console_config', env);
    apps.push(t);
    const res = await t.api('GET', '/api/v1/console/config');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data as { tileUrl: string; attribution: string };
  };

  test("by default the map draws OpenStreetMap's standard tiles, credited", async () => {
    const config = await configOf({});
    assert.equal(config.tileUrl, 'https://tile.openstreetmap.org/{z}/{x}/{y}.png');
    assert.match(config.attribution, /OpenStreetMap contributors/);
    assert.match(consoleCsp(config.tileUrl), /img-src 'self' data: blob: https:\/\/tile\.openstreetmap\.org(;|$)/);
  });

  test('an empty CONSOLE_TILE_URL means no basemap, and the page may load images from nowhere else', async () => {
    const config = await configOf({ CONSOLE_TILE_URL: '' });
    assert.deepEqual(config, { tileUrl: '', attribution: '' });
    assert.doesNotMatch(consoleCsp(''), /https?:/);
  });

  test('an own tile server is used as given, without OpenStreetMap credit', async () => {
    const config = await configOf({ CONSOLE_TILE_URL: 'https://tiles.example.net/{z}/{x}/{y}.png' });
    assert.deepEqual(config, { tileUrl: 'https://tiles.example.net/{z}/{x}/{y}.png', attribution: '' });
  });
});
