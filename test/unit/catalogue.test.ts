import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resourceEnvironment, tableVariable } from '../../shared/aws/index.ts';
import { PRIORITIES } from '../../shared/definitions/index.ts';
import {
  ALARMS,
  assertValidStage,
  deadLetterQueueName,
  FUNCTIONS,
  queueName,
  QUEUES,
  SCHEDULES,
  tableName,
  type TableName,
  TABLES,
  topicName,
} from '../../shared/catalogue/index.ts';

const LONGEST_STAGE = 'a'.repeat(16);

describe('the resource catalogue', () => {
  it('gives every queue a visibility timeout of at least six times its consumer timeout', () => {
    const consumers = Object.values(FUNCTIONS).filter((fn) => fn.consumes.length > 0);
    for (const priority of PRIORITIES) {
      for (const consumer of consumers.filter((fn) =>
        (fn.consumes as readonly string[]).includes(priority),
      )) {
        assert.ok(QUEUES[priority].visibilityTimeoutSeconds >= 6 * consumer.timeoutSeconds, priority);
      }
    }
  });

  it('keeps high before normal before low in maximum concurrency', () => {
    assert.ok(QUEUES.high.maxConcurrency >= QUEUES.normal.maxConcurrency);
    assert.ok(QUEUES.normal.maxConcurrency >= QUEUES.low.maxConcurrency);
    for (const priority of PRIORITIES) assert.ok(QUEUES[priority].maxConcurrency >= 2, 'Lambda minimum is 2');
  });

  it('declares each index and TTL on attributes that are not the key of something else', () => {
    for (const [name, table] of Object.entries(TABLES)) {
      const names = table.indexes.map((index) => index.name);
      assert.equal(new Set(names).size, names.length, `${name} has duplicate index names`);
      if ('ttlAttribute' in table) {
        const keys = [table.partitionKey.name, ...table.indexes.map((index) => index.partitionKey.name)];
        assert.ok(!keys.includes(table.ttlAttribute), `${name}: TTL attribute is a key`);
      }
    }
  });

  it('produces names AWS accepts for the longest allowed stage', () => {
    for (const table of Object.keys(TABLES) as TableName[]) {
      assert.match(tableName(LONGEST_STAGE, table), /^[a-zA-Z0-9_.-]{3,255}$/);
    }
    for (const priority of PRIORITIES) {
      for (const name of [queueName(LONGEST_STAGE, priority), deadLetterQueueName(LONGEST_STAGE, priority)]) {
        assert.match(name, /^[a-zA-Z0-9_-]{1,80}$/);
      }
    }
    assert.match(topicName(LONGEST_STAGE, 'critical'), /^[a-zA-Z0-9_-]{1,256}$/);
    for (const name of Object.keys(FUNCTIONS)) assert.ok(`shelfwatch-${LONGEST_STAGE}-${name}`.length <= 64);
  });

  it('refuses a stage that would make an unsafe resource name', () => {
    for (const stage of ['', 'Prod', 'a b', '-x', 'x'.repeat(17), 'dev/../x']) {
      assert.throws(() => assertValidStage(stage), /stage ".*" is invalid/);
    }
    assert.doesNotThrow(() => assertValidStage('prod-eu1'));
  });

  it('aims every alarm at a declared function or queue, with a runbook and a sane threshold', () => {
    assert.ok(Object.keys(ALARMS).length > 0);
    for (const [name, alarm] of Object.entries(ALARMS)) {
      if (alarm.metric.kind === 'function') assert.ok(alarm.metric.function in FUNCTIONS, name);
      if (alarm.metric.kind === 'queue') assert.ok(PRIORITIES.includes(alarm.metric.priority), name);
      assert.match(alarm.runbook, /^[a-z0-9-]+$/, `${name} runbook id`);
      assert.ok(alarm.datapointsToAlarm <= alarm.evaluationPeriods, name);
      assert.ok(alarm.periodSeconds % 60 === 0, `${name}: CloudWatch periods are whole minutes`);
    }
  });

  it('has heartbeat alarms that treat silence as breaching for every scheduled function', () => {
    for (const schedule of Object.values(SCHEDULES)) {
      const heartbeat = Object.values(ALARMS).find(
        (alarm) =>
          alarm.metric.kind === 'custom' &&
          alarm.metric.name.toLowerCase() === `${schedule.target}heartbeat`.toLowerCase(),
      );
      assert.ok(heartbeat, `no heartbeat alarm for ${schedule.target}`);
      assert.equal(heartbeat.treatMissingData, 'breaching');
    }
  });

  it('reads resources back from the environment variables derived from it', () => {
    const resources = resourceEnvironment({
      SHELFWATCH_STAGE: 'x',
      [tableVariable('dueIndex')]: 'due-table',
    });
    assert.equal(tableVariable('dueIndex'), 'SHELFWATCH_TABLE_DUE_INDEX');
    assert.equal(resources.stage, 'x');
    assert.deepEqual(resources.tables, { dueIndex: 'due-table' });
  });
});
