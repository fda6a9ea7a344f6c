import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppError, ErrorCode } from '../../platform/errors.js';

/**
 * Where webhooks may go. `production`: https only, and no address that
 * reaches inside our network (SSRF), checked at registration and again on
 * every connection after DNS (a name may re-point to 10.x later). Outside
 * production plain http is allowed to loopback only (local receivers, tests).
 * `resolve` is injectable so a test can prove the refusal after DNS.
 */
export interface UrlPolicy {
  production: boolean;
  resolve(host: string): Promise<string[]>;
}

export const MAX_URL_LENGTH = 2048;

export const systemResolve = async (host: string) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Ranges a webhook may never reach in production (IANA special-purpose registries). */
const INTERNAL = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3], // multicast and reserved, up to 255.255.255.255
] as const)
  INTERNAL.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const)
  INTERNAL.addSubnet(net, bits, 'ipv6');

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is judged as the IPv4 address it is. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export function isInternalAddress(address: string): boolean {
  const a = unmapped(address);
  return INTERNAL.check(a.address, a.family);
}

const isLoopback = (address: string) => {
  const a = unmapped(address);
  return LOOPBACK.check(a.address, a.family);
};

const refuse = (message: string, reason: string) =>
  new AppError(ErrorCode.VALIDATION_ERROR, message, { field: 'url', reason });

/** `[::1]` → `::1`: URL keeps brackets around IPv6 hosts. */
const bareHost = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Throws 400 VALIDATION (details.reason) when `raw` may not receive webhooks under `policy`. */
export async function assertAllowedUrl(policy: UrlPolicy, raw: string): Promise<URL> {
  if (raw.length > MAX_URL_LENGTH) throw refuse('URL too long', 'too_long');
  const url = URL.canParse(raw) ? new URL(raw) : null;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw refuse('Not an http(s) URL', 'not_a_url');
  if (url.username || url.password) throw refuse('Credentials in the URL are not allowed', 'credentials');
  const host = bareHost(url);
  if (url.protocol === 'http:' && (policy.production || !(await resolvesOnlyToLoopback(policy, host))))
    throw refuse('Webhook URLs must use https (http only to loopback outside production)', 'https_required');
  if (policy.production) await assertPublicHost(policy, host);
  return url;
}

async function resolvesOnlyToLoopback(policy: UrlPolicy, host: string) {
  const addresses = isIP(host) ? [host] : await policy.resolve(host).catch(() => []);
  return addresses.length > 0 && addresses.every(isLoopback);
}

/** Every address the host resolves to must be public; a name that does not resolve is refused too. */
export async function assertPublicHost(policy: UrlPolicy, host: string): Promise<string[]> {
  const addresses = isIP(host) ? [host] : await policy.resolve(host).catch(() => []);
  if (addresses.length === 0) throw refuse(`Host ${host} does not resolve`, 'unresolvable');
  if (addresses.some(isInternalAddress))
    throw refuse('Webhook URLs may not point at private, loopback or link-local addresses', 'private_address');
  return addresses;
}
