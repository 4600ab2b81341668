/**
 * Placeholder until issue #7 lands: the infrastructure around this function (role, schedule or
 * event source, alarms) is real, the work is not. It fails loudly rather than pretending.
 */
export const handler = (): Promise<never> =>
  Promise.reject(
    new Error('The monitor is not built yet (issue #7): this deployment emits no health metrics.'),
  );
