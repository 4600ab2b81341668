export * from './worker-store.ts';
