import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ALARMS } from '../../shared/catalogue/index.ts';

const RUNBOOKS = path.join(import.meta.dirname, '../../docs/runbooks');
const runbookFiles = readdirSync(RUNBOOKS).filter((file) => file.endsWith('.md') && file !== 'README.md');

describe('runbooks for on-call', () => {
  it('exist for every alarm of the catalogue', () => {
    for (const [alarm, declaration] of Object.entries(ALARMS)) {
      assert.ok(
        existsSync(path.join(RUNBOOKS, `${declaration.runbook}.md`)),
        `${alarm} has no runbook ${declaration.runbook}.md`,
      );
    }
  });

  it('belong to an alarm: no runbook is orphaned', () => {
    const used = new Set(Object.values(ALARMS).map((alarm) => alarm.runbook));
    for (const file of runbookFiles)
      assert.ok(used.has(file.replace(/\.md$/, '')), `${file} belongs to no alarm`);
  });

  it('name each of their alarms and say what to look at first, how to fix and how to verify', () => {
    for (const [alarm, declaration] of Object.entries(ALARMS)) {
      const text = readFileSync(path.join(RUNBOOKS, `${declaration.runbook}.md`), 'utf8');
      assert.ok(text.includes(alarm), `${declaration.runbook}.md does not name ${alarm}`);
      for (const section of ['## What it means', '## First look', '## Likely causes', '## Verify']) {
        assert.ok(text.includes(section), `${declaration.runbook}.md lacks "${section}"`);
      }
      assert.match(text, /```bash\n/, `${declaration.runbook}.md has no commands`);
    }
  });

  it('are all listed in the index with their severity', () => {
    const index = readFileSync(path.join(RUNBOOKS, 'README.md'), 'utf8');
    for (const [alarm, declaration] of Object.entries(ALARMS)) {
      const row = index.split('\n').find((line) => line.includes(alarm) && line.startsWith('|'));
      assert.ok(row, `index misses ${alarm}`);
      assert.ok(row.includes(declaration.severity) && row.includes(`${declaration.runbook}.md`), row);
    }
  });
});
