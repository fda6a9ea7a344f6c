import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { formatterFor } from '../../src/modules/notifications/templates/format.js';
import { serviceNoticeTask } from '../../src/flows/service-request-notices.js';
import { registerDevice } from '../notifications/devices.js';
import { FakeHttpProvider, eventually } from '../notifications/fakes.js';
import { photo, photoWithGps, uploadProof } from './proof-support.js';
import { assignBySql, district, providerAt, requestService, respondToRequest } from './support.js';

interface PushSeen {
  title: string;
  body: string;
  data: Record<string, string>;
}

const LINES = [{ kind: 'labour', label: 'Jump start', qty: 1, unitAmount: 12_500 }];

/** Issue 18 #4 "push as for trips": service request steps reach the phones (fake FCM v1), in each one's language. */
describe('service request progress and chat on the phones (issue 18 #4)', () => {
  let t: TestApp;
  let fcm: FakeHttpProvider;

  before(async () => {
    fcm = await FakeHttpProvider.start();
    // Inline first rounds (the default): a request is offered as soon as it commits.
    t = await startTestApp('service_push', { PUSH_URL: fcm.url, PROVIDER_TIMEOUT_MS: '2000', DB_POOL_MAX: '10' });
    await t.platform.jobs.start();
    await t.listen();
  });
  after(async () => {
    await t.close();
    await fcm.close();
  });

  const pushesTo = (token: string): PushSeen[] =>
    fcm.requests
      .map((r) => JSON.parse(r.body).message as { token?: string; notification?: PushSeen; data?: PushSeen['data'] })
      .filter((m) => m.token === token && m.notification)
      .map((m) => ({ title: m.notification!.title, body: m.notification!.body, data: m.data ?? {} }));
  const pushTitled = (token: string, title: string) =>
    eventually(() => pushesTo(token).find((p) => p.title === title), 20_000);
  const inbox = async (user: TestUser) =>
    (await t.api('GET', '/api/v1/notifications?limit=100', { token: user.accessToken })).body.data.map(
      (n: { template: string }) => n.template,
    ) as string[];
  const step = async (who: TestUser, id: string, path: string, body: unknown) => {
    const res = await t.api('POST', `/api/v1/service-requests/${id}/${path}`, { token: who.accessToken, body });
    assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
    return res.body.data;
  };
  const noticeJobsLeft = async () =>
    (
      await t.platform.database.pool.query(
        `SELECT 1 FROM "${t.schema}_jobs"._private_jobs j JOIN "${t.schema}_jobs"._private_tasks k ON k.id = j.task_id
         WHERE k.identifier IN ('service_requests.notify_progress', 'notifications.deliver', 'chat.offline_push')`,
      )
    ).rows.length;

  test('a customer (ar, no socket) hears assigned with provider, plate and ETA, arrived, quoted and completed; the provider (en) hears the approval; each once', async () => {
    const at = district(12);
    const customer = await t.signup('rider');
    const customerPhone = await registerDevice(t, customer, { locale: 'ar' });
    const provider = await providerAt(t, { lat: at.lat + 0.01, lng: at.lng }, { serviceTypes: ['battery'] });
    const providerPhone = await registerDevice(t, provider, { locale: 'en' });
    const req = await requestService(t, customer, { location: at });
    await eventually(async () => (await respondToRequest(t, provider, req.id, 'accept')).status === 200, 15_000);

    const profile = await t.api('GET', '/api/v1/drivers/me/profile', { token: provider.accessToken });
    const plate = profile.body.data.vehicle.plate as string;
    const assigned = await pushTitled(customerPhone, 'المساعدة في الطريق');
    assert.ok(assigned.body.includes('Test driver'), assigned.body);
    assert.ok(plate && assigned.body.includes(plate), `${assigned.body} shows plate ${plate}`);
    assert.match(assigned.body, /دقيقة/, 'an ETA from the provider’s last position');
    assert.equal(assigned.data.template, 'service_request.assigned');

    await step(provider, req.id, 'status', { status: 'en_route' });
    await step(provider, req.id, 'status', { status: 'arrived' });
    await pushTitled(customerPhone, 'وصل مقدم الخدمة');
    await step(provider, req.id, 'quote', { items: LINES });
    const quoted = await pushTitled(customerPhone, 'عرض السعر جاهز');
    assert.ok(quoted.body.includes(formatterFor('ar').money(12_500, 'EGP')), quoted.body);
    assert.match(quoted.body, /[\u0660-\u0669]/, 'Arabic-Indic digits');
    await step(customer, req.id, 'quote/approve', { revision: 1 });
    const approved = await pushTitled(providerPhone, 'Quote approved');
    assert.ok(approved.body.includes(formatterFor('en').money(12_500, 'EGP')), approved.body);
    await step(provider, req.id, 'status', { status: 'in_progress' });
    assert.equal((await uploadProof(t, provider, req.id, [photo(await photoWithGps())])).status, 201);
    await step(provider, req.id, 'status', { status: 'completed', code: req.completionCode });
    const completed = await pushTitled(customerPhone, 'اكتملت الخدمة');
    const receipt = await t.api('GET', `/api/v1/service-requests/${req.id}/receipt`, { token: customer.accessToken });
    const total = formatterFor('ar').money(receipt.body.data.total, 'EGP');
    assert.ok(completed.body.includes(total), `${completed.body} shows the receipt total ${total}`);

    // The completion's notice job runs again (a retry after a crash): nothing new is stored or pushed.
    const event = await t.platform.database.pool.query(
      `SELECT id FROM "${t.schema}".events WHERE aggregate_id = $1 AND type = 'service_request.status_changed'
       AND payload->>'to' = 'completed'`,
      [req.id],
    );
    await t.platform.jobs.enqueue(t.platform.database.db, serviceNoticeTask, {
      eventId: Number(event.rows[0].id),
      requestId: req.id,
      notice: 'completed',
    });
    await eventually(async () => (await noticeJobsLeft()) === 0, 20_000);
    const titles = pushesTo(customerPhone).map((p) => p.title);
    for (const title of ['المساعدة في الطريق', 'وصل مقدم الخدمة', 'عرض السعر جاهز', 'اكتملت الخدمة'])
      assert.equal(titles.filter((x) => x === title).length, 1, `${title} pushed once`);
    const templates = await inbox(customer);
    for (const template of ['assigned', 'arrived', 'quoted', 'completed'])
      assert.equal(templates.filter((k) => k === `service_request.${template}`).length, 1, `${template} once`);
    assert.equal(pushesTo(providerPhone).filter((p) => p.title === 'Quote approved').length, 1);
  });

  test('cancels are told to the other side only; a declined quote to the provider', async () => {
    const [customer, provider] = await Promise.all([t.signup('rider'), t.driver()]);
    const [customerPhone, providerPhone] = [
      await registerDevice(t, customer, { locale: 'en' }),
      await registerDevice(t, provider, { locale: 'ar' }),
    ];
    const first = await requestService(t, customer);
    await assignBySql(t, first.id, provider.id);
    await step(customer, first.id, 'status', { status: 'cancelled' });
    await pushTitled(providerPhone, 'ألغى العميل المهمة');

    const second = await requestService(t, customer);
    await assignBySql(t, second.id, provider.id);
    await step(provider, second.id, 'status', { status: 'cancelled' });
    await pushTitled(customerPhone, 'Your provider cancelled');

    const third = await requestService(t, customer);
    await assignBySql(t, third.id, provider.id);
    await step(provider, third.id, 'status', { status: 'en_route' });
    await step(provider, third.id, 'status', { status: 'arrived' });
    await step(provider, third.id, 'quote', { items: LINES });
    await step(customer, third.id, 'quote/decline', { revision: 1 });
    const declined = await pushTitled(providerPhone, 'رُفض عرض السعر');
    assert.ok(declined.body.includes(formatterFor('ar').money(12_500, 'EGP')), declined.body);

    await eventually(async () => (await noticeJobsLeft()) === 0, 20_000);
    // Two cancels: each side was told of the other's only (the one who cancelled is not told).
    const cancelNotices = async (user: TestUser) =>
      (await inbox(user)).filter((k) => k.startsWith('service_request.cancelled'));
    assert.deepEqual(await cancelNotices(customer), ['service_request.cancelled_by_provider']);
    assert.deepEqual(await cancelNotices(provider), ['service_request.cancelled_by_customer']);
    assert.equal(pushesTo(providerPhone).filter((p) => p.title === 'ألغى العميل المهمة').length, 1);
  });

  test('a chat message goes by push to the party with no live socket, not to the one online', async () => {
    const [customer, provider] = await Promise.all([t.signup('rider'), t.driver()]);
    const customerPhone = await registerDevice(t, customer, { locale: 'en' });
    const providerPhone = await registerDevice(t, provider, { locale: 'en' });
    const req = await requestService(t, customer);
    await assignBySql(t, req.id, provider.id);
    const providerSocket = await t.connectSocket(provider.accessToken);
    const send = (from: TestUser, text: string) =>
      t.api('POST', `/api/v1/service-requests/${req.id}/messages`, {
        token: from.accessToken,
        body: { text, clientMessageId: `m-${text}` },
      });
    assert.equal((await send(customer, 'Blue Hyundai by the kiosk')).status, 201);
    assert.equal((await send(provider, 'Turning into your street')).status, 201);
    const push = await eventually(() => pushesTo(customerPhone).find((p) => p.body === 'Turning into your street'));
    assert.equal(push.title, 'Test driver');
    const notices = await t.api('GET', '/api/v1/notifications', { token: customer.accessToken });
    const stored = notices.body.data.find((n: { id: string }) => n.id === push.data.notificationId);
    assert.equal(stored.data.requestId, req.id, 'the app opens this request’s chat when the push is tapped');
    await eventually(async () => (await noticeJobsLeft()) === 0, 20_000);
    assert.deepEqual(
      pushesTo(providerPhone).filter((p) => p.body === 'Blue Hyundai by the kiosk'),
      [],
      'the provider had the app open: the socket was enough',
    );
    providerSocket.disconnect();
  });
});
