// npm test: own process (it reads the process-wide metrics registry)
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  BreakerRegistry,
  FcmPushSender,
  PermanentProviderError,
  ProviderError,
  SmtpEmailSender,
  TwilioSmsSender,
  TwilioVoiceCaller,
  backoffDelayMs,
  isBreakerOpenError,
} from '../../src/platform/providers/index.js';
import { metricsRegistry } from '../../src/platform/observability/metrics.js';
import { FakeHttpProvider, FakeSmtp, eventually } from './fakes.js';

const never = new AbortController().signal;

describe('messaging provider adapters', () => {
  let http: FakeHttpProvider;
  let smtp: FakeSmtp;
  before(async () => {
    http = await FakeHttpProvider.start();
    smtp = await FakeSmtp.start();
  });
  after(async () => {
    await http.close();
    await smtp.close();
  });
  beforeEach(() => {
    http.mode = 'ok';
    http.requests.length = 0;
    smtp.failWith = null;
  });

  test('FCM v1 push: POST /v1/projects/{id}/messages:send with the message envelope and bearer token', async () => {
    const push = new FcmPushSender({ baseUrl: http.url, projectId: 'smartline-test', accessToken: 'ya29.token' });
    const receipt = await push.send({ token: 'device-1', title: 'Hi', body: 'There', data: { a: '1' } }, never);
    assert.equal(receipt.providerId, 'projects/p/messages/1');
    const [req] = http.requests;
    assert.equal(req!.url, '/v1/projects/smartline-test/messages:send');
    assert.equal(req!.headers.authorization, 'Bearer ya29.token');
    const body = JSON.parse(req!.body);
    assert.deepEqual(body.message.notification, { title: 'Hi', body: 'There' });
    assert.equal(body.message.token, 'device-1');
    assert.deepEqual(body.message.data, { a: '1' });
    await push.send({ topic: 'oncall', title: 'SOS', body: 'x' }, never);
    assert.equal(JSON.parse(http.requests[1]!.body).message.topic, 'oncall');
  });

  test('Twilio-style SMS and voice: form-encoded, basic auth, under /2010-04-01/Accounts/{sid}/', async () => {
    const opts = { baseUrl: http.url, accountSid: 'AC123', authToken: 'secret', from: '+15005550006' };
    const sms = await new TwilioSmsSender(opts).send({ to: '+201001234567', body: 'Hello & bye' }, never);
    assert.equal(sms.providerId, 'SM1');
    const req = http.requests[0]!;
    assert.equal(req.url, '/2010-04-01/Accounts/AC123/Messages.json');
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(req.headers.authorization, `Basic ${Buffer.from('AC123:secret').toString('base64')}`);
    const form = new URLSearchParams(req.body);
    assert.deepEqual(
      [form.get('To'), form.get('From'), form.get('Body')],
      ['+201001234567', '+15005550006', 'Hello & bye'],
    );
    await new TwilioVoiceCaller(opts).call({ to: '+201001234567', say: 'Check <console>' }, never);
    const call = new URLSearchParams(http.requests[1]!.body);
    assert.equal(http.requests[1]!.url, '/2010-04-01/Accounts/AC123/Calls.json');
    assert.equal(call.get('Twiml'), '<Response><Say>Check &lt;console&gt;</Say></Response>');
  });

  test('5xx is a transient ProviderError, 4xx a permanent one', async () => {
    const sms = new TwilioSmsSender({ baseUrl: http.url, accountSid: 'AC1', from: 'X' });
    http.mode = 'fail';
    await assert.rejects(
      sms.send({ to: '+201001234567', body: 'x' }, never),
      (err: unknown) => err instanceof ProviderError && !(err instanceof PermanentProviderError) && err.status === 500,
    );
    http.mode = 'reject';
    await assert.rejects(
      sms.send({ to: '+201001234567', body: 'x' }, never),
      (err: unknown) => err instanceof PermanentProviderError && err.status === 400,
    );
  });

  test('email really arrives at the in-process SMTP server', async () => {
    const email = new SmtpEmailSender({ url: smtp.url, from: 'SmartLine <sos@smartline.test>', timeoutMs: 5_000 });
    const receipt = await email.send(
      { to: 'mona@example.com', subject: 'SOS: Ali needs help', text: 'Location: https://maps.google.com/?q=30,31' },
      never,
    );
    assert.ok(receipt.providerId);
    const mail = await eventually(() => smtp.received[0]);
    assert.deepEqual(mail.to, ['mona@example.com']);
    assert.equal(mail.from, 'sos@smartline.test');
    assert.match(mail.data, /Subject: SOS: Ali needs help/);
    assert.match(mail.data, /maps\.google\.com/);
    smtp.failWith = { code: 550, message: 'mailbox unavailable' };
    await assert.rejects(
      email.send({ to: 'gone@example.com', subject: 's', text: 't' }, never),
      (err: unknown) => err instanceof PermanentProviderError,
    );
    smtp.failWith = { code: 451, message: 'try later' };
    await assert.rejects(
      email.send({ to: 'x@example.com', subject: 's', text: 't' }, never),
      (err: unknown) => err instanceof ProviderError && !(err instanceof PermanentProviderError),
    );
    await email.close();
  });

  test('a hanging provider is cut off at the timeout and counted as a failure', async () => {
    const registry = new BreakerRegistry();
    registry.configure({ volumeThreshold: 100 });
    const sms = new TwilioSmsSender({ baseUrl: http.url, accountSid: 'AC1', from: 'X' });
    http.mode = 'hang';
    const started = Date.now();
    await assert.rejects(
      registry.run('sms-hang', (signal) => sms.send({ to: '+201001234567', body: 'x' }, signal), { timeoutMs: 150 }),
      /timed out after 150 ms/,
    );
    assert.ok(Date.now() - started < 1_000);
    registry.reset();
  });

  test(
    'the breaker opens after repeated failures, fails fast, half-opens after the reset timeout and closes on ' +
      'success',
    async () => {
      const registry = new BreakerRegistry();
      registry.configure({ volumeThreshold: 3, resetTimeoutMs: 200 });
      const sms = new TwilioSmsSender({ baseUrl: http.url, accountSid: 'AC1', from: 'X' });
      const send = () =>
        registry.run('sms-breaker-test', (signal) => sms.send({ to: '+201001234567', body: 'x' }, signal), {
          timeoutMs: 1_000,
        });
      http.mode = 'fail';
      for (let i = 0; i < 3; i++) await assert.rejects(send(), ProviderError);
      assert.equal(registry.state('sms-breaker-test'), 'open');
      const before = http.requests.length;
      await assert.rejects(send(), (err: unknown) => isBreakerOpenError(err));
      assert.equal(http.requests.length, before, 'an open breaker does not call the provider');
      const gauge = await metricsRegistry.getSingleMetricAsString('smartline_circuit_breaker_state');
      assert.match(gauge, /smartline_circuit_breaker_state\{provider="sms-breaker-test"\} 2/);
      http.mode = 'ok';
      await new Promise((r) => setTimeout(r, 250));
      assert.equal(registry.state('sms-breaker-test'), 'half_open');
      await send();
      assert.equal(registry.state('sms-breaker-test'), 'closed');
      registry.reset();
    },
  );

  test('permanent refusals do not open the breaker', async () => {
    const registry = new BreakerRegistry();
    registry.configure({ volumeThreshold: 2 });
    const sms = new TwilioSmsSender({ baseUrl: http.url, accountSid: 'AC1', from: 'X' });
    http.mode = 'reject';
    for (let i = 0; i < 5; i++)
      await assert.rejects(
        registry.run('sms-4xx', (s) => sms.send({ to: 'bad', body: 'x' }, s), { timeoutMs: 1_000 }),
        PermanentProviderError,
      );
    assert.equal(registry.state('sms-4xx'), 'closed');
    registry.reset();
  });

  test('backoff grows exponentially, is capped, and is jittered', () => {
    const opts = { baseMs: 100, maxMs: 1_000 };
    assert.equal(
      backoffDelayMs(1, opts, () => 0),
      50,
    );
    assert.equal(
      backoffDelayMs(1, opts, () => 1),
      100,
    );
    assert.equal(
      backoffDelayMs(3, opts, () => 1),
      400,
    );
    assert.equal(
      backoffDelayMs(10, opts, () => 1),
      1_000,
    );
    const samples = new Set(Array.from({ length: 20 }, () => backoffDelayMs(4, opts)));
    assert.ok(samples.size > 5, 'jitter spreads retries');
    for (const s of samples) assert.ok(s >= 400 && s <= 800);
  });
});
