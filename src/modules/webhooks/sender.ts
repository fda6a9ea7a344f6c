import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isInternalAddress, type UrlPolicy } from './url-policy.js';
import { boundedMemo } from './bounded-memo.js';

/** What is kept of a receiver's answer (issue 20: a snippet ≤ 1 KB; a 100 MB body is never read). */
export const RESPONSE_SNIPPET_BYTES = 1024;

export interface SendResult {
  /** HTTP status, or null when no answer came (refused, timed out, connection failed). */
  statusCode: number | null;
  latencyMs: number;
  /** The first ≤ 1 KB of the body (a cut multi-byte character is dropped). */
  snippet: string | null;
  error: string | null;
}

export interface OutgoingWebhook {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/**
 * DNS for the connection itself: in production an address inside our
 * network is refused after resolution, so a name re-pointed since
 * registration (DNS rebinding) cannot reach it.
 */
function guardedLookup(policy: UrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    policy.resolve(hostname).then(
      (addresses) => {
        const usable = addresses.find((a) => !policy.production || !isInternalAddress(a));
        if (!usable) return callback(new Error(`refused: ${hostname} resolves to a private address`), '', 4);
        const family = usable.includes(':') ? 6 : 4;
        if (options.all) return (callback as unknown as AllCallback)(null, [{ address: usable, family }]);
        callback(null, usable, family);
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, '', 4),
    );
  };
}
/**
 * Connections are kept alive and reused per origin: a reused socket is still
 * connected to the address guardedLookup approved when it was opened, so a
 * name re-pointed since then (DNS rebinding) cannot redirect it; a new
 * connection is checked again. Reuse saves a TCP (and TLS) handshake per
 * delivery on both ends. Idle kept-alive sockets never hold the process open
 * (the agent unrefs them).
 */
const AGENT_OPTIONS = { keepAlive: true, keepAliveMsecs: 1_000, maxFreeSockets: 64, timeout: 30_000 };
const agents = { 'http:': new http.Agent(AGENT_OPTIONS), 'https:': new https.Agent(AGENT_OPTIONS) };

type AllCallback = (err: Error | null, addresses: Array<{ address: string; family: number }>) => void;

/** Parsed target URLs by their text. */
const parsedTarget = boundedMemo(1_000, (raw) => new URL(raw));

/** One lookup function per policy, not one closure per delivery. */
const lookups = new WeakMap<UrlPolicy, LookupFunction>();

function lookupFor(policy: UrlPolicy): LookupFunction {
  let lookup = lookups.get(policy);
  if (!lookup) lookups.set(policy, (lookup = guardedLookup(policy)));
  return lookup;
}

/**
 * One POST: never follows a redirect (a 3xx is a failed attempt), reads at
 * most RESPONSE_SNIPPET_BYTES then drops the connection, and gives up after
 * `timeoutMs` end to end. Never throws: every outcome is a SendResult.
 */
export function sendWebhook(policy: UrlPolicy, out: OutgoingWebhook): Promise<SendResult> {
  const started = performance.now();
  const url = parsedTarget(out.url);
  if (policy.production && url.protocol !== 'https:')
    return Promise.resolve(failed(started, 'refused: https required'));
  // An IP literal skips DNS (and so guardedLookup): judge it here.
  const literal = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (policy.production && isIP(literal) && isInternalAddress(literal))
    return Promise.resolve(failed(started, 'refused: private address'));
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    /** `keep`: the answer was read to its end, so the connection may serve the next delivery. */
    const done = (result: SendResult, keep = false) => {
      clearTimeout(timer);
      if (!keep) req.destroy();
      resolve(result);
    };
    const req = client.request(url, {
      method: 'POST',
      headers: { ...out.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(out.body) },
      lookup: lookupFor(policy),
      agent: agents[url.protocol as keyof typeof agents],
    });
    const timer = setTimeout(() => done(failed(started, `timed out after ${out.timeoutMs} ms`)), out.timeoutMs);
    req.on('error', (err) => done(failed(started, err.message)));
    req.on('response', (res) =>
      readSnippet(res, (snippet, complete) => done(answered(started, res.statusCode!, snippet), complete)),
    );
    req.end(out.body);
  });
}

/**
 * Collects at most RESPONSE_SNIPPET_BYTES of the body, then calls `onRead`
 * once: with `complete` when the body ended (the connection may be reused),
 * without when the budget ran out or the body was cut off (the caller drops
 * the connection, so the rest is never read). Listeners, not an async
 * iterator: this runs once per delivery and the iterator's promises and
 * end-of-stream bookkeeping cost more than reading a two-byte "ok".
 */
function readSnippet(res: http.IncomingMessage, onRead: (snippet: string, complete: boolean) => void) {
  const chunks: Buffer[] = [];
  let size = 0;
  let read = false;
  const finish = (complete: boolean) => {
    if (read) return;
    read = true;
    onRead(snippetOf(chunks), complete);
  };
  res.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= RESPONSE_SNIPPET_BYTES) finish(false);
  });
  res.on('end', () => finish(res.complete));
  // A body cut off mid-way still leaves the status code, which is what counts.
  res.on('error', () => finish(false));
  res.on('close', () => finish(false));
}

const decoder = new TextDecoder();

function snippetOf(chunks: Buffer[]): string {
  const bytes = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).subarray(0, RESPONSE_SNIPPET_BYTES);
  // Postgres text holds no NUL; replacement characters may widen the text, so trim back to the byte budget.
  let text = decoder.decode(bytes).replaceAll('\u0000', '');
  while (Buffer.byteLength(text) > RESPONSE_SNIPPET_BYTES) text = text.slice(0, -1);
  return text;
}

const elapsed = (started: number) => Math.round(performance.now() - started);
const failed = (started: number, error: string): SendResult => ({
  statusCode: null,
  latencyMs: elapsed(started),
  snippet: null,
  error: error.slice(0, 500),
});
const answered = (started: number, statusCode: number, snippet: string): SendResult => ({
  statusCode,
  latencyMs: elapsed(started),
  snippet,
  error: null,
});
