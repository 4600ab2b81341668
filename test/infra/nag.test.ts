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

type Metadata = Record<string, { type: string; data: Record<string, string> }[]>;

describe('cdk-nag AwsSolutions checks', () => {
  it('find nothing in the stack but the acknowledged findings listed here, each with its written reason', () => {
    const outdir = temporaryOutdir();
    try {
      const { app } = buildApp({
        outdir,
        context: {
          stage: 'nag',
          alarmEmail: 'oncall@example.com',
          alarmWebhookSecretName: 'shelfwatch/nag/webhook',
          proxySecretName: 'shelfwatch/nag/proxy',
          // The webhook sender's secret grants, checked too.
          webhooks: 'team-json,ops-slack',
        },
      });
      app.synth();
      const report = JSON.parse(
        readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'),
      ) as ValidationReport;
      assert.deepEqual(
        report.pluginReports.flatMap((plugin) => plugin.violations),
        [],
        'no unacknowledged finding',
      );
      const metadata = JSON.parse(
        readFileSync(path.join(outdir, 'Shelfwatch-nag.metadata.json'), 'utf8'),
      ) as Metadata;
      const acknowledged = Object.entries(metadata).flatMap(([construct, entries]) =>
        entries
          .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
          .flatMap((entry) =>
            Object.entries(entry.data).map(([rule, reason]) => ({ construct, rule, reason })),
          ),
      );
      assert.deepEqual(
        acknowledged.map(({ construct, rule }) => [construct, rule.replace(/<Buckets[^>]+>/, '<bucket>')]),
        [
          ['/Shelfwatch-nag/FailureQueues/historyFailures', 'Annotation::AwsSolutions-SQS3'],
          ['/Shelfwatch-nag/FailureQueues/notifierFailures', 'Annotation::AwsSolutions-SQS3'],
          ['/Shelfwatch-nag/Buckets/access-logs', 'Annotation::AwsSolutions-S1'],
          [
            '/Shelfwatch-nag/Functions/monitor-reports-writes',
            'Annotation::AwsSolutions-IAM5[Resource::<bucket>/reports/*]',
          ],
          [
            '/Shelfwatch-nag/Functions/api-alarm-states',
            'Annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:shelfwatch-nag-*]',
          ],
          [
            '/Shelfwatch-nag/Functions/api-history-queries',
            'Annotation::AwsSolutions-IAM5[Resource::<bucket>/snapshots/*]',
          ],
          [
            '/Shelfwatch-nag/Functions/api-history-queries',
            'Annotation::AwsSolutions-IAM5[Resource::<bucket>/changes/*]',
          ],
          [
            '/Shelfwatch-nag/Functions/api-history-queries',
            'Annotation::AwsSolutions-IAM5[Resource::<bucket>/athena/*]',
          ],
          [
            '/Shelfwatch-nag/Functions/history-history-writes',
            'Annotation::AwsSolutions-IAM5[Resource::<bucket>/snapshots/v1/*]',
          ],
          [
            '/Shelfwatch-nag/Functions/history-history-writes',
            'Annotation::AwsSolutions-IAM5[Resource::<bucket>/changes/v1/*]',
          ],
          [
            '/Shelfwatch-nag/Functions/historyCompactor-history-compaction',
            'Annotation::AwsSolutions-IAM5[Resource::<bucket>/snapshots/v1/*]',
          ],
          [
            '/Shelfwatch-nag/Functions/historyCompactor-history-compaction',
            'Annotation::AwsSolutions-IAM5[Resource::<bucket>/changes/v1/*]',
          ],
          ['/Shelfwatch-nag/HttpApi/api', 'Annotation::AwsSolutions-APIG4'],
        ],
      );
      for (const { reason } of acknowledged) assert.ok(reason.length > 40, `a written reason: ${reason}`);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('find nothing unacknowledged when the CLI names an account and a region, as `cdk synth` does', () => {
    const outdir = temporaryOutdir();
    const saved = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
    process.env.CDK_DEFAULT_ACCOUNT = '123456789012';
    process.env.CDK_DEFAULT_REGION = 'eu-central-1';
    try {
      // Bundling skipped: the findings are about the template, not the code inside the assets.
      const { app } = buildApp({ outdir, context: { stage: 'nag', 'aws:cdk:bundling-stacks': [] } });
      app.synth();
      const report = JSON.parse(
        readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'),
      ) as ValidationReport;
      assert.deepEqual(
        report.pluginReports.flatMap((plugin) => plugin.violations),
        [],
        'no unacknowledged finding',
      );
    } finally {
      for (const [key, value] of [
        ['CDK_DEFAULT_ACCOUNT', saved.account],
        ['CDK_DEFAULT_REGION', saved.region],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
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
