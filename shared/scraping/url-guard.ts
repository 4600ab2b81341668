/**
 * SSRF guard: a URL is scraped only if its scheme is http(s), it carries no credentials, and
 * every address its host resolves to is a public unicast address. Loopback, private, link-local,
 * carrier-grade NAT, multicast, reserved and cloud metadata addresses (169.254.169.254,
 * fd00:ec2::254) are refused — also when written in another notation or embedded in IPv6
 * (IPv4-mapped, NAT64, 6to4). The local runtime may allow-list exact hosts (the demo shop).
 *
 * The addresses checked are returned so the browser can be pinned to them (no second DNS
 * answer can point elsewhere between the check and the request).
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ShelfwatchError } from '../errors/index.ts';

export class BlockedUrlError extends ShelfwatchError {
  readonly url: string;
  readonly reason: string;
  constructor(url: string, reason: string) {
    super('invalid', 'URL_BLOCKED', `refusing to scrape ${redact(url)}: ${reason}`);
    this.url = redact(url);
    this.reason = reason;
  }
}

const redact = (url: string): string => url.replace(/\/\/[^/@]*@/, '//***@');

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network, unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, including 169.254.169.254 (instance metadata)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local, including fd00:ec2::254 (instance metadata)
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['2001:db8::', 32], // documentation
  ['100::', 64], // discard
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4), if any. */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const groups = expandIpv6(lower);
  if (!groups) return undefined;
  const v4 = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  const isZero = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
  if (isZero(0, 5) && groups[5] === 0xffff) return v4(groups[6] ?? 0, groups[7] ?? 0); // ::ffff:a.b.c.d
  if (groups[0] === 0x64 && groups[1] === 0xff9b && isZero(2, 6)) return v4(groups[6] ?? 0, groups[7] ?? 0); // NAT64
  if (groups[0] === 0x2002) return v4(groups[1] ?? 0, groups[2] ?? 0); // 6to4
  return undefined;
}

function expandIpv6(address: string): number[] | undefined {
  if (isIP(address) !== 6 || address.includes('.')) return undefined;
  const [head = '', tail = ''] = address.split('::');
  const parse = (part: string) =>
    part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
  const left = parse(head);
  const right = address.includes('::') ? parse(tail) : [];
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** Whether an IP address is one Shelfwatch may connect to for scraping. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family !== 6) return false;
  const v4 = embeddedIpv4(address);
  if (v4 !== undefined) return isPublicAddress(v4);
  return !blocked.check(address, 'ipv6');
}

/**
 * Names that point at a non-public address by design, refused without asking DNS (so also where
 * DNS is unreachable): the loopback and site-local suffixes, cloud metadata names, and public
 * wildcard-DNS services that answer with the address written in the name (127.0.0.1.nip.io).
 */
const LOCAL_SUFFIXES = ['localhost', 'local', 'localdomain', 'internal', 'home.arpa'];
const LOOPBACK_NAMES = ['localtest.me', 'lvh.me', 'vcap.me'];
const ADDRESS_IN_NAME_DOMAINS = ['nip.io', 'sslip.io', 'xip.io', 'traefik.me', 'localh.st'];

const isUnder = (host: string, domain: string): boolean => host === domain || host.endsWith(`.${domain}`);

/** Why a host name is refused whatever DNS says, or undefined. */
export function refusedHostName(hostname: string): string | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (isIP(host)) return undefined;
  const local = LOCAL_SUFFIXES.find((suffix) => isUnder(host, suffix));
  if (local) return `host ${host} is a local name (.${local}), not a public site`;
  const loopback = LOOPBACK_NAMES.find((name) => isUnder(host, name));
  if (loopback) return `host ${host} is a public name for the loopback address (${loopback})`;
  const wildcard = ADDRESS_IN_NAME_DOMAINS.find((domain) => isUnder(host, domain));
  if (wildcard) {
    const labels = host.slice(0, -wildcard.length - 1);
    const dotted = /(\d{1,3})[.-](\d{1,3})[.-](\d{1,3})[.-](\d{1,3})$/.exec(labels);
    const address = dotted ? dotted.slice(1).join('.') : undefined;
    if (address === undefined || isIP(address) !== 4 || !isPublicAddress(address)) {
      return `host ${host} names its own address (${wildcard}), which is not a public address`;
    }
  }
  return undefined;
}

export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

export interface UrlCheckOptions {
  readonly resolve?: Resolver;
  /** Exact `host:port` values allowed whatever they resolve to (the local demo shop only). */
  readonly allowHosts?: readonly string[];
}

export interface CheckedUrl {
  readonly url: URL;
  /** The addresses the host resolved to, all public (or allow-listed). */
  readonly addresses: string[];
}

/** Before every request: the host must resolve, to public addresses only. */
export async function checkScrapeUrl(raw: string, options: UrlCheckOptions = {}): Promise<CheckedUrl> {
  return checkUrl(raw, options, 'refuse');
}

/**
 * checkScrapeUrl for a redirect hop: a refusal says where the redirect came from (both the HTTP
 * session and the browser path name it so). `from` undefined: the page's own URL.
 */
export async function checkRedirectUrl(
  raw: string,
  from: string | undefined,
  options: UrlCheckOptions = {},
): Promise<CheckedUrl> {
  try {
    return await checkScrapeUrl(raw, options);
  } catch (error) {
    if (from === undefined || !(error instanceof BlockedUrlError)) throw error;
    throw new BlockedUrlError(raw, `${error.reason} (a redirect from ${from})`);
  }
}

export interface TargetUrlCheckOptions extends UrlCheckOptions {
  /** How long creation waits for DNS; a slower answer counts as "does not resolve now". Default 2 s. */
  readonly resolveTimeoutMs?: number;
}

/**
 * When a URL is stored as work (a definition's target, a seed task's url): the same checks, but a
 * host that does not resolve now (or not within the timeout) is accepted. Nothing connects to it
 * at creation, and every consumer checks again before each request (DNS may change meanwhile).
 */
export async function checkTargetUrl(raw: string, options: TargetUrlCheckOptions = {}): Promise<void> {
  const resolve = options.resolve ?? systemResolver;
  const timeoutMs = options.resolveTimeoutMs ?? 2000;
  const bounded: Resolver = (host) =>
    new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no DNS answer within ${timeoutMs} ms`)), timeoutMs);
      resolve(host).then(
        (addresses) => {
          clearTimeout(timer);
          done(addresses);
        },
        (error: unknown) => {
          clearTimeout(timer);
          fail(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  await checkUrl(raw, { ...options, resolve: bounded }, 'accept');
}

async function checkUrl(
  raw: string,
  options: UrlCheckOptions,
  unresolvable: 'refuse' | 'accept',
): Promise<CheckedUrl> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BlockedUrlError(raw, 'not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new BlockedUrlError(raw, `scheme ${url.protocol} is not http(s)`);
  if (url.username || url.password) throw new BlockedUrlError(raw, 'URLs with credentials are not scraped');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const addresses = await checkHostAddresses(raw, host, port, options, unresolvable);
  return { url, addresses };
}

/**
 * The host part of the guard, for callers that have a host and port rather than a URL (the
 * browser's guard proxy, shared/scraping/browser/guard-proxy.ts): resolves once and returns the
 * addresses, all public unless `host:port` is allow-listed. Throws BlockedUrlError naming `target`.
 */
export async function checkScrapeHost(
  host: string,
  port: string,
  options: UrlCheckOptions = {},
): Promise<string[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  const target = isIP(bare) === 6 ? `[${bare}]:${port}` : `${bare}:${port}`;
  return checkHostAddresses(target, bare, port, options, 'refuse');
}

async function checkHostAddresses(
  raw: string,
  host: string,
  port: string,
  options: UrlCheckOptions,
  unresolvable: 'refuse' | 'accept',
): Promise<string[]> {
  const allowed = options.allowHosts?.includes(`${host}:${port}`) ?? false;
  const refusedName = allowed ? undefined : refusedHostName(host);
  if (refusedName !== undefined) throw new BlockedUrlError(raw, refusedName);
  let addresses: string[] = [];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await (options.resolve ?? systemResolver)(host);
    } catch {
      if (unresolvable === 'refuse') throw new BlockedUrlError(raw, `host ${host} does not resolve`);
    }
  }
  if (addresses.length === 0) {
    if (unresolvable === 'refuse') throw new BlockedUrlError(raw, `host ${host} does not resolve`);
    return addresses;
  }
  if (!allowed) {
    const refused = addresses.find((address) => !isPublicAddress(address));
    if (refused !== undefined)
      throw new BlockedUrlError(raw, `host ${host} resolves to ${refused}, which is not a public address`);
  }
  return addresses;
}
