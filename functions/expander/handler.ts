/**
 * Placeholder until issue #5 lands: the infrastructure around this function (role, schedule or
 * event source, alarms) is real, the work is not. It fails loudly rather than pretending.
 */
export const handler = (): Promise<never> =>
  Promise.reject(new Error('The expander is not built yet (issue #5): this deployment creates no runs.'));
