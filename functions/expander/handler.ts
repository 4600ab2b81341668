/**
 * Placeholder until issue #5 lands: the infrastructure around this function (role, schedule or
 * event source, alarms) is real, the work is not. It fails loudly rather than pretending.
 */
export const handler = async (): Promise<never> => {
  throw new Error('The expander is not built yet (issue #5): this deployment creates no runs.');
};
