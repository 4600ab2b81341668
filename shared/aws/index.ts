export * from './catalogue.ts';
export * from './clients.ts';
export * from './environment.ts';
export * from './concurrency.ts';
export * from './pagination.ts';
