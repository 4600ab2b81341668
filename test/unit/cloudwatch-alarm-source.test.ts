import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { cloudWatchAlarmSource } from '../../shared/monitoring/alarm-source.ts';

describe('the deployed alarm source', () => {
  it("lists this stage's catalogue alarms in ALARM over every page, with their runbooks", async () => {
    const cloudwatch = mockClient(CloudWatchClient);
    cloudwatch
      .on(DescribeAlarmsCommand, { NextToken: undefined })
      .resolves({ MetricAlarms: [{ AlarmName: 'shelfwatch-prod-HighDeadLetters' }], NextToken: 'page-2' })
      .on(DescribeAlarmsCommand, { NextToken: 'page-2' })
      .resolves({
        MetricAlarms: [
          { AlarmName: 'shelfwatch-prod-SuccessRateLow' },
          { AlarmName: 'shelfwatch-prod-made-by-hand' },
        ],
      });
    const source = cloudWatchAlarmSource('prod', new CloudWatchClient({ region: 'eu-west-1' }));
    const firing = await source.firing();
    assert.deepEqual(
      firing.map((alarm) => [alarm.name, alarm.severity, alarm.runbook]),
      [
        ['shelfwatch-prod-HighDeadLetters', 'critical', 'dead-letters'],
        ['shelfwatch-prod-SuccessRateLow', 'critical', 'success-rate-low'],
      ],
    );
    const calls = cloudwatch.commandCalls(DescribeAlarmsCommand);
    assert.equal(calls.length, 2);
    assert.equal(calls[0]?.args[0].input.AlarmNamePrefix, 'shelfwatch-prod-');
    assert.equal(calls[0]?.args[0].input.StateValue, 'ALARM');
    cloudwatch.restore();
  });
});
