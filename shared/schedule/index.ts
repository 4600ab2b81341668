export * from './due.ts';
export * from './slot.ts';
export * from './zoned-time.ts';
export * from './schedule.ts';
export * from './schedule-text.ts';
