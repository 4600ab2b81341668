export * from './history-error.ts';
export * from './history-table.ts';
export * from './snapshot-history.ts';
