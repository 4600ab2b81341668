/**
 * 1688's block pages: the slider captcha of its "punish" flow (x5sec; the slider's handle is
 * `#nc_1_n1z`), and the login wall (a redirect to login.1688.com, whose form sits in an iframe
 * of login.taobao.com). As on Ozon, content beats a marker: the saved search page 1688-search-1
 * holds a baxia dialog iframe pointing at `…/punish?x5secdata=…` beside its 20 offers, and is
 * read. The parser also checks the final URL (login.1688.com, `/punish`, `_____tmd_____`).
 */
import type { BlockReason, BlockRule } from '../extractor.ts';

const WITHOUT_OFFERS =
  'html:not(:has(.offer_item, [data-aplus-report*="object_id@"], h1.d-title, .title-content h1, .od-pc-offer-title-contain))';

export const ALIBABA_BLOCKS: readonly BlockRule[] = [
  {
    reason: 'captcha',
    selector: `${WITHOUT_OFFERS} :is(#nc_1_n1z, #nc_1_wrapper, .nc-container, #baxia-punish, iframe[src*="/punish"], [src*="x5secdata"], form[action*="punish"])`,
  },
  {
    reason: 'captcha',
    selector: WITHOUT_OFFERS,
    textPattern: '请拖动下方滑块|按住滑块|滑动验证|unusual traffic from your network',
  },
  {
    reason: 'login-wall',
    selector: `${WITHOUT_OFFERS} :is(iframe[src*="login.taobao.com"], iframe[src*="login.1688.com"], form[action*="login.1688.com"], #loginchina)`,
  },
  { reason: 'login-wall', selector: WITHOUT_OFFERS, textPattern: '密码登录|扫码登录|短信登录' },
];

/** A block told by where the browser ended up (the page itself may be near empty). */
export function blockOfUrl(url: string): BlockReason | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (/^login\.(1688|taobao)\.com$/i.test(parsed.hostname)) return 'login-wall';
  if (/\/punish|_____tmd_____/i.test(parsed.pathname) || parsed.searchParams.has('x5secdata'))
    return 'captcha';
  return undefined;
}
