export * from './create-stores.ts';
