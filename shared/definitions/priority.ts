/**
 * A definition's priority: which queue its runs go to and which consumers take them first. Plain
 * data with no imports, so the resource catalogue (which declares one queue per priority) can
 * import this file without loading the definition store.
 */
export const PRIORITIES = ['high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** The most attempts a definition may ask for (the queues' maxReceiveCount is derived from it). */
export const MAX_ATTEMPTS_LIMIT = 10;
