import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RESPONSE_SNIPPET_BYTES, sendWebhook, type UrlPolicy } from '../../src/modules/webhooks/index.js';

const DEV: UrlPolicy = { production: false, resolve: async () => ['127.0.0.1'] };

describe('one webhook attempt: bounded in time and bytes, no redirects, SSRF checked after DNS', () => {
  let server: http.Server;
  let base: string;
  const hits: string[] = [];
  let bytesWritten = 0;

  before(async () => {
    server = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/redirect') return res.writeHead(302, { location: '/target' }).end();
      if (req.url === '/hang') return; // never answers
      if (req.url === '/hang-body') return void res.writeHead(200).write('partial'); // answers, never finishes
      if (req.url === '/huge') {
        res.writeHead(200);
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = () => {
          while (bytesWritten < 100 * 1024 * 1024 && res.write(chunk)) bytesWritten += chunk.length;
          if (bytesWritten >= 100 * 1024 * 1024) res.end();
        };
        res.on('drain', pump);
        return pump();
      }
      res.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const send = (url: string, policy = DEV, timeoutMs = 2_000) =>
    sendWebhook(policy, { url, headers: {}, body: '{}', timeoutMs });

  test('a redirect is not followed: the 302 is the answer', async () => {
    const result = await send(`${base}/redirect`);
    assert.equal(result.statusCode, 302);
    assert.ok(!hits.includes('/target'));
  });

  test('a receiver that hangs is given up at the timeout', async () => {
    const started = Date.now();
    const result = await send(`${base}/hang`, DEV, 500);
    assert.equal(result.statusCode, null);
    assert.match(result.error!, /timed out/);
    assert.ok(Date.now() - started < 1_500);
  });

  test('a 200 whose body never finishes is given up at the timeout, not taken as delivered', async () => {
    const started = Date.now();
    const result = await send(`${base}/hang-body`, DEV, 500);
    assert.equal(result.statusCode, null);
    assert.match(result.error!, /timed out/);
    assert.ok(Date.now() - started < 1_500);
  });

  test('a 100 MB answer: at most 1 KB is kept and the rest is never read', async () => {
    const result = await send(`${base}/huge`);
    assert.equal(result.statusCode, 200);
    assert.ok(Buffer.byteLength(result.snippet!) <= RESPONSE_SNIPPET_BYTES);
    assert.ok(bytesWritten < 10 * 1024 * 1024, `the server got to write only ${bytesWritten} bytes`);
  });

  test('in production a name that resolves to a private address is refused before connecting', async () => {
    const before = hits.length;
    const port = (server.address() as AddressInfo).port;
    const rebinding: UrlPolicy = { production: true, resolve: async () => ['127.0.0.1'] };
    const result = await send(`https://hooks.example.test:${port}/x`, rebinding);
    assert.equal(result.statusCode, null);
    assert.match(result.error!, /refused/);
    const literal = await send(`https://10.0.0.7:${port}/x`, rebinding);
    assert.match(literal.error!, /refused/);
    const plain = await send(`${base}/x`, rebinding);
    assert.match(plain.error!, /https required/);
    assert.equal(hits.length, before, 'nothing reached the private address');
  });
});
