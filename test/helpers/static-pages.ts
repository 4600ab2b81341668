/**
 * Serves the files of one folder on loopback (e.g. saved real pages or extractor fixtures), so
 * real Chromium can load them; every other request (their scripts, images) gets a 404 and
 * nothing leaves the machine.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface StaticPages {
  /** `http://127.0.0.1:PORT` */
  readonly base: string;
  /** Request paths served so far. */
  readonly requests: readonly string[];
  stop(): Promise<void>;
}

export async function serveStaticPages(folder: string): Promise<StaticPages> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const name = path.basename(new URL(request.url ?? '/', 'http://x').pathname);
    requests.push(name);
    let body: Buffer | undefined;
    try {
      body = /^[\w.-]+\.html$/.test(name) ? readFileSync(path.join(folder, name)) : undefined;
    } catch {
      body = undefined;
    }
    if (body) response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The saved real marketplace pages, beside the repository (see their SOURCES.md). */
export const REAL_PAGES = path.resolve(import.meta.dirname, '../../../shared/fixtures/real-pages');
