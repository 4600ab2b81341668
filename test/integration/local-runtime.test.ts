import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime.ts';
import { DefinitionStore } from '../../shared/definitions/index.ts';
import type { ExpansionReport } from '../../shared/expansion/index.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';

describe('the local runtime', () => {
  const local = useLocalInfrastructure({ stage: 'runtime' });
  const printed: string[] = [];
  const folder = mkdtempSync(path.join(tmpdir(), 'shelfwatch-runtime-'));
  const logFile = path.join(folder, 'functions.log');
  let runtime: LocalRuntime;

  before(async () => {
    await new DefinitionStore({
      documents: local().clients.documents,
      tables: local().resources.tables,
    }).create(
      {
        id: 'hourly-teapots',
        platform: 'ozon',
        marketplace: 'RU',
        crawlType: 'search_result',
        target: 'чайник',
        schedule: { kind: 'every', everyHours: 1 },
      },
      Date.now(),
    );
    runtime = await startLocalRuntime({
      infrastructure: local(),
      logFile,
      print: (line) => printed.push(line),
      autoFire: false,
    });
  });
  after(async () => {
    await runtime.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('fires the real handlers as their schedules would, sending their JSON output to the log file', async () => {
    const report = (await runtime.fire('expander')) as ExpansionReport;
    assert.equal(report.slots[0]?.created, 1);
    await runtime.fire('monitor');
    const lines = readFileSync(logFile, 'utf8').trim().split('\n');
    assert.ok(lines.some((line) => line.includes('"ExpanderHeartbeat":1')));
    assert.ok(lines.some((line) => line.includes('"MonitorHeartbeat":1')));
    assert.equal(runtime.alarms.samplesOf('custom:MonitorHeartbeat').length, 1, 'EMF reached the evaluator');
    assert.equal(runtime.alarms.samplesOf('custom:RunsCreated')[0]?.value, 1);
    assert.equal(runtime.alarms.samplesOf('function:expander:Errors')[0]?.value, 0);
  });

  it('prints alarms going into ALARM: a DLQ message, and a monitor that has gone quiet', async () => {
    await local().clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: local().resources.queues.high.deadLetterUrl,
        MessageBody: '{"poison":true}',
      }),
    );
    const now = Date.now();
    // Sampled at one evaluation, judged at the next once its period is complete (as CloudWatch does).
    await runtime.evaluateAlarms(now + 5 * 60_000);
    const later = await runtime.evaluateAlarms(now + 10 * 60_000);
    assert.ok(later.some((t) => t.alarm === 'HighDeadLetters' && t.to === 'ALARM'));
    assert.ok(
      printed.some((line) =>
        /ALARM HighDeadLetters \[critical\].*Runbook: docs\/runbooks\/dead-letters\.md/.test(line),
      ),
    );
    // Twenty minutes without another monitor tick: its heartbeat alarm fires.
    const quiet = await runtime.evaluateAlarms(now + 25 * 60_000);
    assert.ok(
      quiet.some((t) => t.alarm === 'MonitorHeartbeatMissing' && t.to === 'ALARM'),
      JSON.stringify(quiet.map((t) => t.alarm)),
    );
    assert.ok(printed.some((line) => line.includes('ALARM MonitorHeartbeatMissing')));
  });
});
