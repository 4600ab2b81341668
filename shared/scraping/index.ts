export * from './url-guard.ts';
export * from './domain-budget.ts';
