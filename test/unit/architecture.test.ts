/**
 * The folder map of docs/architecture.md, enforced: every relative import (static, re-export,
 * side-effect or dynamic `import()`) of shared/, functions/, infra/, local/, cli/, bench/ and
 * demo-shop/ must go to a folder its row allows, through that folder's index.ts (or a listed
 * file); the map itself must have no cycle. The doc's tables are the only declaration of the map.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOC = 'docs/architecture.md';
const SCANNED = ['shared', 'functions', 'infra', 'local', 'cli', 'bench', 'demo-shop'];

interface FolderRule {
  readonly allows: readonly string[];
  readonly except: readonly string[];
}

/** The rows of the markdown table that follows `marker`, each split into trimmed cells. */
function tableAfter(text: string, marker: string): string[][] {
  const start = text.indexOf(marker);
  assert.notEqual(start, -1, `${DOC} has no table marked '${marker}'`);
  const lines = text.slice(start).split('\n').slice(1);
  while (lines[0]?.trim() === '') lines.shift();
  const rows = lines.slice(
    0,
    lines.findIndex((line) => !line.startsWith('|')),
  );
  return rows.slice(2).map((row) =>
    row
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim()),
  );
}

const codeSpans = (cell: string): string[] =>
  [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string);

function readMap(): { folders: Map<string, FolderRule>; files: Map<string, readonly string[]> } {
  const text = readFileSync(path.join(ROOT, DOC), 'utf8');
  const folders = new Map<string, FolderRule>();
  for (const [folder = '', , imports = ''] of tableAfter(text, '<!-- folder-map:')) {
    const [allowed = '', excepted = ''] = imports.split(' except ');
    folders.set(codeSpans(folder)[0] ?? folder, { allows: codeSpans(allowed), except: codeSpans(excepted) });
  }
  const files = new Map<string, readonly string[]>();
  for (const [file = '', importers = ''] of tableAfter(text, '<!-- file-imports:')) {
    files.set(codeSpans(file)[0] ?? file, codeSpans(importers));
  }
  return { folders, files };
}

/** `shared/<concept>` for shared files, else the top-level folder. */
const folderOf = (file: string): string => {
  const [top = '', second] = file.split('/');
  return top === 'shared' && second !== undefined && !second.endsWith('.ts') ? `shared/${second}` : top;
};

const matches = (pattern: string, folder: string): boolean =>
  pattern.endsWith('/*') ? folder.startsWith(pattern.slice(0, -1)) : folder === pattern;

const sourceFiles = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(relative);
    return /\.m?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [relative] : [];
  });

interface Edge {
  readonly file: string;
  readonly line: number;
  readonly spec: string;
  readonly target: string;
  readonly from: string;
  readonly to: string;
}

function edges(): Edge[] {
  return SCANNED.flatMap(sourceFiles).flatMap((file) => {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    return ts
      .preProcessFile(text, true, true)
      .importedFiles.filter((ref) => ref.fileName.startsWith('.'))
      .map((ref) => {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), ref.fileName));
        const line = text.slice(0, ref.pos).split('\n').length;
        return { file, line, spec: ref.fileName, target, from: folderOf(file), to: folderOf(target) };
      })
      .filter((edge) => edge.from !== edge.to);
  });
}

function violation(edge: Edge, map: ReturnType<typeof readMap>): string | undefined {
  const rule = map.folders.get(edge.from);
  if (!rule) return `${edge.from} has no row in the folder map of ${DOC}`;
  const allowed =
    rule.allows.some((p) => matches(p, edge.to)) && !rule.except.some((p) => matches(p, edge.to));
  if (!allowed) return `${edge.from} may not import ${edge.to} (folder map in ${DOC})`;
  const throughIndex = /\/index\.ts$/.test(edge.target) || !edge.to.startsWith('shared/');
  const listed = map.files.get(edge.target)?.includes(edge.from) ?? false;
  if (!throughIndex && !listed) {
    return `import ${edge.to}/index.ts, not ${edge.target} (or list the file in ${DOC} with why)`;
  }
  return undefined;
}

describe('the folder map', () => {
  const map = readMap();

  it('names every folder under shared/ and every scanned root', () => {
    const shared = readdirSync(path.join(ROOT, 'shared'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `shared/${entry.name}`);
    const missing = [...shared, ...SCANNED.filter((root) => root !== 'shared')].filter(
      (f) => !map.folders.has(f),
    );
    assert.deepEqual(missing, [], `add a row for each to the folder map of ${DOC}`);
  });

  it('has no cycle between folders', () => {
    const state = new Map<string, 'open' | 'done'>();
    const visit = (folder: string, trail: readonly string[]): void => {
      if (state.get(folder) === 'done') return;
      assert.notEqual(
        state.get(folder),
        'open',
        `cycle in the folder map: ${[...trail, folder].join(' -> ')}`,
      );
      state.set(folder, 'open');
      const rule = map.folders.get(folder);
      const targets = [...map.folders.keys()].filter(
        (other) =>
          other !== folder &&
          rule?.allows.some((p) => matches(p, other)) === true &&
          !rule.except.some((p) => matches(p, other)),
      );
      for (const target of targets) visit(target, [...trail, folder]);
      state.set(folder, 'done');
    };
    for (const folder of map.folders.keys()) visit(folder, []);
  });

  it('is followed by every import, static or dynamic', () => {
    const broken = edges().flatMap((edge) => {
      const why = violation(edge, map);
      return why ? [`${edge.file}:${edge.line} imports '${edge.spec}': ${why}`] : [];
    });
    assert.deepEqual(broken, [], `\n${broken.join('\n')}\n`);
  });

  it('catches what it is for: a folder cycle, shared importing a root, a concept importing api, the CLI importing api', () => {
    const probe = (from: string, target: string) =>
      violation({ file: `${from}/x.ts`, line: 1, spec: '', target, from, to: folderOf(target) }, map);
    assert.ok(
      probe('shared/schedule', 'shared/definitions/index.ts'),
      'schedule -> definitions closes a cycle',
    );
    assert.ok(probe('shared/runs', 'local/runtime.ts'), 'shared -> local');
    assert.ok(probe('shared/queues', 'functions/api/handler.ts'), 'shared -> functions');
    assert.ok(probe('shared/workers', 'shared/api/index.ts'), 'a concept -> api');
    assert.ok(probe('cli', 'shared/api/index.ts'), 'cli -> shared/api');
    assert.ok(probe('shared/monitoring', 'shared/runs/run-store.ts'), 'a file behind an index');
    assert.equal(probe('shared/api', 'shared/runs/index.ts'), undefined);
  });
});
