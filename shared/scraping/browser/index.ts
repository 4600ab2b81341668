export * from './browser-host.ts';
export * from './lazy-page.ts';
export * from './guard-proxy.ts';
