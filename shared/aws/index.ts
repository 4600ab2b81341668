export * from './clients.ts';
export * from './environment.ts';
