/**
 * A webhook receiver over HTTPS on 127.0.0.1, as a team would run one: a certificate made for
 * this run (openssl, self-signed for IP 127.0.0.1, valid two days from the real clock) whose PEM
 * file is the CA the sender is told to trust (SHELFWATCH_WEBHOOK_CA_FILE). It records every
 * request with its raw body and arrival time, and answers with the status `answer` gives its path.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly atMs: number;
}

export interface HttpsReceiver {
  readonly received: ReceivedRequest[];
  readonly port: number;
  /** The PEM file of the receiver's certificate: the CA to trust. */
  readonly caFile: string;
  url(path: string): string;
  stop(): Promise<void>;
}

/** A fresh key and self-signed certificate for 127.0.0.1 in `folder`. */
function makeCertificate(folder: string): { keyFile: string; certFile: string } {
  const keyFile = path.join(folder, 'receiver-key.pem');
  const certFile = path.join(folder, 'receiver-cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=Shelfwatch e2e webhook receiver',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'pipe' },
  );
  return { keyFile, certFile };
}

export async function startHttpsReceiver(
  folder: string,
  answer: (path: string) => number,
): Promise<HttpsReceiver> {
  const { keyFile, certFile } = makeCertificate(folder);
  const received: ReceivedRequest[] = [];
  const server: Server = createServer(
    { key: readFileSync(keyFile), cert: readFileSync(certFile) },
    (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const requestPath = request.url ?? '';
        received.push({
          path: requestPath,
          headers: request.headers,
          body: Buffer.concat(chunks),
          atMs: Date.now(),
        });
        response.statusCode = answer(requestPath);
        response.end('ok');
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    received,
    port,
    caFile: certFile,
    url: (requestPath) => `https://127.0.0.1:${port}${requestPath}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
