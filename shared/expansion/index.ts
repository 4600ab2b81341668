export * from './expander.ts';
export * from './watermark.ts';
export * from './create-expander.ts';
export * from './expander-event.ts';
export * from './settings.ts';
