export * from './seed-task.ts';
export * from './settings.ts';
export * from './snapshot-ingest.ts';
export * from './task-broker.ts';
export * from './worker-store.ts';
