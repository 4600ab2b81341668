export * from './browser-host.ts';
