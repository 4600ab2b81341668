export * from './catalogue.ts';
export * from './environment.ts';
