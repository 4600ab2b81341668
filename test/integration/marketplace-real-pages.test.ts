/**
 * Ozon and 1688 extractors on real saved pages (../shared/fixtures/real-pages, see SOURCES.md),
 * in real Chromium, served from loopback. Expected values were read off the HTML by hand: the
 * visible text, the state JSON, the schema.org Product and, for 1688's offer ids, the page's own
 * promotion request (`offerMemberPairs=<offer>:<member>,…`), independent of the cards' markup.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BrowserHost } from '../../shared/scraping/browser/index.ts';
import {
  alibabaSearchResult,
  ozonCategory,
  ozonProductDetails,
  ozonSearchResult,
} from '../../shared/scraping/extractors/index.ts';
import { extractAt, type LoadedExtraction } from '../helpers/extract-at.ts';
import { REAL_PAGES, serveStaticPages, type StaticPages } from '../helpers/static-pages.ts';

describe('Ozon and 1688 extractors on real saved pages', () => {
  const host = new BrowserHost();
  let pages: StaticPages;
  const read: Record<string, LoadedExtraction> = {};

  before(async () => {
    assert.ok(
      existsSync(path.join(REAL_PAGES, 'SOURCES.md')),
      `real saved pages not found at ${REAL_PAGES}: the shared/ folder must sit beside the repository`,
    );
    pages = await serveStaticPages(REAL_PAGES);
    const page = (name: string) => `${pages.base}/${name}.html`;
    read.product = await extractAt(host, page('ozon-product-1'), ozonProductDetails, 'RU');
    read.category = await extractAt(host, page('ozon-category-1'), ozonCategory, 'RU');
    read.searchState = await extractAt(host, page('ozon-search-1'), ozonSearchResult, 'RU');
    read.searchTiles = await extractAt(host, page('ozon-search-2'), ozonSearchResult, 'RU');
    read.alibaba = await extractAt(host, page('1688-search-1'), alibabaSearchResult, 'CN');
    for (const [name, extraction] of Object.entries(read))
      assert.equal(extraction.status, 200, `${name} not served`);
  });
  after(async () => {
    await host.close();
    await pages.stop();
  });

  it('ozon-product-1: the IKEA blanket, at the price without the Ozon card, sold by the seller of the sticky bar', () => {
    assert.equal(read.product?.variant, 'pdp-dom');
    assert.equal(read.product?.invalid, 0);
    assert.deepEqual(read.product?.items, [
      {
        id: '1648654068',
        position: 1,
        title: 'Одеяло IKEA STJARNBRACKA теплое, 150x200 см',
        price: 4292, // "4 016 ₽ c Ozon Картой" is the card price, "7 690 ₽" the crossed-out one
        currency: 'RUB',
        // webPrice's state: "originalPrice":"7 690 ₽","showOriginalPrice":true.
        listPrice: 7690,
        // webBrand: a link to /brand/ikea-74301437/ reading "IKEA", over the word "Бренд".
        brand: 'IKEA',
        rating: 4.9,
        reviewCount: 19,
        availability: 'in_stock',
        // No webCurrentSeller on this 2024 page: webStickyProducts links /seller/1436395/, first
        // around the seller's logo, then with its name "Ловец снов" (its state says the same).
        seller: 'Ловец снов',
        // webGallery's eager, high-priority c1000 image — not the sticky bar's c50 thumbnail.
        imageUrl: 'https://ir-2.ozone.ru/s3/multimedia-1-9/c1000/7102150425.jpg',
        url: 'https://www.ozon.ru/product/odeyalo-ikea-stjarnbracka-teploe-150x200-sm-1648654068/',
      },
    ]);
  });

  it('ozon-category-1: twelve painting tiles, the adult one without rating', () => {
    const items = read.category?.items ?? [];
    assert.equal(read.category?.variant, 'tiles-dom');
    assert.equal(items.length, 12);
    assert.equal(read.category?.invalid, 0);
    assert.deepEqual(items[0], {
      id: '1414384476',
      position: 1,
      title:
        'ДоброДаров Картина "Картина на заказ / Картина на стену / Картина по фото на холсте / Картина для интерьера / Портрет на холсте / Фото картина", 50х40 см, 40*50',
      price: 1139,
      currency: 'RUB',
      rating: 4.8,
      reviewCount: 14167,
      imageUrl: 'https://ir.ozone.ru/s3/multimedia-1-e/wc500/7352832074.jpg',
      url: `${pages.base}/product/dobrodarov-kartina-kartina-na-zakaz-kartina-na-stenu-kartina-po-foto-na-holste-kartina-dlya-1414384476/`,
      // "1 139 ₽" then, crossed out, "5 000 ₽" and "−77%".
      listPrice: 5000,
      // The bold <b>ДоброДаров</b> line over the title.
      brand: 'ДоброДаров',
      organicPosition: 1, // no tile of this page links through an ad token
    });
    assert.deepEqual(
      { ...items[1], url: undefined, imageUrl: undefined },
      {
        id: '1597697720',
        position: 2,
        title: 'Картина "эстетика", 50х40 см',
        price: 853,
        currency: 'RUB',
        listPrice: 3950, // "853 ₽" "3 950 ₽"
        rating: 5,
        reviewCount: 325,
        availability: 'limited', // "632 шт осталось"
        url: undefined,
        imageUrl: undefined,
        organicPosition: 2,
      },
    );
    // The bold line of tiles 8, 11 and 12 is the "Оригинал" badge (with a check icon), not a brand.
    assert.deepEqual(
      items.map((item) => item.brand),
      ['ДоброДаров', ...Array<undefined>(11).fill(undefined)],
    );
    assert.ok(items.every((item) => item.sponsored === undefined && item.unitPrice === undefined));
    assert.equal(read.category?.resultCount, undefined, 'the category page states no result count');
    const adult = items[5];
    assert.equal(adult?.id, '1343181346');
    assert.equal(adult?.price, 4098);
    assert.equal(adult?.listPrice, 32000, '"4 098 ₽" "32 000 ₽"');
    assert.equal(adult?.rating, undefined);
    assert.equal(adult?.reviewCount, undefined);
    assert.equal(items[6]?.rating, 4.9, '"4.9" and "9 222 отзыва" are separate spans');
    assert.equal(items[6]?.reviewCount, 9222);
    const last = items[11];
    assert.deepEqual(
      [last?.id, last?.title, last?.price, last?.rating, last?.reviewCount],
      ['2713068257', 'ДоброДаров Картина ""Патриотизм"", 50х40 см, 40x50', 540, 4.8, 1907],
    );
    assert.match(
      read.category?.nextUrl ?? '',
      /\/search\/\?.*page=2.*text=%D0%9A%D0%B0%D1%80%D1%82%D0%B8%D0%BD%D0%B0$/,
    );
  });

  it('ozon-search-1: 36 items read from the searchResultsV2 state JSON alone', () => {
    const items = read.searchState?.items ?? [];
    assert.equal(read.searchState?.variant, 'searchResultsV2-state');
    assert.equal(items.length, 36);
    assert.equal(read.searchState?.invalid, 0);
    assert.deepEqual(items[0], {
      id: '933449105',
      position: 1,
      title:
        'Силиконовая форма для мыла "Бабочка", многоразовый молд для шоколада, желе, пудинга, мастики, мыловарения, фиолетовая, 4 ячейки',
      price: 385,
      currency: 'RUB',
      rating: 4.9,
      reviewCount: 439,
      imageUrl: 'https://cdn1.ozone.ru/s3/multimedia-a/6619353202.jpg',
      url: `${pages.base}/product/silikonovaya-forma-dlya-myla-babochka-mnogorazovyy-mold-dlya-shokolada-zhele-pudinga-mastiki-933449105/`,
      listPrice: 990, // priceV2: {"text":"990 ₽","textStyle":"ORIGINAL_PRICE"}
      sponsored: true, // action.link: "/product/…-933449105/?advert=6xj05b…&avtc=1…"
    });
    // "По запросу **мыльная бабочка** найден 16 491 товар" (state-fulltextResultsHeader).
    assert.equal(read.searchState?.resultCount, 16491);
    // Tiles whose action.link carries `advert=`: every third, from the first to the 25th.
    assert.deepEqual(
      items.filter((item) => item.sponsored).map((item) => item.position),
      [1, 4, 7, 10, 13, 16, 19, 22, 25],
    );
    assert.deepEqual(
      [items[1]?.id, items[1]?.organicPosition, items[35]?.organicPosition],
      ['1072618735', 1, 27],
    );
    assert.equal(
      items[3]?.title,
      'Kadriel&Co, Жидкое мыло пенка для рук в дозаторе в форме цветочка, 250 мл',
    );
    assert.equal(items[5]?.reviewCount, 1065);
    assert.deepEqual(
      [items[9]?.id, items[9]?.price, items[9]?.rating, items[9]?.reviewCount],
      ['1259264420', 408, undefined, undefined],
    );
    assert.deepEqual([items[15]?.title, items[15]?.price, items[15]?.rating], ['Мыльница', 992, undefined]);
    const last = items[35];
    assert.deepEqual(
      [last?.id, last?.title, last?.price, last?.currency, last?.rating, last?.reviewCount, last?.position],
      ['650256039', 'Кафф PLATAN С любовью', 218, 'RUB', 4.8, 484, 36],
    );
    assert.match(read.searchState?.nextUrl ?? '', /\/search\/\?page=3&text=/);
  });

  it('ozon-search-2: 36 rendered tiles read despite the Cloudflare "Please Wait" head', () => {
    const items = read.searchTiles?.items ?? [];
    assert.equal(read.searchTiles?.blocked, undefined);
    assert.equal(read.searchTiles?.variant, 'tiles-dom-2022');
    assert.equal(items.length, 36);
    assert.equal(read.searchTiles?.invalid, 0);
    assert.deepEqual(items[0], {
      id: '303734339',
      position: 1,
      title: 'Молоко ЭкоНива ультрапастеризованное 3,2%, 1 л БЗМЖ',
      price: 79,
      currency: 'RUB',
      rating: 4.8, // star bar at 96.61% of 5
      reviewCount: 2840,
      seller: 'Ozon',
      imageUrl: 'https://cdn1.ozone.ru/s3/multimedia-9/wc250/6338862933.jpg',
      url: `${pages.base}/product/moloko-ekoniva-ultrapasterizovannoe-3-2-1-l-bzmzh-303734339/`,
      listPrice: 99, // the price line: "79 ₽" then, struck through, "99 ₽"
      organicPosition: 1,
    });
    // Tile 2, Parmalat 12 × 1 l: "964 ₽ c Ozon Счётом", "999 ₽", struck "1 189 ₽", then "83 ₽ / шт".
    assert.deepEqual(
      [items[1]?.id, items[1]?.price, items[1]?.listPrice, items[1]?.unitPrice],
      ['141876199', 999, 1189, { amount: 83, currency: 'RUB', unit: 'шт' }],
    );
    assert.equal(items[1]?.price, 999, '"964 ₽ c Ozon Счётом" is the account price');
    assert.equal(items[2]?.rating, 4.8, 'fat-percentage chips "3.5 0.5 1.8" are not ratings');
    assert.deepEqual([items[29]?.seller, items[29]?.rating], ['Умное молоко A2', 4.5]);
    const last = items[35];
    assert.deepEqual(
      [last?.id, last?.title, last?.price, last?.reviewCount, last?.availability, last?.seller],
      ['140987742', 'Valio Отборное молоко 3,5-4,5%, 1 л', 157, 948, 'out_of_stock', undefined],
    );
    assert.equal(read.searchTiles?.nextUrl, `${pages.base}/category/moloko-9283/?page=2`);
  });

  it('1688-search-1: 20 offers with the ids the page itself reports, no ratings on 1688 cards', () => {
    const html = readFileSync(path.join(REAL_PAGES, '1688-search-1.html'), 'utf8');
    const pairs = decodeURIComponent(/offerMemberPairs=([^&"]+)/.exec(html)?.[1] ?? '');
    const expectedIds = pairs.split(',').map((pair) => pair.split(':')[0]);
    const items = read.alibaba?.items ?? [];
    assert.equal(read.alibaba?.blocked, undefined, 'offers beat the baxia punish iframe in the page');
    assert.equal(read.alibaba?.variant, 'offer-cards-dom');
    assert.equal(expectedIds.length, 20);
    assert.deepEqual(
      items.map((item) => item.id),
      expectedIds,
    );
    assert.deepEqual(items[0], {
      id: '718152613503',
      position: 1,
      title: '双Type-c头PD数据传输公对公适用华为小米三星笔记本快充数据线',
      price: 1.74,
      currency: 'CNY',
      seller: '荣亮达电子',
      imageUrl: 'https://cbu01.alicdn.com/img/ibank/O1CN01fc8pjr25B6BUQLFGE_!!2897747487-0-cib.220x220.jpg',
      url: 'https://detail.1688.com/offer/718152613503.html',
      // data-aplus-report="object_type@offer^object_id@718152613503^_p_isad@1^…^itemType@p4p"
      sponsored: true,
    });
    // Cards 1-18 are P4P (`_p_isad@1`, `itemType@p4p`); 19 and 20 organic (`_p_isad@0`, `itemType@nature`).
    assert.deepEqual(
      items.map((item) => [item.sponsored, item.organicPosition]),
      [...Array.from({ length: 18 }, () => [true, undefined]), [undefined, 1], [undefined, 2]],
    );
    assert.deepEqual(items[19], {
      id: '662778980590',
      position: 20,
      title: '适用苹果数据线批发USB线20WPD快充线iphone数据线手机苹果充电线',
      price: 1.2,
      currency: 'CNY',
      seller: '蝶彩实业1688',
      imageUrl: 'https://cbu01.alicdn.com/img/ibank/O1CN01gpDFNq1sn1zODi5XK_!!2211648085810-0-cib.jpg',
      url: 'https://detail.1688.com/offer/662778980590.html',
      organicPosition: 2,
    });
    assert.deepEqual([items[3]?.price, items[6]?.price, items[10]?.seller], [0.53, 0.42, 'szkjldzkj']);
    assert.ok(items.every((item) => item.rating === undefined && item.reviewCount === undefined));
    assert.equal(read.alibaba?.nextUrl, undefined, '下一页 is a script button, not a link');
  });
});
