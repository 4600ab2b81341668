/**
 * Pages shaped like the real sites' markup (the selectors extractors rely on: Amazon's
 * #productTitle / .a-offscreen / s-search-result tiles, Ozon's data-widget blocks, 1688's
 * offer cards), small enough to serve thousands of times in a benchmark. 1688's pages declare
 * GBK in a meta tag, and the server sends them in GBK bytes, as 1688 does.
 */
import { type DemoProduct, formatPrice, hash, listingIds, productOf } from './catalog.ts';

export const PER_PAGE = 20;
export const LISTING_PAGES = 5;

const escape = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const page = (title: string, body: string, lang = 'en', charset = 'utf-8'): string =>
  `<!doctype html><html lang="${lang}"><head><meta charset="${charset}"><title>${escape(title)}</title></head><body>${body}</body></html>`;

const nextLink = (href: string | undefined, label: string, cls: string): string =>
  href
    ? `<a class="${cls}" href="${escape(href)}">${label}</a>`
    : `<span class="${cls} disabled">${label}</span>`;

// ---- Amazon -------------------------------------------------------------------------------

export function amazonProduct(marketplace: string, asin: string, version = 0): string {
  const p = productOf('amazon', asin, version);
  return page(
    `Amazon.${marketplace}: ${p.title}`,
    `<div id="dp" data-asin="${asin}">
      <input type="hidden" id="ASIN" name="ASIN" value="${asin}">
      <span id="productTitle" class="a-size-large product-title-word-break">${escape(p.title)}</span>
      <a id="bylineInfo" href="#">Visit the ${escape(p.seller)} Store</a>
      <div id="corePrice_feature_div"><span class="a-price"><span class="a-offscreen">${formatPrice(p)}</span><span aria-hidden="true">${formatPrice(p)}</span></span></div>
      <span id="acrPopover" title="${p.rating} out of 5 stars"><span class="a-icon-alt">${p.rating} out of 5 stars</span></span>
      <span id="acrCustomerReviewText" class="a-size-base">${p.reviews.toLocaleString('en-US')} ratings</span>
      <div id="availability"><span class="a-size-medium">${p.available ? 'In Stock' : 'Currently unavailable.'}</span></div>
      <div id="merchant-info">Sold by <a href="#">${escape(p.seller)}</a></div>
      <div id="imgTagWrapperId"><img id="landingImage" src="/images/${asin}.jpg" alt="${escape(p.title)}"></div>
    </div>`,
  );
}

/** A search (or category) result tile, in the 2024–2025 markup. */
const amazonTile = (marketplace: string, asin: string, p: DemoProduct): string => {
  const href = `/amazon/${marketplace}/dp/${asin}`;
  return `<div data-component-type="s-search-result" data-asin="${asin}" class="s-result-item s-asin">
    <img class="s-image" src="/images/${asin}.jpg">
    <div data-cy="title-recipe"><a class="a-link-normal s-link-style a-text-normal" href="${href}"><h2 aria-label="${escape(p.title)}" class="a-size-medium"><span>${escape(p.title)}</span></h2></a></div>
    <div data-cy="reviews-block"><i class="a-icon a-icon-star-small"><span class="a-icon-alt">${p.rating} out of 5 stars</span></i>
      <a aria-label="${p.reviews.toLocaleString('en-US')} ratings" href="${href}#customerReviews"><span class="s-underline-text">(${p.reviews.toLocaleString('en-US')})</span></a></div>
    <div data-cy="price-recipe"><span class="a-price"><span class="a-offscreen">${formatPrice(p)}</span><span aria-hidden="true">${formatPrice(p)}</span></span></div>
  </div>`;
};

/** A Best Sellers card, in the `#gridItemRoot` grid markup (2022–2025). */
const amazonBestsellerCard = (marketplace: string, asin: string, p: DemoProduct, rank: number): string => {
  const href = `/amazon/${marketplace}/dp/${asin}`;
  return `<div id="gridItemRoot" class="a-column a-span12 a-text-center"><div class="zg-grid-general-faceout">
    <div class="a-section zg-bdg-ctr"><span class="zg-bdg-text">#${rank}</span></div>
    <div id="${asin}" data-asin="${asin}" class="p13n-sc-uncoverable-faceout">
      <a class="a-link-normal aok-block" href="${href}"><img alt="${escape(p.title)}" src="/images/${asin}.jpg" class="p13n-product-image"></a>
      <a class="a-link-normal aok-block" href="${href}"><div class="_cDEzb_p13n-sc-css-line-clamp-3_g3dy1">${escape(p.title)}</div></a>
      <div class="a-icon-row"><a class="a-link-normal" title="${p.rating} out of 5 stars" href="/amazon/${marketplace}/product-reviews/${asin}"><i class="a-icon a-icon-star-small"><span class="a-icon-alt">${p.rating} out of 5 stars</span></i> <span class="a-size-small">${p.reviews.toLocaleString('en-US')}</span></a></div>
      <span class="a-size-base a-color-price"><span class="_cDEzb_p13n-sc-price_3mJ9Z">${formatPrice(p)}</span></span>
    </div></div></div>`;
};

export function amazonListing(
  marketplace: string,
  kind: 'search' | 'category' | 'bestsellers',
  key: string,
  pageNumber: number,
  nextHref?: string,
  version = 0,
): string {
  const ids = listingIds('amazon', `${kind}:${key}`, pageNumber, PER_PAGE, version);
  const title = `Amazon.${marketplace}: ${key}`;
  if (kind === 'bestsellers') {
    const cards = ids
      .map((asin, index) =>
        amazonBestsellerCard(
          marketplace,
          asin,
          productOf('amazon', asin, version),
          (pageNumber - 1) * PER_PAGE + index + 1,
        ),
      )
      .join('\n');
    const next = nextHref
      ? `<li class="a-last"><a href="${escape(nextHref)}">Next page</a></li>`
      : '<li class="a-disabled a-last">Next page</li>';
    return page(
      title,
      `<div class="p13n-gridRow" data-page="${pageNumber}">${cards}</div><ul class="a-pagination">${next}</ul>`,
    );
  }
  const tiles = ids
    .map((asin) => amazonTile(marketplace, asin, productOf('amazon', asin, version)))
    .join('\n');
  return page(
    title,
    `<div class="s-main-slot s-result-list" data-page="${pageNumber}">${tiles}</div>
     <div class="s-pagination-strip">${nextLink(nextHref, 'Next', 's-pagination-next')}</div>`,
  );
}

/** Amazon's robot check, as served to a suspected bot (HTTP 200, a form, no content). */
export const amazonCaptcha = (): string =>
  page(
    'Amazon.com',
    `<div class="a-box"><h4>Enter the characters you see below</h4>
     <p class="a-last">Sorry, we just need to make sure you're not a robot. For best results, please make sure your browser is accepting cookies.</p>
     <form method="get" action="/errors/validateCaptcha"><input id="captchacharacters" name="field-keywords" type="text">
     <img src="/captcha/Captcha_abcdefgh.jpg"><button type="submit">Continue shopping</button></form></div>`,
  );

// ---- Ozon ---------------------------------------------------------------------------------

export function ozonProduct(sku: string, version = 0): string {
  const p = productOf('ozon', sku, version);
  return page(
    `${p.title} купить на OZON`,
    `<div data-widget="webProductHeading"><h1>${escape(p.title)}</h1></div>
     <button data-widget="webDetailSKU"><div>Артикул: ${sku}</div></button>
     <div data-widget="webPrice"><span>${formatPrice(p)}</span></div>
     <div data-widget="webSingleProductScore"><a href="#reviews"><div>${p.rating.toFixed(1)} • ${p.reviews} отзывов</div></a></div>
     <div data-widget="webCurrentSeller"><a href="/ozon/seller/${hash(p.seller)}/" title="${escape(p.seller)}">${escape(p.seller)}</a></div>
     ${p.available ? '<div data-widget="webAddToCart"><button>Добавить в корзину</button></div>' : '<div data-widget="webOutOfStock"><h2>Этот товар закончился</h2></div>'}
     <div data-widget="webGallery"><img src="/images/ozon-${sku}.jpg" alt="${escape(p.title)}"></div>`,
    'ru',
  );
}

/** A 2024-25 listing tile (`.tile-root` in `tileGridDesktop`), as on ozon.ru's search and categories. */
const ozonTile = (sku: string, p: DemoProduct): string =>
  `<div class="tile-root"><a href="/ozon/product/item-${sku}/"><img src="/images/ozon-${sku}.jpg"></a>
    <div><span class="tsHeadline500Medium">${formatPrice(p)}</span></div>
    <a href="/ozon/product/item-${sku}/"><div><span class="tsBody500Medium">${escape(p.title)}</span></div></a>
    <div class="tsBodyMBold"><span><span style="color:var(--textPremium);">${p.rating.toFixed(1)}</span></span><span><span style="color:var(--textSecondary);">${p.reviews}&nbsp;отзывов</span></span></div></div>`;

export function ozonListing(
  kind: 'category' | 'search',
  key: string,
  pageNumber: number,
  nextHref?: string,
  version = 0,
): string {
  const ids = listingIds('ozon', `${kind}:${key}`, pageNumber, PER_PAGE, version);
  const tiles = ids.map((sku) => ozonTile(sku, productOf('ozon', sku, version))).join('\n');
  const next = nextHref ? `<a href="${escape(nextHref)}"><div><div>Дальше</div></div></a>` : '';
  return page(
    `${key} — купить на OZON`,
    `<div data-widget="searchResultsV2"><div data-widget="tileGridDesktop">${tiles}</div></div><div data-widget="megaPaginator">${next}</div>`,
    'ru',
  );
}

/** Ozon's antibot answer (served with HTTP 200 or 403): no products, a challenge. */
export const ozonBlockPage = (): string =>
  page(
    'Доступ ограничен',
    `<div id="challenge"><h1>Доступ ограничен</h1><p>Подтвердите, что вы не робот.</p></div>`,
    'ru',
  );

// ---- 1688 ---------------------------------------------------------------------------------

export function alibabaOffer(offerId: string, version = 0): string {
  const p = productOf('1688', offerId, version);
  return page(
    `${p.title} - 阿里巴巴`,
    `<div class="title-content"><h1 class="d-title">${escape(p.title)}</h1></div>
     <div class="price-content"><span class="price-text">${(p.priceMinor / 100).toFixed(2)}</span><span class="unit">元</span></div>
     <div class="company-name">${escape(p.seller)}</div><div class="sale-count">${p.reviews} 笔成交</div>
     <div class="detail-gallery"><img class="detail-gallery-img" src="/images/1688-${offerId}.jpg"></div>`,
    'zh-CN',
    'gbk',
  );
}

/** A search card as s.1688.com draws it: the offer id sits in the wrapper's analytics record. */
const alibabaCard = (offerId: string, p: DemoProduct): string =>
  `<div class="offer_exp" data-aplus-report="object_type@offer^object_id@${offerId}^_p_isad@0"><div class="offer_item" data-offer-id="${offerId}">
    <a href="/1688/offer/${offerId}.html"><div class="mainPic"><img src="/images/1688-${offerId}.jpg"></div></a>
    <div class="content"><a href="/1688/offer/${offerId}.html"><div class="title_txt"><span class="subject" title="${escape(p.title)}">${escape(p.title)}</span></div></a>
    <div class="price_line"><div class="price"><span class="price_tag">¥</span><span class="price_num">${(p.priceMinor / 100).toFixed(2)}</span></div>
    <span class="J_WangWang" data-nick="${encodeURIComponent(p.seller)}" data-encode="true"></span></div></div></div></div>`;

export function alibabaSearch(keywords: string, pageNumber: number, nextHref?: string, version = 0): string {
  const ids = listingIds('1688', `search:${keywords}`, pageNumber, PER_PAGE, version);
  const cards = ids.map((offerId) => alibabaCard(offerId, productOf('1688', offerId, version))).join('\n');
  return page(
    `${keywords} - 1688`,
    `<div id="offer-list">${cards}</div><div class="fui-paging">${nextLink(nextHref, '下一页', 'fui-next')}</div>`,
    'zh-CN',
    'gbk',
  );
}

/** 1688's slider captcha (the "punish" page served to a suspected bot). */
export const alibabaCaptcha = (): string =>
  page(
    '验证码拦截',
    `<div id="nocaptcha"><div id="nc_1_wrapper"><div class="nc-container"><span id="nc_1_n1z" class="nc_iconfont btn_slide"></span>
     <div class="scale_text">请按住滑块，拖动到最右边</div></div></div></div>`,
    'zh-CN',
    'gbk',
  );
