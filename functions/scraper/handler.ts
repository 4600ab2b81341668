/**
 * Placeholder until issue #9 lands: the infrastructure around this function (role, schedule or
 * event source, alarms) is real, the work is not. It fails loudly rather than pretending.
 */
export const handler = (): Promise<never> =>
  Promise.reject(
    new Error(
      'The scraper is not built yet (issue #9): this deployment scrapes nothing; messages stay on the queue.',
    ),
  );
