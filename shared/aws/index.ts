export * from './catalogue.ts';
export * from './clients.ts';
export * from './environment.ts';
