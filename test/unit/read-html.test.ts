/**
 * The Node evaluator of page specs on small pages whose reading the DOM standard fixes: what text
 * is, which URLs are resolved and against what, which elements exist at all (templates, noscript
 * with scripting off), quirks mode. That Chromium reads the same is asserted on every saved page
 * by test/integration/evaluator-identity.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  PAGE_READING,
  type PageSpec,
  parseHtml,
  readHtml,
  readParsedHtml,
} from '../../shared/scraping/extractors/index.ts';

const URL_OF_PAGE = 'https://shop.example/catalog/list.html?q=1';

/** A detail-page spec reading each named selector's text (or `@attribute`). */
function specOf(fields: Record<string, string>, extra: Partial<PageSpec> = {}): PageSpec {
  return {
    blocks: [],
    variants: [
      {
        name: 'test',
        fields: Object.fromEntries(
          Object.entries(fields).map(([name, rule]) => {
            const [selector, attribute] = rule.split('@');
            return [name, [{ selector: selector as string, ...(attribute ? { attribute } : {}) }]];
          }),
        ),
      },
    ],
    ...extra,
  };
}

const recordOf = (html: string, fields: Record<string, string>) =>
  readHtml(specOf(fields), html, URL_OF_PAGE).records[0] ?? {};

describe('readHtml: text', () => {
  it("is the element's textContent without script, style, noscript and template, whitespace collapsed", () => {
    const html = `<!doctype html><p id="a">  In <script>var x = 1;</script><b>stock</b><style>p{}</style>
      <noscript>enable JS</noscript><template>later</template>&nbsp;now </p>`;
    assert.deepEqual(recordOf(html, { text: '#a' }), { text: 'In stock now' });
  });

  it('counts hidden elements (no layout) and reads a <br> as a space', () => {
    const html = `<!doctype html><h1 id="t">Lamp<br>Deluxe<span style="display:none"> (hidden)</span></h1>`;
    assert.deepEqual(recordOf(html, { text: '#t' }), { text: 'Lamp Deluxe (hidden)' });
  });

  it('reads nested and self-closed <br> as one space each, collapsed with the spaces around them', () => {
    const html = `<!doctype html><p id="t">Kettle<span>1.7 l<br/>steel</span> <br> <br>white<br></p>`;
    assert.deepEqual(recordOf(html, { text: '#t' }), { text: 'Kettle1.7 l steel white' });
  });

  it('reads an ld+json script whole when the script itself is selected', () => {
    const html = `<!doctype html><script type="application/ld+json">{"@type": "Product",
      "name": "A &amp; B"}</script>`;
    assert.deepEqual(recordOf(html, { ld: 'script[type="application/ld+json"]' }), {
      ld: '{"@type": "Product", "name": "A &amp; B"}',
    });
  });

  it('decodes entities in text and attributes, legacy ones without their semicolon too', () => {
    const html = `<!doctype html><p id="p">&euro;1&#x2c;5 &copy 2024 &hearts;</p><a id="l" title="A &amp; B">x</a>`;
    assert.deepEqual(recordOf(html, { text: '#p', title: '#l@title' }), {
      text: '€1,5 © 2024 ♥',
      title: 'A & B',
    });
  });

  it("takes the document's first HTML title, ASCII whitespace collapsed, never an SVG title", () => {
    const html = `<!doctype html><html><head></head><body><svg><title>icon</title></svg></body></html>`;
    assert.equal(readHtml(specOf({}), html, URL_OF_PAGE).title, '');
    const titled = `<!doctype html><title>\n Shop :  lamps \t</title><title>second</title>`;
    assert.equal(readHtml(specOf({}), titled, URL_OF_PAGE).title, 'Shop : lamps');
  });
});

describe('readHtml: URLs', () => {
  it('resolves the href of an a and the src of an img against the page, other attributes as written', () => {
    const html = `<!doctype html><a id="a" href="../dp/B0?x=1#top">x</a><img id="i" src="/i.jpg"
      srcset="/big.jpg 2x"><link rel="canonical" href="/dp/B0"><a id="none">no href</a>`;
    assert.deepEqual(
      recordOf(html, { a: '#a@href', img: '#i@src', canonical: 'link@href', none: '#none@href' }),
      {
        a: 'https://shop.example/dp/B0?x=1#top',
        img: 'https://shop.example/i.jpg',
        canonical: '/dp/B0',
      },
    );
  });

  it('resolves against the first <base href>, itself relative to the page', () => {
    const html = `<!doctype html><head><base href="/m/"><base href="https://other.example/"></head>
      <a href="p/1">x</a>`;
    assert.deepEqual(recordOf(html, { a: 'a@href' }), { a: 'https://shop.example/m/p/1' });
  });

  it('keeps an href that does not parse as a URL as written, and an SVG link unresolved', () => {
    const html = `<!doctype html><a id="bad" href="http://exa mple.com/">x</a>
      <svg><a id="svg" href="/svg-link"><text>y</text></a></svg>`;
    assert.deepEqual(recordOf(html, { bad: '#bad@href', svg: '#svg@href' }), {
      bad: 'http://exa mple.com/',
      svg: '/svg-link',
    });
  });

  it("resolves the next page's link and serializes the page URL as location.href does", () => {
    const spec = specOf({ t: 'p' }, { nextPage: [{ selector: 'a.next', attribute: 'href' }] });
    const raw = readHtml(
      spec,
      '<p>x</p><a class="next" href="?page=2">Next</a>',
      'HTTPS://Shop.Example/s?k=a',
    );
    assert.equal(raw.url, 'https://shop.example/s?k=a');
    assert.equal(raw.nextUrl, 'https://shop.example/s?page=2');
  });
});

describe('readHtml: the tree a browser builds with scripting off', () => {
  it('holds no template content and parses noscript content as markup', () => {
    const html = `<!doctype html><template><span class="v">in template</span></template>
      <noscript><img class="v" src="/ns.jpg"></noscript>`;
    assert.deepEqual(recordOf(html, { text: 'span.v', img: 'img.v@src' }), {
      img: 'https://shop.example/ns.jpg',
    });
  });

  it('moves what a table may not hold before it, and closes an open link at the next one', () => {
    const html = `<!doctype html><table><tr><td>cell</td></tr><div class="c" data-id="2">fostered</div></table>
      <div class="c" data-id="3"><a href="/one">one<a href="/two">two</a></div>`;
    const spec: PageSpec = {
      blocks: [],
      variants: [
        {
          name: 'cards',
          itemSelector: '.c, td',
          fields: { id: [{ selector: ':scope', attribute: 'data-id' }], text: [{ selector: ':scope' }] },
        },
      ],
    };
    const links = specOf({ first: 'a@href' });
    assert.deepEqual(readHtml(spec, html, URL_OF_PAGE).records, [
      { id: '2', text: 'fostered' },
      { text: 'cell' },
      { id: '3', text: 'onetwo' },
    ]);
    const parsed = parseHtml(html, URL_OF_PAGE);
    assert.deepEqual(readParsedHtml(links, parsed).records, [{ first: 'https://shop.example/one' }]);
  });

  it('matches class selectors regardless of case in quirks mode (no doctype) only', () => {
    const body = '<p class="Price">9</p>';
    assert.deepEqual(recordOf(body, { price: '.price' }), { price: '9' });
    assert.deepEqual(recordOf(`<!doctype html>${body}`, { price: '.price' }), {});
  });

  it('supports :scope, :is, :not and :has with a relative selector inside item cards', () => {
    const html = `<!doctype html><ul><li data-sku="1"><a href="/p/1"><h2>One</h2></a><i>ad</i></li>
      <li data-sku="2"><span><a href="/p/2"><h2>Two</h2></a></span></li></ul>`;
    const spec: PageSpec = {
      blocks: [],
      variants: [
        {
          name: 'cards',
          itemSelector: 'li:has(a > h2):not(:has(> i))',
          fields: {
            sku: [{ selector: ':scope', attribute: 'data-sku' }],
            url: [{ selector: ':scope > span > a:is([href])', attribute: 'href' }],
          },
        },
      ],
    };
    assert.deepEqual(readHtml(spec, html, URL_OF_PAGE).records, [
      { sku: '2', url: 'https://shop.example/p/2' },
    ]);
  });
});

describe('readHtml: block pages', () => {
  const spec: PageSpec = {
    blocks: [
      { reason: 'captcha', selector: 'form[action*="captcha"]' },
      { reason: 'robot-check', selector: 'html:not(:has(.product))', textPattern: 'Доступ ограничен' },
    ],
    variants: [{ name: 'product', fields: { title: [{ selector: '.product' }] } }],
  };

  it('classifies by selector, or by title and body text where no product is shown', () => {
    assert.equal(readHtml(spec, '<form action="/captcha"></form>', URL_OF_PAGE).blocked, 'captcha');
    assert.equal(readHtml(spec, '<title>Доступ ограничен</title>', URL_OF_PAGE).blocked, 'robot-check');
    assert.equal(
      readHtml(spec, '<div hidden>Доступ <b>ограничен</b></div>', URL_OF_PAGE).blocked,
      'robot-check',
    );
    const product = readHtml(spec, '<p class="product">Lamp</p><p>Доступ ограничен</p>', URL_OF_PAGE);
    assert.equal(product.blocked, undefined);
    assert.deepEqual(product.records, [{ title: 'Lamp' }]);
  });

  it('looks at the first pageTextChars characters of the body text only, and at no script', () => {
    const filler = 'x'.repeat(PAGE_READING.pageTextChars);
    assert.equal(readHtml(spec, `<p>${filler}</p><p>Доступ ограничен</p>`, URL_OF_PAGE).blocked, undefined);
    assert.equal(readHtml(spec, `<script>"Доступ ограничен"</script>`, URL_OF_PAGE).blocked, undefined);
    const blockedPage = readHtml(spec, `<p>Доступ ограничен</p><p>${filler}</p>`, URL_OF_PAGE);
    assert.equal(blockedPage.blocked, 'robot-check');
    assert.deepEqual(blockedPage.records, [], 'a block page is not read');
  });
});

describe('readHtml on untrusted input', () => {
  it('never throws and gives only non-empty strings, whatever the markup', () => {
    const spec: PageSpec = {
      blocks: [{ reason: 'captcha', textPattern: 'captcha' }],
      variants: [
        {
          name: 'cards',
          itemSelector: 'div, li',
          fields: {
            text: [{ selector: ':scope' }],
            link: [{ selector: 'a', attribute: 'href' }],
            price: [{ selector: 'span', pattern: '(\\d+)' }],
          },
        },
      ],
      nextPage: [{ selector: 'a.next', attribute: 'href' }],
    };
    const fragment = fc.constantFrom(
      '<div>',
      '</div>',
      '<li>',
      '<a href="/x">',
      '<a class="next" href="?p=2">',
      '</a>',
      '<span>12',
      '<table>',
      '<template>',
      '<noscript>',
      '<script>',
      '<!--',
      '&amp',
      '&#xD800;',
      'captcha',
      'text',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(fragment, fc.string()), { maxLength: 30 }), (parts) => {
        const raw = readHtml(spec, parts.join(''), URL_OF_PAGE);
        for (const record of raw.records)
          for (const value of Object.values(record)) assert.ok(value.length > 0 && value === value.trim());
        if (raw.blocked) assert.deepEqual(raw.records, []);
      }),
    );
  });
});
