import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  BlockedUrlError,
  checkScrapeUrl,
  checkTargetUrl,
  isPublicAddress,
  refusedHostName,
  TargetGuard,
} from '../../shared/scraping/index.ts';

const resolvingTo =
  (...addresses: string[]) =>
  (): Promise<string[]> =>
    Promise.resolve(addresses);

const refused = async (url: string, resolve = resolvingTo('93.184.216.34')) => {
  await assert.rejects(checkScrapeUrl(url, { resolve }), BlockedUrlError, url);
};

describe('the SSRF guard', () => {
  it('allows http(s) URLs whose host resolves to public addresses, and returns them for pinning', async () => {
    const checked = await checkScrapeUrl('https://www.amazon.com/dp/B0CHX1W1XY', {
      resolve: resolvingTo('54.239.28.85'),
    });
    assert.deepEqual(checked.addresses, ['54.239.28.85']);
    assert.ok(isPublicAddress('2a02:6b8::2:242'));
  });

  it('refuses other schemes and URLs with credentials', async () => {
    for (const url of [
      'file:///etc/passwd',
      'ftp://example.com/',
      'javascript:alert(1)',
      'gopher://x/',
      'not a url',
    ]) {
      await refused(url);
    }
    await refused('https://user:secret@example.com/');
  });

  it('refuses loopback, private, link-local, CGNAT, multicast, reserved and metadata addresses', async () => {
    for (const address of [
      '127.0.0.1',
      '127.1.2.3',
      '10.0.0.1',
      '172.16.5.4',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fd00:ec2::254',
      'fe80::1',
      'fc00::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '64:ff9b::a9fe:a9fe',
      '2002:a9fe:a9fe::1',
    ]) {
      assert.equal(isPublicAddress(address), false, address);
      await refused('http://shop.example/', resolvingTo(address));
    }
  });

  it('sees through other notations of an address in the URL itself', async () => {
    for (const url of [
      'http://2130706433/',
      'http://0x7f.1/',
      'http://0177.0.0.1/',
      'http://[::ffff:169.254.169.254]/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://169.254.169.254/latest/meta-data/',
      'http://localhost./',
    ]) {
      await refused(url, resolvingTo('127.0.0.1'));
    }
  });

  it('refuses a host if any of its addresses is not public (one bad answer is enough)', async () => {
    await refused('https://rebind.example/', resolvingTo('93.184.216.34', '10.0.0.7'));
    await refused('https://nowhere.example/', () => Promise.reject(new Error('ENOTFOUND')));
  });

  it('lets the local runtime allow-list exactly the demo shop host and port', async () => {
    const checked = await checkScrapeUrl('http://127.0.0.1:4173/category/1', {
      allowHosts: ['127.0.0.1:4173'],
    });
    assert.deepEqual(checked.addresses, ['127.0.0.1']);
    await assert.rejects(
      checkScrapeUrl('http://127.0.0.1:4174/', { allowHosts: ['127.0.0.1:4173'] }),
      BlockedUrlError,
    );
  });

  it('never lets a private IPv4 address through, whatever its value', () => {
    const inRange = (base: number, bits: number) =>
      fc.integer({ min: 0, max: 2 ** (32 - bits) - 1 }).map((offset) => {
        const value = base + offset;
        return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
      });
    fc.assert(
      fc.property(
        fc.oneof(
          inRange(0x0a000000, 8),
          inRange(0xac100000, 12),
          inRange(0xc0a80000, 16),
          inRange(0x7f000000, 8),
          inRange(0xa9fe0000, 16),
        ),
        (address) => {
          assert.equal(isPublicAddress(address), false, address);
          assert.equal(isPublicAddress(`::ffff:${address}`), false, address);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('refuses names that point at a non-public address by design, without asking DNS', async () => {
    const neverAsked = () => Promise.reject(new Error('DNS must not be asked'));
    for (const url of [
      'http://localhost:8080/',
      'http://shop.localhost/',
      'http://localtest.me/',
      'http://anything.localtest.me/x',
      'http://lvh.me/',
      'http://127.0.0.1.nip.io/',
      'http://app.10-0-0-1.nip.io/',
      'http://169.254.169.254.sslip.io/latest/meta-data/',
      'http://nip.io/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://ip-10-0-0-1.ec2.internal/',
      'http://printer.local/',
      'http://router.home.arpa/',
    ]) {
      await assert.rejects(checkScrapeUrl(url, { resolve: neverAsked }), BlockedUrlError, url);
      await assert.rejects(checkTargetUrl(url, { resolve: neverAsked }), BlockedUrlError, url);
    }
    assert.equal(
      refusedHostName('93.184.216.34.nip.io'),
      undefined,
      'a public address in the name is its own',
    );
    assert.equal(refusedHostName('www.ozon.ru'), undefined);
  });

  it('at creation, refuses what the scrapers refuse, but accepts a host that does not resolve now', async () => {
    await checkTargetUrl('https://www.ozon.ru/category/x/?page=2', {
      resolve: () => Promise.reject(new Error('ENOTFOUND')),
    });
    await checkTargetUrl('https://slow.example/', {
      resolve: () => new Promise(() => undefined), // never answers: the timeout decides
      resolveTimeoutMs: 50,
    });
    await assert.rejects(
      checkTargetUrl('https://rebind.example/', { resolve: resolvingTo('93.184.216.34', '10.0.0.7') }),
      BlockedUrlError,
    );
  });

  it('names the field of every refused URL target, and lets targets that are not URLs pass', async () => {
    const guard = new TargetGuard({ resolve: () => Promise.reject(new Error('ENOTFOUND')) });
    const issues = await guard.issuesOf([
      { field: 'tasks.0.url', target: 'http://127.1:4100/' },
      { field: 'tasks.1.url', target: 'https://www.ozon.ru/category/x/' },
      { field: 'definitions.2.target', target: '//169.254.169.254/latest/' },
      { field: 'definitions.3.target', target: 'B0CHX1W1XY' },
      { field: 'definitions.4.target', target: 'electric kettle' },
    ]);
    assert.deepEqual(
      issues.map((issue) => issue.field),
      ['tasks.0.url', 'definitions.2.target'],
    );
    assert.match(issues[0]?.message ?? '', /127\.0\.0\.1.*not a public address/);
  });
});
