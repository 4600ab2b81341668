export * from './extractor.ts';
export * from './extract-page.ts';
export * from './normalize.ts';
export * from './page-reading.ts';
export * from './read-html.ts';
export * from './read-page.ts';
export * from './registry.ts';

// Platforms register their extractors when imported.
import './amazon/index.ts';
export * from './ozon/index.ts';
export * from './alibaba1688/index.ts';
export * from './item-record.ts';
