import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { type BuiltApp, buildApp } from '../../infra/build-app.ts';

export interface Synthesized extends BuiltApp {
  readonly template: Template;
  readonly json: Record<string, unknown>;
  readonly outdir: string;
  cleanup(): void;
}

/** Synthesizes the real app (cdk-nag attached) into a temporary folder. */
export function synthesize(context: Record<string, unknown> = {}): Synthesized {
  const outdir = mkdtempSync(path.join(tmpdir(), 'shelfwatch-cdk-'));
  const built = buildApp({ outdir, context });
  built.app.synth();
  const template = Template.fromStack(built.stack);
  return {
    ...built,
    template,
    json: template.toJSON(),
    outdir,
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

export type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

type RawResources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** The template's resources of one type, each with `Properties` (empty when absent). */
export const resourcesOf = (json: Record<string, unknown>, type: string): Resources =>
  Object.fromEntries(
    Object.entries(json.Resources as RawResources)
      .filter(([, resource]) => resource.Type === type)
      .map(([id, resource]) => [id, { Type: resource.Type, Properties: resource.Properties ?? {} }]),
  );
