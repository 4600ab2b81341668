export * from './errors.ts';
export * from './failure.ts';
export * from './run.ts';
export * from './run-store.ts';
export * from './status.ts';
export * from './run-batches.ts';
