export * from './token-scope.ts';
export * from './token-store.ts';
