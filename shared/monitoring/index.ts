export * from './alarm-forwarder.ts';
export * from './chat-webhook.ts';
export * from './metrics.ts';
