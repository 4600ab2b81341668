import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { buildApp } from '../../infra/build-app.ts';

const temporaryOutdir = () => mkdtempSync(path.join(tmpdir(), 'shelfwatch-nag-'));

interface ValidationReport {
  pluginReports: { pluginName: string; violations: { ruleName: string }[] }[];
}

describe('cdk-nag AwsSolutions checks', () => {
  it('find nothing in the stack, with no acknowledgement anywhere', () => {
    const outdir = temporaryOutdir();
    try {
      const { app } = buildApp({ outdir, context: { stage: 'nag', alarmEmail: 'oncall@example.com' } });
      app.synth();
      const report = JSON.parse(
        readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'),
      ) as ValidationReport;
      assert.deepEqual(report.pluginReports, []);
      const tree = readFileSync(path.join(outdir, 'tree.json'), 'utf8');
      assert.ok(!tree.includes('aws:cdk:acknowledged-rules'), 'no rule is acknowledged (suppressed)');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('stop synthesis when a resource breaks a rule (so the check above is not vacuous)', () => {
    const outdir = temporaryOutdir();
    try {
      const { app, stack } = buildApp({ outdir, context: { stage: 'nag' } });
      new Queue(stack, 'UnencryptedQueueWithoutDlq', { enforceSSL: false });
      assert.throws(() => app.synth(), /Validation failed/i);
      const report = JSON.parse(
        readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'),
      ) as ValidationReport;
      const rules = report.pluginReports.flatMap((plugin) => plugin.violations.map((v) => v.ruleName));
      assert.ok(
        rules.some((rule) => rule.includes('SQS3')),
        `expected the DLQ rule among ${rules.join(', ')}`,
      );
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
