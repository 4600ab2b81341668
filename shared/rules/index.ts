export * from './rule.ts';
export * from './evaluate-rule.ts';
export * from './rule-store.ts';
export * from './evaluate-rules.ts';
export * from './test-fire.ts';
