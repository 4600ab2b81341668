export * from './send-run-messages.ts';
