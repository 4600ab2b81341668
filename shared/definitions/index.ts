export * from './definition.ts';
export * from './registry.ts';
export * from './definition-store.ts';
