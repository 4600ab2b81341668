export * from './change.ts';
export * from './item-state.ts';
export * from './detect-changes.ts';
export * from './settings.ts';
export * from './change-store.ts';
export * from './listing-baseline.ts';
export * from './change-recorder.ts';
