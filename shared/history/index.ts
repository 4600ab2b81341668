export * from './history-destination.ts';
export * from './history-error.ts';
export * from './history-export.ts';
export * from './history-query.ts';
export * from './history-reader.ts';
export * from './history-table.ts';
export * from './parquet-writer.ts';
export * from './snapshot-history.ts';
