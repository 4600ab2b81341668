export * from './url-guard.ts';
export * from './domain-budget.ts';
export * from './page-failure.ts';
export * from './read-run-page.ts';
export * from './run-scraper.ts';
export * from './consume-run-message.ts';
export * from './scraper-config.ts';
export * from './create-run-scraper.ts';
