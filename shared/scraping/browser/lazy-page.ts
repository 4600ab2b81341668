/**
 * A browser page opened only if the work asks for one — an `auto` run that never escalates never
 * starts Chromium — and closed (its context with it) when the work ends, as `withPage` does.
 */
import type { Page } from 'puppeteer-core';
import type { BrowserHost, PageOptions } from './browser-host.ts';

/** Opens the page at the first call (later calls get the same page, whatever their options). */
export type OpenPage = (options: PageOptions) => Promise<Page>;

export async function withLazyPage<T>(
  browser: Pick<BrowserHost, 'withPage'>,
  work: (openPage: OpenPage) => Promise<T>,
): Promise<T> {
  let opened: Promise<Page> | undefined;
  let session: Promise<void> | undefined;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const openPage: OpenPage = (options) => {
    opened ??= new Promise<Page>((resolve, reject) => {
      session = browser
        .withPage(options, (page) => {
          resolve(page);
          return finished;
        })
        .catch(reject); // before the page was handed over: the caller's error; after: nothing to do
    });
    return opened;
  };
  try {
    return await work(openPage);
  } finally {
    finish();
    await session;
  }
}
