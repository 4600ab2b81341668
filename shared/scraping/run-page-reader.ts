/**
 * Reads a run's pages in its fetch mode (fetch-mode.ts): over HTTP, in the browser, or `auto`:
 *
 *   page N ──HTTP──▶ read well? ──yes──▶ the page (mode http)
 *                        │ no: blocked (captcha, 403/429), required fields missing, unknown layout
 *                        ▼
 *            escalate: page N again in the browser (JavaScript on), and every later page
 *
 * Transient and permanent HTTP failures (5xx, timeouts, 404, a refused redirect) are not
 * escalated: they are the page's failure, classed as in the browser. The HTTP session (cookies)
 * and the browser page (its context) live as long as the run's attempt.
 */
import type { FetchModeSetting } from '../definitions/index.ts';
import type { Run } from '../runs/index.ts';
import type { OpenPage } from './browser/lazy-page.ts';
import type { PageOptions } from './browser/browser-host.ts';
import type { Extractor, PageExtraction } from './extractors/index.ts';
import { type EscalationReason, escalationOf } from './fetch-mode.ts';
import type { HttpSession } from './http/index.ts';
import { PageFailure } from './page-failure.ts';
import { fetchRunPage, loadRunPage } from './read-run-page.ts';
import type { UrlCheckOptions } from './url-guard.ts';

/** Takes one request's worth of the domain's budget; throws HandBack when the run must wait. */
export type TakeBudget = (domain: string) => Promise<void>;

export interface PageRead {
  readonly extraction: PageExtraction;
  /** Set when HTTP did not read the page well and the browser read it instead. */
  readonly escalation?: EscalationReason;
}

export interface Escalation {
  readonly runId: string;
  readonly page: number;
  readonly url: string;
  readonly reason: EscalationReason;
  /** What HTTP gave: the failure's reason, or the page's completeness. */
  readonly detail: string;
}

export interface RunPageReaderOptions {
  readonly mode: FetchModeSetting;
  /** The run escalated on an earlier attempt (its checkpoint says so): browser from the start. */
  readonly escalated: boolean;
  readonly run: Run;
  readonly extractor: Extractor;
  /**
   * The run's browser page, opened at its first use; `javaScript` is set here. Without a browser
   * it throws HandBack('escalate'): the run goes to the browser queue.
   */
  readonly openPage: OpenPage;
  readonly pageOptions: Omit<PageOptions, 'javaScript'>;
  /** The run's HTTP session (one per attempt: its cookies); `takeBudget` is the reader's. */
  readonly newSession: (takeBudget: TakeBudget) => Promise<HttpSession>;
  readonly urlCheck?: UrlCheckOptions;
  /** Awaited before the browser reads the page (or the run is handed over): the run stores it. */
  readonly onEscalation?: (escalation: Escalation) => void | Promise<void>;
}

export class RunPageReader {
  private readonly options: RunPageReaderOptions;
  private escalated: boolean;
  private session: Promise<HttpSession> | undefined;
  private takeBudget: TakeBudget = () => Promise.resolve();

  constructor(options: RunPageReaderOptions) {
    this.options = options;
    this.escalated = options.escalated;
  }

  /** Reads page `pageNumber` at `url`, taking one budget token per request it sends. */
  async read(url: string, pageNumber: number, takeBudget: TakeBudget): Promise<PageRead> {
    this.takeBudget = takeBudget;
    const { mode } = this.options;
    if (mode === 'browser' || (mode === 'auto' && this.escalated)) {
      return { extraction: await this.readInBrowser(url, pageNumber) };
    }
    let overHttp: PageExtraction;
    try {
      overHttp = await this.readOverHttp(url, pageNumber);
    } catch (error) {
      const failure = error instanceof PageFailure ? error.failure : undefined;
      const reason =
        mode === 'auto' && failure ? escalationOf(this.options.extractor, { failure }) : undefined;
      if (!reason || !failure) throw error;
      return this.escalate(url, pageNumber, reason, failure.reason);
    }
    const reason =
      mode === 'auto' ? escalationOf(this.options.extractor, { extraction: overHttp }) : undefined;
    if (!reason) return { extraction: overHttp };
    return this.escalate(
      url,
      pageNumber,
      reason,
      `${overHttp.items.length} items, variant ${overHttp.variant ?? 'none'}`,
    );
  }

  private async escalate(
    url: string,
    pageNumber: number,
    reason: EscalationReason,
    detail: string,
  ): Promise<PageRead> {
    this.escalated = true;
    await this.options.onEscalation?.({
      runId: this.options.run.runId,
      page: pageNumber,
      url,
      reason,
      detail,
    });
    return { extraction: await this.readInBrowser(url, pageNumber), escalation: reason };
  }

  private async readInBrowser(url: string, pageNumber: number): Promise<PageExtraction> {
    const { run, extractor, urlCheck } = this.options;
    // Opened before the budget is taken: without a browser (the HTTP-only function) opening hands
    // the run over, and no request of the site's budget is spent on it.
    const page = await this.options.openPage({
      ...this.options.pageOptions,
      // An escalated run needs what HTTP could not give: the page as scripts leave it.
      javaScript: this.escalated || extractor.needsJavaScript === true,
    });
    await this.takeBudget(new URL(url).hostname);
    return loadRunPage(page, { run, extractor, url, pageNumber, ...(urlCheck ? { urlCheck } : {}) });
  }

  private async readOverHttp(url: string, pageNumber: number): Promise<PageExtraction> {
    const { run, extractor } = this.options;
    this.session ??= this.options.newSession((domain) => this.takeBudget(domain));
    return fetchRunPage(await this.session, { run, extractor, url, pageNumber });
  }
}
