export * from './concurrency.ts';
