export * from './cursor.ts';
export * from './cursor-key-store.ts';
export * from './cursor-seal.ts';
