export * from './definition.ts';
export * from './registry.ts';
export * from './definition-store.ts';
export * from './schedule-text.ts';
export * from './watch-list.ts';
