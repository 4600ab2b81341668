export * from './alarm-forwarder.ts';
export * from './chat-webhook.ts';
