export * from './due.ts';
export * from './slot.ts';
export * from './zoned-time.ts';
