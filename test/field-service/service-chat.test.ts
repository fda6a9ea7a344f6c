import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { staffUser } from '../../support/staff.js';
import { LEDGER_TEST_ENV } from '../ledger/support.js';
import { ack, eventually, record } from '../realtime/support.js';
import { photo, photoWithGps, uploadProof, workInProgress } from './proof-support.js';
import { assignBySql, requestService } from './support.js';

/** Issue 18 #4: chat per service request, over real sockets, with the trip chat's rules. */
describe('chat per service request (issue 18 #4)', () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp('service_chat', LEDGER_TEST_ENV);
    await t.listen();
  });
  after(() => t.close());

  const post = (who: TestUser, id: string, text: string, clientMessageId: string) =>
    t.api('POST', `/api/v1/service-requests/${id}/messages`, {
      token: who.accessToken,
      body: { text, clientMessageId },
    });
  const history = (who: TestUser, id: string, query = '') =>
    t.api('GET', `/api/v1/service-requests/${id}/messages${query}`, { token: who.accessToken });
  const stored = async (requestId: string) =>
    (
      await t.platform.database.pool.query(
        `SELECT id, text FROM "${t.schema}".chat_messages WHERE service_request_id = $1`,
        [requestId],
      )
    ).rows as Array<{ id: string; text: string }>;

  async function assignedJob() {
    const [customer, provider] = await Promise.all([t.signup('rider'), t.driver()]);
    const req = await requestService(t, customer);
    await assignBySql(t, req.id, provider.id);
    return { customer, provider, id: req.id };
  }

  test('customer and provider talk over sockets in the request room; each message is stored before it is heard', async () => {
    const { customer, provider, id } = await assignedJob();
    const [customerSocket, providerSocket] = await Promise.all([
      t.connectSocket(customer.accessToken),
      t.connectSocket(provider.accessToken),
    ]);
    // "join_chat": both join the request's room (the app does it on open and after every reconnect).
    for (const s of [customerSocket, providerSocket])
      assert.equal((await ack(s, 'request:subscribe', { requestId: id })).ok, true);
    // When the customer's app hears a message, the row is already readable from another connection.
    const storedWhenHeard: boolean[] = [];
    customerSocket.on('request:chat_message', (p: { messageId: string }) => {
      void stored(id).then((rows) => storedWhenHeard.push(rows.some((r) => r.id === p.messageId)));
    });
    const heardByCustomer = record(customerSocket, ['request:chat_message']);
    const heardByProvider = record(providerSocket, ['request:chat_message']);

    const sent = await ack(providerSocket, 'request:chat_send', {
      requestId: id,
      text: 'Ten minutes away',
      clientMessageId: 'p-1',
    });
    assert.equal(sent.ok, true, JSON.stringify(sent));
    await eventually(() => heardByCustomer.length === 1 && storedWhenHeard.length === 1);
    const heard = heardByCustomer[0]!.payload;
    assert.deepEqual(
      { requestId: heard.requestId, messageId: heard.messageId, from: heard.from, text: heard.text },
      { requestId: id, messageId: sent.data.messageId, from: provider.id, text: 'Ten minutes away' },
    );
    assert.equal(heard.room, `request:${id}`);
    assert.deepEqual(storedWhenHeard, [true], 'stored before it was emitted');

    const reply = await post(customer, id, 'I am by the red car', 'c-1');
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    assert.equal(reply.body.data.requestId, id);
    await eventually(() => heardByProvider.some((e) => e.payload.messageId === reply.body.data.id));
    const again = await ack(providerSocket, 'request:chat_send', {
      requestId: id,
      text: 'retry',
      clientMessageId: 'p-1',
    });
    assert.equal(again.data.messageId, sent.data.messageId, 'a retried clientMessageId is the first message');
    assert.equal((await stored(id)).length, 2);

    const page = await history(customer, id, '?limit=1');
    assert.deepEqual(
      page.body.data.map((m: { text: string }) => m.text),
      ['I am by the red car'],
    );
    const rest = await history(provider, id, `?limit=1&cursor=${page.body.meta.nextCursor}`);
    assert.deepEqual(
      rest.body.data.map((m: { text: string }) => m.text),
      ['Ten minutes away'],
    );
    for (const staff of [await t.admin(), await staffUser(t, ['support'])])
      assert.equal((await history(staff, id)).body.data.length, 2, 'admins and support read request chats');
    customerSocket.disconnect();
    providerSocket.disconnect();
  });

  test('a stranger (rider or another provider) gets 404 over HTTP and NOT_FOUND over the socket; nothing stored', async () => {
    const { id } = await assignedJob();
    const [stranger, otherProvider] = await Promise.all([t.signup('rider'), t.driver()]);
    for (const who of [stranger, otherProvider]) {
      assert.equal((await post(who, id, 'hello?', 'x-1')).status, 404);
      assert.equal((await history(who, id)).status, 404);
    }
    const socket = await t.connectSocket(stranger.accessToken);
    const refused = await ack(socket, 'request:chat_send', { requestId: id, text: 'hi', clientMessageId: 'x-2' });
    assert.deepEqual([refused.ok, refused.error?.code], [false, 'NOT_FOUND']);
    const bad = await ack(socket, 'request:chat_send', { requestId: id, text: '', clientMessageId: 'x-3' });
    assert.equal(bad.error?.code, 'VALIDATION_ERROR');
    assert.deepEqual(await stored(id), []);
    socket.disconnect();
  });

  test('no chat before a provider is assigned (409); read-only once completed or cancelled (409), still readable', async () => {
    const customer = await t.signup('rider');
    const searching = await requestService(t, customer);
    assert.equal((await post(customer, searching.id, 'anyone?', 's-1')).status, 409);
    await t.api('POST', `/api/v1/service-requests/${searching.id}/status`, {
      token: customer.accessToken,
      body: { status: 'cancelled' },
    });

    const job = await workInProgress(t);
    assert.equal((await post(job.customer, job.id, 'Thanks, go ahead', 'w-1')).status, 201);
    assert.equal((await uploadProof(t, job.provider, job.id, [photo(await photoWithGps())])).status, 201);
    const done = await t.api('POST', `/api/v1/service-requests/${job.id}/status`, {
      token: job.provider.accessToken,
      body: { status: 'completed', code: job.completionCode },
    });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    for (const who of [job.customer, job.provider]) {
      const late = await post(who, job.id, 'one more thing', `late-${who.id}`);
      assert.equal(late.status, 409, JSON.stringify(late.body));
    }
    assert.deepEqual(
      (await history(job.provider, job.id)).body.data.map((m: { text: string }) => m.text),
      ['Thanks, go ahead'],
    );

    const { customer: c2, id: cancelledId } = await assignedJob();
    await t.api('POST', `/api/v1/service-requests/${cancelledId}/status`, {
      token: c2.accessToken,
      body: { status: 'cancelled' },
    });
    assert.equal((await post(c2, cancelledId, 'sorry', 'k-1')).status, 409);
  });

  test('a message in a request chat can be reported like a trip message; admins hear it with requestId', async () => {
    const { customer, provider, id } = await assignedJob();
    const adminSocket = await t.connectSocket((await t.admin()).accessToken);
    const reports = record(adminSocket, ['chat:message_reported']);
    const rude = await post(provider, id, 'rude words', 'r-1');
    const report = await t.api('POST', `/api/v1/messages/${rude.body.data.id}/report`, {
      token: customer.accessToken,
      body: { reason: 'abusive' },
    });
    assert.equal(report.status, 201, JSON.stringify(report.body));
    await eventually(() => reports.some((r) => r.payload.messageId === rude.body.data.id));
    const heard = reports.find((r) => r.payload.messageId === rude.body.data.id)!.payload;
    assert.deepEqual([heard.requestId, heard.reporterId, heard.tripId], [id, customer.id, undefined]);
    const stranger = await t.signup('rider');
    const refused = await t.api('POST', `/api/v1/messages/${rude.body.data.id}/report`, {
      token: stranger.accessToken,
      body: {},
    });
    assert.equal(refused.status, 404);
    adminSocket.disconnect();
  });
});
