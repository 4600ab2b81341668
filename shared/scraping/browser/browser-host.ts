/**
 * One headless Chromium per process (per warm Lambda container), reused across invocations:
 * the Lambda build from @sparticuz/chromium, locally and in tests too. Each unit of work gets an
 * isolated browser context (its own cookies, cache and storage) that is closed afterwards, so
 * nothing leaks from one run to the next. The browser is recycled after a number of pages, and
 * relaunched if it crashes or disconnects. Images, media and fonts are not downloaded unless the
 * caller asks for them. Given `urlCheck`, every request goes through the SSRF guard proxy
 * (guard-proxy.ts), one per launched browser, unless an operator proxy is configured.
 */
import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser, type HTTPRequest, type Page, type ResourceType } from 'puppeteer-core';
import { SCRAPER_DEFAULTS } from '../scraper-config.ts';
import type { UrlCheckOptions } from '../url-guard.ts';
import { type GuardProxy, startGuardProxy } from './guard-proxy.ts';

export interface BrowserHostOptions {
  /** Relaunch the browser after this many pages (bounds memory growth). Default: SCRAPER_DEFAULTS. */
  readonly recycleAfterPages?: number;
  /** Extra Chromium flags (e.g. --host-resolver-rules to pin DNS answers). */
  readonly extraArgs?: readonly string[];
  /** Where @sparticuz/chromium's `bin` folder is, when not in node_modules (the Lambda bundle). */
  readonly chromiumBinPath?: string;
  /** The outbound proxy, asked for at every launch (so a rotated secret applies at the next recycle). */
  readonly resolveProxy?: () => Promise<BrowserProxy | undefined>;
  /**
   * The SSRF guard for everything the browser requests: with it (and no outbound proxy), Chromium
   * goes through a guard proxy (guard-proxy.ts) that resolves each host once, checks every address
   * and connects to the checked one. The scrapers always pass it; without it nothing is checked
   * beyond `allowRequest` (tests of extractors on loopback pages).
   */
  readonly urlCheck?: UrlCheckOptions;
}

export interface BrowserProxy {
  /** `scheme://host:port`, no credentials. */
  readonly server: string;
  readonly username?: string;
  readonly password?: string;
}

export interface PageOptions {
  /** Resource types to load anyway (by default images, media and fonts are blocked). */
  readonly allowResourceTypes?: readonly ResourceType[];
  /** Decides, per request URL, whether it may go out (the SSRF guard for subresources). */
  readonly allowRequest?: (url: string) => boolean;
  readonly userAgent?: string;
  /** Default: SCRAPER_DEFAULTS. */
  readonly navigationTimeoutMs?: number;
  /** Run the page's scripts (default true). Server-rendered pages read faster, and safer, without. */
  readonly javaScript?: boolean;
}

/**
 * Flags of @sparticuz/chromium's defaults that Shelfwatch drops: --single-process cannot create a
 * second browser context (Target.createTarget fails), and scraped pages are untrusted, so the web
 * security model stays on.
 */
const DROPPED_FLAGS = new Set([
  '--single-process',
  '--disable-web-security',
  '--allow-running-insecure-content',
]);

const BLOCKED_BY_DEFAULT: readonly ResourceType[] = ['image', 'media', 'font'];

/** Flags for a closed network: no background traffic, no component updates, no first-run UI. */
const QUIET_FLAGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * The Chromium flags Shelfwatch launches with: @sparticuz/chromium's defaults, less the dropped
 * ones, plus the quiet ones (exported so the benchmark can give Crawlee the very same flags).
 */
export function chromiumFlags(extraArgs: readonly string[] = []): string[] {
  return [...chromium.args.filter((flag) => !DROPPED_FLAGS.has(flag)), ...QUIET_FLAGS, ...extraArgs];
}

const passedBy = (guard: GuardProxy | undefined): number =>
  guard ? guard.stats().tunnels + guard.stats().forwarded : 0;

export interface BrowserHostStats {
  readonly launches: number;
  readonly pagesServed: number;
  readonly contextsOpen: number;
  /** Requests refused by `allowRequest`, by resource type, or by the guard proxy. */
  readonly blockedRequests: number;
  /** Requests and tunnels the guard proxy checked and let through (0 when it is not in front). */
  readonly guardedRequests: number;
}

export class BrowserHost {
  private readonly options: BrowserHostOptions;
  private browser: Browser | undefined;
  private proxy: BrowserProxy | undefined;
  private launching: Promise<Browser> | undefined;
  private launches = 0;
  private pagesServed = 0;
  private pagesOnThisBrowser = 0;
  private contextsOpen = 0;
  private blockedRequests = 0;
  private guard: GuardProxy | undefined;
  /** Refusals of the guard proxies already stopped (one per launch). */
  private refusedByStoppedGuards = 0;
  private passedByStoppedGuards = 0;

  constructor(options: BrowserHostOptions = {}) {
    this.options = options;
  }

  /** Runs `work` with a fresh page in a fresh, isolated context; closes both afterwards. */
  async withPage<T>(options: PageOptions, work: (page: Page) => Promise<T>): Promise<T> {
    const browser = await this.ensureBrowser();
    const context = await browser.createBrowserContext();
    this.contextsOpen += 1;
    try {
      const page = await context.newPage();
      page.setDefaultNavigationTimeout(
        options.navigationTimeoutMs ?? SCRAPER_DEFAULTS.navigationTimeoutSeconds * 1000,
      );
      if (options.userAgent) await page.setUserAgent({ userAgent: options.userAgent });
      if (options.javaScript === false) await page.setJavaScriptEnabled(false);
      const { proxy } = this;
      if (proxy?.username && proxy.password) {
        await page.authenticate({ username: proxy.username, password: proxy.password });
      }
      const allowedTypes = new Set(options.allowResourceTypes ?? []);
      await page.setRequestInterception(true);
      page.on('request', (request: HTTPRequest) => {
        if (request.isInterceptResolutionHandled()) return;
        const type = request.resourceType();
        const blockedType = BLOCKED_BY_DEFAULT.includes(type) && !allowedTypes.has(type);
        const refused = options.allowRequest ? !options.allowRequest(request.url()) : false;
        if (blockedType || refused) {
          this.blockedRequests += 1;
          void request.abort('blockedbyclient').catch(() => undefined);
        } else {
          void request.continue().catch(() => undefined);
        }
      });
      return await work(page);
    } finally {
      await context.close().catch(() => undefined); // a crashed browser has no context left to close
      this.contextsOpen -= 1;
      this.pagesServed += 1;
      this.pagesOnThisBrowser += 1;
      if (
        this.pagesOnThisBrowser >= (this.options.recycleAfterPages ?? SCRAPER_DEFAULTS.recycleAfterPages) &&
        this.contextsOpen === 0
      ) {
        await this.close();
      }
    }
  }

  stats(): BrowserHostStats {
    return {
      launches: this.launches,
      pagesServed: this.pagesServed,
      contextsOpen: this.contextsOpen,
      blockedRequests:
        this.blockedRequests + this.refusedByStoppedGuards + (this.guard?.stats().refused ?? 0),
      guardedRequests: this.passedByStoppedGuards + passedBy(this.guard),
    };
  }

  /** The running browser's process id (tests kill it to prove recovery). */
  processId(): number | undefined {
    return this.browser?.process()?.pid;
  }

  async close(): Promise<void> {
    const browser = this.browser;
    this.browser = undefined;
    this.pagesOnThisBrowser = 0;
    if (browser) await browser.close().catch(() => undefined);
    await this.stopGuard();
  }

  private async stopGuard(): Promise<void> {
    const guard = this.guard;
    this.guard = undefined;
    if (!guard) return;
    this.refusedByStoppedGuards += guard.stats().refused;
    this.passedByStoppedGuards += passedBy(guard);
    await guard.stop();
  }

  private async ensureBrowser(): Promise<Browser> {
    if (this.browser?.connected) return this.browser;
    this.launching ??= this.launch().finally(() => {
      this.launching = undefined;
    });
    return this.launching;
  }

  private async launch(): Promise<Browser> {
    const proxy = await this.options.resolveProxy?.();
    await this.stopGuard(); // the guard of a browser that crashed or disconnected
    // An operator's proxy resolves names in its own network: the guard proxy cannot pin them.
    const { urlCheck } = this.options;
    const guard = !proxy && urlCheck ? await startGuardProxy({ urlCheck }) : undefined;
    this.guard = guard;
    const server = proxy?.server ?? guard?.url;
    // Everything goes through the proxy: no implicit exception for loopback.
    const proxyArgs = server ? [`--proxy-server=${server}`, '--proxy-bypass-list=<-loopback>'] : [];
    let browser: Browser;
    try {
      browser = await puppeteer.launch({
        executablePath: await chromium.executablePath(this.options.chromiumBinPath),
        args: chromiumFlags([...proxyArgs, ...(this.options.extraArgs ?? [])]),
        headless: 'shell',
        defaultViewport: { width: 1366, height: 900 },
      });
    } catch (error) {
      await this.stopGuard();
      throw error;
    }
    this.launches += 1;
    this.pagesOnThisBrowser = 0;
    this.proxy = proxy;
    browser.on('disconnected', () => {
      if (this.browser === browser) this.browser = undefined;
    });
    this.browser = browser;
    return browser;
  }
}
