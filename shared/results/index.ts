export * from './item-snapshot.ts';
export * from './item-store.ts';
export * from './run-summary.ts';
export * from './item.ts';
export * from './item-schema.ts';
