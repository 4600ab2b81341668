/**
 * The OpenAPI document and docs/api.md say what each query parameter of the history export and of
 * an item's change listing is: generated from the routes' own schemas, so a parameter added to a
 * schema without a word about it fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { type ApiDependencies, apiRoutes, openApiDocument } from '../../shared/api/index.ts';

interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required: boolean;
  readonly description?: string;
  readonly schema: { enum?: string[] };
}
type Operation = { parameters: Parameter[]; description?: string };

const API_DOC = readFileSync(path.resolve(import.meta.dirname, '../../docs/api.md'), 'utf8');
// Building the routes touches none of their dependencies: only handlers do.
const document = openApiDocument(apiRoutes({} as ApiDependencies)) as {
  paths: Record<string, Record<string, Operation>>;
};
const operation = (route: string, method = 'get'): Operation =>
  document.paths[route]?.[method] ?? assert.fail(`${method.toUpperCase()} ${route} is not in the document`);

/** The part of docs/api.md under a `###` heading, up to the next heading. */
function section(heading: string): string {
  const start = API_DOC.indexOf(`\n### ${heading}\n`);
  assert.ok(start >= 0, `docs/api.md has a "${heading}" section`);
  const end = API_DOC.indexOf('\n#', start + heading.length + 6);
  return API_DOC.slice(start, end < 0 ? undefined : end);
}

describe('the OpenAPI document and docs/api.md', () => {
  it('describe every query parameter of GET /exports, table included', () => {
    const parameters = operation('/exports').parameters;
    assert.deepEqual(parameters.map((parameter) => parameter.name).sort(), [
      'definition',
      'format',
      'since',
      'table',
      'until',
    ]);
    for (const parameter of parameters) {
      assert.equal(parameter.in, 'query');
      assert.ok(parameter.description && parameter.description.length > 10, `${parameter.name} is described`);
    }
    const table = parameters.find((parameter) => parameter.name === 'table');
    assert.deepEqual(table?.schema.enum, ['snapshots', 'changes']);
    assert.equal(table?.required, false, 'optional: snapshots by default');
    assert.match(table?.description ?? '', /snapshots \(default/);
    const exports = section('History exports');
    for (const parameter of parameters) {
      assert.ok(
        exports.includes(`${parameter.name}=`) || exports.includes(`\`${parameter.name}\``),
        `docs/api.md's History exports names ${parameter.name}`,
      );
    }
    assert.match(exports, /table=snapshots\|changes/);
  });

  it('list GET /items/{key}/changes with its key, window, kind and paging', () => {
    const changes = operation('/items/{key}/changes');
    assert.deepEqual(
      changes.parameters.map((parameter) => `${parameter.in}:${parameter.name}`),
      ['path:key', 'query:kind', 'query:since', 'query:until', 'query:limit', 'query:cursor'],
    );
    assert.match(changes.description ?? '', /slot/);
    assert.match(section('Items and changes'), /`GET \/items\/\{key\}\/changes`/);
  });
});
