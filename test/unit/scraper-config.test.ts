import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ValidationError } from '../../shared/errors/index.ts';
import { parseProxySettings, proxyServerOf, readScraperConfig } from '../../shared/scraping/index.ts';
import { SCRAPER_DEFAULTS, SCRAPER_VARIABLES } from '../../shared/scraping/scraper-config.ts';

describe('the scraper configuration', () => {
  it('has defaults for everything, so an empty environment is a working one', () => {
    const config = readScraperConfig({});
    assert.equal(config.leaseSeconds, 120);
    assert.equal(config.navigationTimeoutSeconds, 30);
    assert.equal(config.domainRatePerSecond, 1);
    assert.equal(config.domainBurst, 5);
    assert.equal(config.userAgents, undefined);
    assert.equal(config.proxySecretName, undefined);
  });

  it('reads user agents, site origins and allowed hosts from their variables', () => {
    const config = readScraperConfig({
      SHELFWATCH_SCRAPER_USER_AGENTS: '["agent one", "agent two"]',
      SHELFWATCH_SITE_ORIGINS: '{"https://www.amazon.com": "http://127.0.0.1:4100/amazon/com"}',
      SHELFWATCH_SCRAPE_ALLOW_HOSTS: '127.0.0.1:4100, 127.0.0.1:4101',
      SHELFWATCH_SCRAPER_PROXY_SECRET_NAME: 'shelfwatch/prod/proxy',
    });
    assert.deepEqual(config.userAgents, ['agent one', 'agent two']);
    assert.deepEqual(config.siteOrigins, { 'https://www.amazon.com': 'http://127.0.0.1:4100/amazon/com' });
    assert.deepEqual(config.allowHosts, ['127.0.0.1:4100', '127.0.0.1:4101']);
    assert.equal(config.proxySecretName, 'shelfwatch/prod/proxy');
  });

  it('caps HTTP responses at 16 MiB by default and refuses a cap below 64 KiB, naming its variable', () => {
    assert.equal(readScraperConfig({}).maxResponseBytes, 16 * 1024 * 1024);
    assert.equal(
      readScraperConfig({ SHELFWATCH_SCRAPER_MAX_RESPONSE_BYTES: '2097152' }).maxResponseBytes,
      2 * 1024 * 1024,
    );
    assert.throws(
      () => readScraperConfig({ SHELFWATCH_SCRAPER_MAX_RESPONSE_BYTES: '1000' }),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.issues.some((issue) => issue.field === 'SHELFWATCH_SCRAPER_MAX_RESPONSE_BYTES'),
    );
  });

  it('names the environment variable of every bad setting', () => {
    assert.throws(
      () =>
        readScraperConfig({
          SHELFWATCH_SCRAPER_LEASE_SECONDS: 'soon',
          SHELFWATCH_SCRAPER_USER_AGENTS: 'Mozilla/5.0',
          SHELFWATCH_SITE_ORIGINS: '[]',
        }),
      (error: unknown) =>
        error instanceof ValidationError &&
        JSON.stringify(error.issues.map((issue) => issue.field).sort()) ===
          JSON.stringify([
            'SHELFWATCH_SCRAPER_LEASE_SECONDS',
            'SHELFWATCH_SCRAPER_USER_AGENTS',
            'SHELFWATCH_SITE_ORIGINS',
          ]),
    );
  });
});

describe('the settings table of docs/scraper.md', () => {
  it('states the default of every numeric setting as the schema has it', () => {
    const doc = readFileSync(path.join(import.meta.dirname, '../../docs/scraper.md'), 'utf8');
    const stated = new Map(
      [...doc.matchAll(/^\| `(SHELFWATCH_[A-Z_]+)`\s*\|\s*([^|]+?)\s*\|/gm)].map(
        (match) => [match[1] as string, match[2] as string] as const,
      ),
    );
    const numeric = Object.entries(SCRAPER_DEFAULTS).flatMap(([setting, value]) =>
      typeof value === 'number' ? [[setting, value] as const] : [],
    );
    assert.ok(numeric.length >= 5);
    for (const [setting, value] of numeric) {
      const variable = SCRAPER_VARIABLES[setting as keyof typeof SCRAPER_VARIABLES];
      assert.equal(stated.get(variable), String(value), `docs/scraper.md default of ${variable}`);
    }
  });
});

describe('the lease and the page timeout', () => {
  it('refuses a lease shorter than two page timeouts, naming the lease variable', () => {
    assert.throws(
      () =>
        readScraperConfig({
          SHELFWATCH_SCRAPER_LEASE_SECONDS: '30',
          SHELFWATCH_SCRAPER_NAVIGATION_TIMEOUT_SECONDS: '20',
        }),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.issues.some((issue) => issue.field === 'SHELFWATCH_SCRAPER_LEASE_SECONDS'),
    );
  });
});

describe('the proxy secret', () => {
  it('gives Chromium the proxy server without its credentials', () => {
    const settings = parseProxySettings('{"url":"http://proxy.example:8080","username":"u","password":"p"}');
    assert.equal(proxyServerOf(settings), 'http://proxy.example:8080');
    assert.equal(settings.username, 'u');
  });

  it('refuses a malformed secret naming the field, without echoing the secret', () => {
    for (const [text, field] of [
      ['not json', '(root)'],
      ['{"url":"ftp://proxy.example"}', 'url'],
      ['{"url":"http://proxy.example:8080","username":"u"}', 'password'],
    ] as const) {
      assert.throws(
        () => parseProxySettings(text),
        (error: unknown) =>
          error instanceof ValidationError &&
          error.issues.some((issue) => issue.field === field) &&
          !error.message.includes('ftp://proxy.example'),
        text,
      );
    }
  });
});
