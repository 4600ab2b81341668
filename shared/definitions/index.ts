export * from './definition.ts';
export * from './registry.ts';
export * from './definition-store.ts';
export * from './watch-list.ts';
export * from './priority.ts';
export * from './visible-text.ts';
export * from './fetch-mode.ts';
