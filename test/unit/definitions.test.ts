import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  crawlTypeIds,
  parseDefinitionInput,
  platformIds,
  registerCrawlType,
  registerPlatform,
} from '../../shared/definitions/index.ts';
import { ValidationError } from '../../shared/errors/index.ts';

const valid = {
  id: 'amazon-us-B0CHX1W1XY',
  platform: 'amazon',
  marketplace: 'us',
  crawlType: 'product_details',
  target: 'B0CHX1W1XY',
  schedule: { kind: 'every', everyHours: 4, startHour: 2, timeZone: 'America/New_York' },
};

const fieldsOf = (input: unknown): string[] => {
  try {
    parseDefinitionInput(input);
  } catch (error) {
    assert.ok(error instanceof ValidationError, String(error));
    return error.issues.map((issue) => issue.field);
  }
  assert.fail('expected a ValidationError');
};

describe('definition validation', () => {
  it('accepts a definition and fills the defaults', () => {
    const definition = parseDefinitionInput(valid);
    assert.equal(definition.marketplace, 'US');
    assert.equal(definition.priority, 'normal');
    assert.equal(definition.maxAttempts, 3);
    assert.equal(definition.enabled, true);
    assert.deepEqual(definition.params, { maxPages: 1, maxItems: 100 });
    assert.deepEqual(definition.schedule, valid.schedule);
  });

  it('defaults the time zone to UTC and the start hour to 0', () => {
    const definition = parseDefinitionInput({ ...valid, schedule: { kind: 'every', everyHours: 6 } });
    assert.deepEqual(definition.schedule, { kind: 'every', everyHours: 6, startHour: 0, timeZone: 'UTC' });
  });

  it('names every bad field at once', () => {
    const fields = fieldsOf({
      id: 'bad id!',
      platform: 'ebay',
      marketplace: 'US',
      crawlType: 'reviews',
      target: '   ',
      schedule: { kind: 'every', everyHours: 25, startHour: -1, timeZone: 'Mars/Olympus' },
      priority: 'urgent',
      maxAttempts: 0,
      params: { maxPages: 0, colour: 'red' },
      enabled: 'yes',
      extra: 1,
    });
    for (const field of [
      'id',
      'platform',
      'crawlType',
      'target',
      'schedule.everyHours',
      'schedule.startHour',
      'schedule.timeZone',
      'priority',
      'maxAttempts',
      'params.maxPages',
      'params',
      'enabled',
      '(root)',
    ]) {
      assert.ok(fields.includes(field), `${field} in ${fields.join(', ')}`);
    }
  });

  it('stores time zones under their canonical name, so one zone is one schedule key', () => {
    const zoneOf = (timeZone: string) => {
      const { schedule } = parseDefinitionInput({
        ...valid,
        schedule: { kind: 'every', everyHours: 1, timeZone },
      });
      return schedule.kind === 'every' ? schedule.timeZone : undefined;
    };
    assert.equal(zoneOf('utc'), 'UTC');
    assert.equal(zoneOf('Etc/UTC'), 'UTC');
    assert.equal(zoneOf('america/new_york'), 'America/New_York');
    assert.deepEqual(fieldsOf({ ...valid, schedule: { kind: 'every', everyHours: 1, timeZone: '+05:30' } }), [
      'schedule.timeZone',
    ]);
  });

  it('takes keywords with a colon as keywords, not URLs', () => {
    assert.equal(
      parseDefinitionInput({ ...valid, crawlType: 'search_result', target: 'usb:c cable' }).target,
      'usb:c cable',
    );
    assert.deepEqual(fieldsOf({ ...valid, target: 'ftp://example.com/x' }), ['target']);
  });

  it("checks the marketplace against the platform's list", () => {
    assert.deepEqual(fieldsOf({ ...valid, platform: 'ozon', marketplace: 'US' }), ['marketplace']);
    assert.doesNotThrow(() => parseDefinitionInput({ ...valid, platform: 'ozon', marketplace: 'ru' }));
  });

  it('refuses a non-http URL target and a once schedule without an offset', () => {
    assert.deepEqual(fieldsOf({ ...valid, target: 'file:///etc/passwd' }), ['target']);
    assert.deepEqual(fieldsOf({ ...valid, schedule: { kind: 'once', at: '2026-12-01T08:00' } }), [
      'schedule.at',
    ]);
    assert.deepEqual(fieldsOf({ ...valid, schedule: { kind: 'weekly' } }), ['schedule.kind']);
  });

  it('is open for extension: a registered platform and crawl type validate', () => {
    assert.deepEqual(
      fieldsOf({ ...valid, platform: 'wildberries', marketplace: 'RU', crawlType: 'reviews' }),
      ['platform', 'crawlType'],
    );
    registerPlatform({ id: 'wildberries', description: 'Wildberries', marketplaces: ['RU'] });
    registerCrawlType({ id: 'reviews', description: 'Product reviews', target: 'a product id' });
    assert.ok(platformIds().includes('wildberries') && crawlTypeIds().includes('reviews'));
    assert.doesNotThrow(() =>
      parseDefinitionInput({ ...valid, platform: 'wildberries', marketplace: 'RU', crawlType: 'reviews' }),
    );
  });

  it('never throws anything but a ValidationError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        try {
          parseDefinitionInput(input);
        } catch (error) {
          assert.ok(error instanceof ValidationError);
          assert.ok(error.issues.length > 0);
        }
      }),
      { numRuns: 500 },
    );
  });
});
