import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  decodeHtmlEntities,
  parseAvailability,
  parseCount,
  parseDecimal,
  parsePrice,
  parseRating,
  parseResultCount,
  parseUnitPrice,
} from '../../shared/scraping/extractors/index.ts';

describe('reading numbers the way pages write them', () => {
  it('reads prices in the formats of each marketplace', () => {
    const cases: [string, string, number, string][] = [
      ['$1,299.99', 'US', 1299.99, 'USD'],
      ['$7.99', 'US', 7.99, 'USD'],
      ['€149,00', 'ES', 149, 'EUR'],
      ['1.234,56 €', 'DE', 1234.56, 'EUR'],
      ['£12.49', 'UK', 12.49, 'GBP'],
      ['￥32,970', 'JP', 32970, 'JPY'],
      ['¥32,970', 'JP', 32970, 'JPY'],
      ['¥5.80', 'CN', 5.8, 'CNY'],
      ['₹1,499', 'IN', 1499, 'INR'],
      ['₹1,23,456.50', 'IN', 123456.5, 'INR'],
      ['2 490 ₽', 'RU', 2490, 'RUB'],
      ['12\u2009345,50\u00a0₽', 'RU', 12345.5, 'RUB'],
      ['19.99', 'US', 19.99, 'USD'],
      ['CDN$ 24.95', 'CA', 24.95, 'CAD'],
    ];
    for (const [text, marketplace, amount, currency] of cases) {
      assert.deepEqual(parsePrice(text, marketplace), { amount, currency }, text);
    }
  });

  it('gives no price for text without a number', () => {
    assert.equal(parsePrice('Currently unavailable.', 'US'), undefined);
    assert.equal(parsePrice('', 'US'), undefined);
    assert.equal(parsePrice(undefined, 'US'), undefined);
  });

  it('reads counts with any grouping and with multipliers', () => {
    const cases: [string, number][] = [
      ['5.182 valoraciones', 5182],
      ['1,234 ratings', 1234],
      ['(12 345)', 12345],
      ['1.2K', 1200],
      ['2,3 тыс. отзывов', 2300],
      ['87', 87],
      ['1万', 10000],
      ['12 345 отзывов', 12345],
    ];
    for (const [text, count] of cases) assert.equal(parseCount(text), count, text);
    assert.equal(parseCount('no reviews yet'), undefined);
  });

  it('reads ratings out of five in several languages, the Japanese scale-first form included', () => {
    const cases: [string, number][] = [
      ['4.5 out of 5 stars', 4.5],
      ['4,1 de 5 estrellas', 4.1],
      ['4,5 von 5 Sternen', 4.5],
      ['5つ星のうち4.7', 4.7],
      ['4.8', 4.8],
    ];
    for (const [text, rating] of cases) assert.equal(parseRating(text), rating, text);
    assert.equal(parseRating('17 of 20'), undefined);
  });

  it('maps availability words to a small vocabulary', () => {
    assert.equal(parseAvailability('In Stock'), 'in_stock');
    assert.equal(parseAvailability('Currently unavailable.'), 'out_of_stock');
    assert.equal(parseAvailability('Only 3 left in stock - order soon.'), 'limited');
    assert.equal(parseAvailability('Auf Lager'), 'in_stock');
    assert.equal(parseAvailability('Usually ships within 2 days'), 'Usually ships within 2 days');
    assert.equal(parseAvailability('632 шт осталось'), 'limited');
    assert.equal(parseAvailability('Закончился'), 'out_of_stock');
    assert.equal(parseAvailability('Этот товар закончился'), 'out_of_stock');
    assert.equal(parseAvailability('已下架'), 'out_of_stock');
  });

  it('reads Ozon and 1688 prices, counts and ratings as their pages write them', () => {
    assert.deepEqual(parsePrice('1 139 ₽', 'RU'), { amount: 1139, currency: 'RUB' });
    assert.deepEqual(parsePrice('¥1.74', 'CN'), { amount: 1.74, currency: 'CNY' });
    assert.deepEqual(parsePrice('2.60元', 'CN'), { amount: 2.6, currency: 'CNY' });
    assert.equal(parseCount('14\u00a0167 отзывов'), 14167);
    assert.equal(parseCount('1 065 отзывов'), 1065);
    assert.equal(parseRating('4.9  '), 4.9);
  });

  it('reads a price per unit as amount, currency and the unit after the slash', () => {
    assert.deepEqual(parseUnitPrice('€12.50/kg', 'DE'), { amount: 12.5, currency: 'EUR', unit: 'kg' });
    assert.deepEqual(parseUnitPrice('(EUR 3,99 / kg)', 'DE'), { amount: 3.99, currency: 'EUR', unit: 'kg' });
    // amazon.in writes the amount twice (screen-reader copy and visible copy) before the unit.
    assert.deepEqual(parseUnitPrice('(₹2,29,900₹2,29,900/100 g)', 'IN'), {
      amount: 229900,
      currency: 'INR',
      unit: '100 g',
    });
    assert.deepEqual(parseUnitPrice('83\u2009₽\u202f/\u202fшт', 'RU'), {
      amount: 83,
      currency: 'RUB',
      unit: 'шт',
    });
    for (const text of ['€12.50', '€/kg', '12,50 € / ', '(62% off)', '1/2', undefined]) {
      assert.equal(parseUnitPrice(text, 'DE'), undefined, String(text));
    }
  });

  it('reads the result count of a listing, not the range of the page', () => {
    assert.equal(parseResultCount('1-16 of 306 results for'), 306);
    assert.equal(parseResultCount('1-16 von 86 Ergebnissen oder Vorschlägen für'), 86);
    assert.equal(parseResultCount('1-48 of over 10,000 results for "kettle"'), 10000);
    assert.equal(parseResultCount('17–32 von 1.234 Ergebnissen'), 1234);
    assert.equal(parseResultCount('16 491'), 16491);
    assert.equal(parseResultCount('306 results'), 306);
    assert.equal(parseResultCount('No results'), undefined);
    assert.equal(parseResultCount(undefined), undefined);
  });

  it('decodes the HTML entities left in embedded JSON, and leaves unknown ones alone', () => {
    assert.equal(decodeHtmlEntities('мыла &#34;Бабочка&#34;'), 'мыла "Бабочка"');
    assert.equal(decodeHtmlEntities('Бабочка&#x2F;Игрушки, Kadriel&amp;Co'), 'Бабочка/Игрушки, Kadriel&Co');
    assert.equal(
      decodeHtmlEntities('&lt;b&gt; &nbsp;&bogus; &#0; &#x110000;'),
      '<b> \u00a0&bogus; &#0; &#x110000;',
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        const plain = text.replaceAll('&', '');
        assert.equal(decodeHtmlEntities(plain), plain);
      }),
    );
  });

  it('reads back any amount written with grouping and two decimals, in either convention', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), fc.boolean(), (cents, european) => {
        const amount = cents / 100;
        const text = amount.toLocaleString(european ? 'de-DE' : 'en-US', {
          minimumFractionDigits: 2,
          maximumFractionDigits: 2,
        });
        assert.equal(parseDecimal(text), amount, text);
      }),
    );
  });

  it('reads back any whole amount of a currency without minor units', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), (yen) => {
        assert.deepEqual(parsePrice(`￥${yen.toLocaleString('en-US')}`, 'JP'), {
          amount: yen,
          currency: 'JPY',
        });
      }),
    );
  });
});
