/**
 * Ozon's block pages: Cloudflare's "Please Wait… | Cloudflare" / "Just a moment" JavaScript
 * challenge, Ozon's own antibot page ("Доступ ограничен"), and captcha widgets.
 *
 * Content beats a challenge marker: a rule applies only to a page without products (no tiles, no
 * product heading, no listing state JSON). Saved pages show why: ozon-search-2.html carries a
 * Cloudflare "Please Wait" head over a body of 36 real tiles (a page saved mid-challenge), and
 * such a page is read, not reported as blocked.
 */
import type { BlockRule } from '../extractor.ts';

const WITHOUT_PRODUCTS =
  'html:not(:has([data-widget="searchResultsV2"] a[href*="/product/"], [data-widget="tileGridDesktop"] a[href*="/product/"], .tile-root, [data-widget="webProductHeading"], div[id^="state-searchResultsV2"], div[id^="state-tileGridDesktop"], div[id^="state-webProductHeading"]))';

export const OZON_BLOCKS: readonly BlockRule[] = [
  {
    reason: 'captcha',
    selector: `${WITHOUT_PRODUCTS} :is(iframe[src*="captcha"], iframe[src*="challenges.cloudflare.com"], .cf-turnstile, .h-captcha, .g-recaptcha, form[action*="captcha"], #captcha)`,
  },
  {
    reason: 'robot-check',
    selector: WITHOUT_PRODUCTS,
    textPattern:
      'Please Wait\\.*\\s*\\|\\s*Cloudflare|Just a moment\\.\\.\\.|Checking your browser|Доступ ограничен|Подтвердите, что вы не робот|Antibot Challenge',
  },
];
