/** What every command needs: the global options, the output, and (lazily) the API client. */
import { type Command, InvalidArgumentError } from 'commander';
import { ApiClient } from './api-client.ts';
import { CliError } from './exit-codes.ts';
import { requireToken, resolveConnection } from './connection.ts';
import { createOutput, type Output } from './output.ts';

export interface GlobalOptions {
  readonly endpoint?: string;
  readonly token?: string;
  readonly config?: string;
  readonly json?: boolean;
}

export interface CommandContext {
  readonly output: Output;
  /** The client; resolving endpoint and token only now, so `--help` needs neither. */
  readonly client: () => ApiClient;
}

export function contextOf(command: Command): CommandContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  return {
    output: createOutput(Boolean(options.json)),
    client: () => {
      const { endpoint, token } = resolveConnection(options);
      return new ApiClient({ endpoint, token: requireToken(token) });
    },
  };
}

/**
 * Parses a whole number option, refusing anything else with a usage error (exit 2): commander
 * turns an InvalidArgumentError into one naming the option; any other error would exit 1.
 */
export function wholeNumber(name: string, min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < min || number > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    }
    return number;
  };
}

/** The longest cursor a listing hands out (shared/paging's MAX_CURSOR_CHARS; that index loads the SDK). */
const MAX_CURSOR_CHARS = 2048;

/**
 * Parses `--cursor`: the text a listing printed (base64url). Anything else is a usage error
 * naming the flag (exit 2) before any request is sent.
 */
export function cursorText(value: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(value) || value.length > MAX_CURSOR_CHARS) {
    throw new InvalidArgumentError(
      '--cursor must be the cursor a listing printed (letters, digits, "-" and "_"; pass it unchanged)',
    );
  }
  return value;
}

/**
 * A page of a listing asked for with `--cursor`: a cursor the API refuses (of another listing or
 * other filters, edited, expired key) is reported against the flag, still exit 2.
 */
export async function withCursorFlag<T>(page: Promise<T>): Promise<T> {
  try {
    return await page;
  } catch (error) {
    if (!(error instanceof CliError) || !error.issues.some((issue) => issue.field === 'cursor')) throw error;
    throw new CliError(
      error.kind,
      error.code,
      '--cursor is not a cursor of this listing: pass the one it printed, with the same filters',
      error.issues.map((issue) => (issue.field === 'cursor' ? { ...issue, field: '--cursor' } : issue)),
    );
  }
}

/** The page size of a paged listing (`items history`, `items changes`, `changes`) without `--limit`. */
export const PAGE_LIMIT = 100;

/**
 * Adds a paged listing's `--limit` (1–1,000) and `--cursor`, after its own options; `defaultLimit`
 * is the page size the command asks for without `--limit` (named in the help).
 */
export function pageOptions(command: Command, defaultLimit: number = PAGE_LIMIT): Command {
  return command
    .option('--limit <n>', `at most this many (default ${defaultLimit})`, wholeNumber('--limit', 1, 1000))
    .option(
      '--cursor <cursor>',
      'the next page: the cursor the previous page printed (same filters)',
      cursorText,
    );
}

/** The line after a page for people: how to ask for the next one. */
export const nextPageLine = (cursor: string): string => `more: add --cursor ${cursor} for the next page`;
