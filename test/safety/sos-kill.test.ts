import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { FakeHttpProvider, eventually } from '../notifications/fakes.js';
import { RecordingEmitter } from '../notifications/recorder.js';
import { rows } from './trips.js';

const ESCALATION_MS = 1_000;
const ONCALL = '+201000000001';

describe('SOS survives kill -9 right after the 201', () => {
  let t: TestApp;
  let http: FakeHttpProvider;
  let sockets: RecordingEmitter;
  let providers: Record<string, string>;

  before(async () => {
    http = await FakeHttpProvider.start();
    http.mode = 'fail';
    providers = { PUSH_URL: http.url, SMS_URL: http.url, VOICE_URL: http.url, ONCALL_PHONE: ONCALL };
    // The restarted node: same schema, its worker started only after the first node is dead.
    t = await startTestApp('sos_kill', {
      ...providers,
      SOS_ESCALATION_MS: String(ESCALATION_MS),
      SOS_ESCALATION_MAX: '1',
    });
    sockets = new RecordingEmitter();
    t.platform.realtime.attach(sockets);
  });
  after(async () => {
    await t.close();
    await http.close();
  });

  test('a node killed with SIGKILL the moment it acknowledged an SOS: after restart the alert fans out once and escalates once', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/safety/support/sos-node-child.ts'], {
      env: { ...process.env, DB_SCHEMA: t.schema, SOS_ESCALATION_MS: String(ESCALATION_MS), ...providers },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    const lines = createInterface({ input: child.stdout! });
    const ready = JSON.parse((await lines[Symbol.asyncIterator]().next()).value as string) as {
      url: string;
      token: string;
    };
    const res = await fetch(`${ready.url}/api/v1/sos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ready.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ lat: 30.0501, lng: 31.2402 }),
    });
    child.kill('SIGKILL');
    assert.equal(res.status, 201);
    assert.equal(await exited, 'SIGKILL');
    const alertId = ((await res.json()) as { data: { alertId: string } }).data.alertId;

    await t.platform.jobs.start(); // the node comes back
    const channels = async () =>
      rows<{ channel: string; recipient: string; dedupe_key: string }>(
        t,
        'SELECT channel, recipient, dedupe_key FROM $schema.notification_deliveries WHERE subject_id = $1',
        [alertId],
      );
    await eventually(async () => (await channels()).some((d) => d.channel === 'call'), 15_000);
    await sleep(ESCALATION_MS); // room for a second fan-out or escalation, if one were queued
    const all = await channels();
    const key = (d: { channel: string; recipient: string; dedupe_key: string }) =>
      `${d.channel}|${d.recipient}|${d.dedupe_key}`;
    assert.deepEqual(all.map(key).sort(), [
      `call|${ONCALL}|escalation:1`,
      'push|oncall|',
      `sms|${ONCALL}|`,
      'socket|admin|',
      'socket|admin|escalation:1',
    ]);
    const [alert] = await rows<{ escalations: number }>(t, 'SELECT escalations FROM $schema.sos_alerts WHERE id = $1', [
      alertId,
    ]);
    assert.equal(alert?.escalations, 1, 'escalated exactly once');
    assert.equal(sockets.find('sos:alert', (p) => p.alertId === alertId).length, 1, 'the admin room heard it once');
  });
});
