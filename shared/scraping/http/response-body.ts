/**
 * A response body read within the size cap, then decoded (gzip, deflate, br, zstd): the read
 * stops as soon as the bytes on the wire pass the cap, and decompression stops as soon as the
 * decoded bytes do, so neither a huge page nor a small compression bomb fills the memory.
 */
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Failure } from '../../runs/index.ts';
import { PageFailure } from '../page-failure.ts';
import { SCRAPER_VARIABLES } from '../scraper-config.ts';

/** The content codings this fetcher asks for and decodes, in the order browsers list them. */
export const ACCEPTED_ENCODINGS = ['gzip', 'deflate', 'br', 'zstd'] as const;

const tooLarge = (url: string, maxBytes: number, what: string): Failure => ({
  // Permanent: the same page will be as large on every attempt; the cap is what to change.
  failureClass: 'permanent',
  reason: 'response-too-large',
  message: `${url}: ${what} more than ${maxBytes} bytes (raise ${SCRAPER_VARIABLES.maxResponseBytes} if the page is genuine)`,
});

/** Reads the raw body, destroying the response once it passes `maxBytes`. */
export async function readRawBody(response: IncomingMessage, maxBytes: number, url: string): Promise<Buffer> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw new PageFailure(tooLarge(url, maxBytes, `the response declares ${declared} bytes,`));
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      response.destroy();
      throw new PageFailure(tooLarge(url, maxBytes, 'the response sent'));
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

type Decompress = (input: Buffer, options: zlib.ZlibOptions & zlib.BrotliOptions) => Promise<Buffer>;

const gunzip = promisify(zlib.gunzip) as Decompress;
const inflate = promisify(zlib.inflate) as Decompress;
const inflateRaw = promisify(zlib.inflateRaw) as Decompress;
const brotli = promisify(zlib.brotliDecompress) as Decompress;
const zstd = promisify(zlib.zstdDecompress) as Decompress;

/** `deflate` is meant to be zlib-wrapped, but servers also send it raw; browsers accept both. */
const isZlibWrapped = (input: Buffer): boolean =>
  input.length >= 2 &&
  ((input[0] ?? 0) & 0x0f) === 8 &&
  (((input[0] ?? 0) << 8) | (input[1] ?? 0)) % 31 === 0;

function decompressorOf(coding: string, input: Buffer): Decompress | undefined {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return gunzip;
    case 'deflate':
      return isZlibWrapped(input) ? inflate : inflateRaw;
    case 'br':
      return brotli;
    case 'zstd':
      return zstd;
    default:
      return undefined;
  }
}

/** Undoes the Content-Encoding (codings applied in order are undone in reverse). */
export async function decodeContent(
  raw: Buffer,
  contentEncoding: string | undefined,
  maxBytes: number,
  url: string,
): Promise<Buffer> {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity')
    .reverse();
  let body = raw;
  for (const coding of codings) {
    const decompress = decompressorOf(coding, body);
    if (!decompress) {
      throw new PageFailure({
        failureClass: 'transient',
        reason: 'unsupported-content-encoding',
        message: `${url} was sent with Content-Encoding ${coding}, which is not decoded (asked for ${ACCEPTED_ENCODINGS.join(', ')})`,
      });
    }
    try {
      // A truncated stream gives what it holds, as browsers show it (no error at a missing end).
      const flush =
        coding === 'br'
          ? { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH }
          : coding === 'zstd'
            ? {}
            : { finishFlush: zlib.constants.Z_SYNC_FLUSH };
      body = await decompress(body, { maxOutputLength: maxBytes, ...flush });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new PageFailure(tooLarge(url, maxBytes, `the ${coding} body decodes to`), { cause: error });
      }
      throw new PageFailure(
        {
          failureClass: 'transient',
          reason: 'content-decoding-failed',
          message: `${url}: its ${coding} body could not be decoded: ${(error as Error).message}`,
        },
        { cause: error },
      );
    }
  }
  return body;
}
