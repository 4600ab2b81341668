export * from './catalog.ts';
export { LISTING_PAGES, PER_PAGE } from './pages.ts';
export * from './server.ts';
