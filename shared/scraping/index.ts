export * from './url-guard.ts';
