/** Alarms in state ALARM, for the monitor page and `shelfwatch stats`. */
import type { ApiDependencies } from '../dependencies.ts';
import { defineRoute, type Route } from '../route.ts';

export function alarmRoutes(deps: ApiDependencies): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/alarms',
      tag: 'alarms',
      scope: 'operator',
      mutates: false,
      summary: "Alarms in state ALARM, with severity and runbook; `available: false` when they can't be read",
      async handle() {
        return { available: deps.alarms.available, alarms: await deps.alarms.firing() };
      },
    }),
  ];
}
