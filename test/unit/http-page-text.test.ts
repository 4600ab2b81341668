/**
 * The pure parts of the HTTP page fetcher: which charset a page is decoded with, and which
 * headers a navigation sends for a given user agent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserFamilyOf, decodeHtml, navigationHeaders } from '../../shared/scraping/http/index.ts';

const latin1 = (text: string) => Buffer.from(text, 'latin1');

describe('the charset a page is decoded with', () => {
  it('takes the header before a meta tag, and a meta tag before the default', () => {
    const page = latin1('<meta charset="windows-1251"><p>\xcf\xf0\xe8\xe2\xe5\xf2</p>');
    assert.equal(decodeHtml(page, 'text/html; charset=utf-8').source, 'header');
    const byMeta = decodeHtml(page, 'text/html');
    assert.equal(byMeta.encoding, 'windows-1251');
    assert.equal(byMeta.text, '<meta charset="windows-1251"><p>Привет</p>');
    assert.equal(decodeHtml(latin1('<p>plain</p>'), undefined).source, 'default');
  });

  it('ignores charset= inside the content of a meta tag that is not a Content-Type', () => {
    const page = latin1('<meta name="description" content="charset=gbk tips"><p>x</p>');
    assert.equal(decodeHtml(page, 'text/html').encoding, 'utf-8');
  });

  it('reads an unknown label in the header as absent, and a meta UTF-16 as UTF-8', () => {
    assert.equal(decodeHtml(latin1('<meta charset="gbk">'), 'text/html; charset=klingon').encoding, 'gbk');
    assert.equal(decodeHtml(latin1('<meta charset="utf-16le">'), undefined).encoding, 'utf-8');
  });
});

describe('the headers of a navigation', () => {
  const https = new URL('https://www.ozon.ru/product/1/');
  const names = (headers: Record<string, string>) => Object.keys(headers);

  it('tells Chrome, Edge, Firefox and Safari apart by their user agents', () => {
    const agents = {
      chromium:
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36 Edg/150.0.0.0',
      firefox: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0',
      safari:
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Safari/605.1.15',
    } as const;
    for (const [family, agent] of Object.entries(agents)) assert.equal(browserFamilyOf(agent), family);
  });

  it('names Edge in the client hints of an Edge user agent', () => {
    const headers = navigationHeaders({
      url: https,
      userAgent:
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36 Edg/150.0.0.0',
    });
    assert.equal(headers['sec-ch-ua'], '"Microsoft Edge";v="150", "Chromium";v="150", "Not_A Brand";v="24"');
    assert.equal(headers['sec-ch-ua-platform'], '"macOS"');
  });

  it('sends what Firefox sends, in its order, with the cookie before the fetch metadata', () => {
    const headers = navigationHeaders({
      url: https,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
      cookie: 'a=1',
    });
    assert.deepEqual(names(headers), [
      'Host',
      'User-Agent',
      'Accept',
      'Accept-Language',
      'Accept-Encoding',
      'Connection',
      'Cookie',
      'Upgrade-Insecure-Requests',
      'Sec-Fetch-Dest',
      'Sec-Fetch-Mode',
      'Sec-Fetch-Site',
      'Sec-Fetch-User',
      'Priority',
    ]);
    assert.equal(headers['sec-ch-ua'], undefined);
  });

  it('offers Safari no zstd and sends no fetch metadata over plain http', () => {
    const safari =
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Safari/605.1.15';
    const headers = navigationHeaders({ url: new URL('http://example.com/'), userAgent: safari });
    assert.equal(headers['Accept-Encoding'], 'gzip, deflate, br');
    assert.ok(names(headers).every((name) => !name.startsWith('Sec-')));
  });
});
