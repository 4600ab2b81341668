export * from './item-snapshot.ts';
export * from './item-store.ts';
