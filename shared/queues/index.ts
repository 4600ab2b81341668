export * from './dead-letters.ts';
export * from './run-message.ts';
export * from './run-queue.ts';
export * from './send-run-messages.ts';
export * from './run-routing.ts';
