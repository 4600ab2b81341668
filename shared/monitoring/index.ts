export * from './alarm-forwarder.ts';
export * from './chat-webhook.ts';
export * from './create-monitor.ts';
export * from './metrics.ts';
export * from './monitor.ts';
export * from './alarm-evaluator.ts';
export * from './daily-report.ts';
export * from './alarm-source.ts';
