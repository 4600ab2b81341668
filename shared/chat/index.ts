export * from './chat-request.ts';
