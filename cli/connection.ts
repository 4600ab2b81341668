/**
 * Where the CLI finds the API and its token, first match wins:
 *
 *   1. flags          --endpoint, --token
 *   2. environment    SHELFWATCH_ENDPOINT, SHELFWATCH_TOKEN
 *   3. config file    --config <file>, else $SHELFWATCH_CONFIG, else
 *                     $XDG_CONFIG_HOME/shelfwatch/config.json (~/.config/shelfwatch/config.json)
 *                     { "endpoint": "https://...", "token": "swk_..." }
 *
 * A config file holding a token must be readable by its owner only (chmod 600), as ssh insists
 * for keys: otherwise the CLI refuses to use it rather than spread a leaked secret further.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { CliError, usageError } from './exit-codes.ts';

export interface ConnectionFlags {
  readonly endpoint?: string;
  readonly token?: string;
  readonly config?: string;
}

export interface Connection {
  readonly endpoint: string;
  readonly token: string;
}

interface ConfigFile {
  readonly endpoint?: string;
  readonly token?: string;
}

export function configFilePath(env: NodeJS.ProcessEnv, flag?: string): string {
  if (flag) return flag;
  if (env.SHELFWATCH_CONFIG) return env.SHELFWATCH_CONFIG;
  const base = env.XDG_CONFIG_HOME || path.join(homedir(), '.config');
  return path.join(base, 'shelfwatch', 'config.json');
}

function readConfigFile(file: string, explicit: boolean): ConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (!explicit && (error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw usageError(`cannot read the config file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw usageError(`the config file ${file} is not JSON: expected { "endpoint": "...", "token": "..." }`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw usageError(`the config file ${file} must hold an object { "endpoint", "token" }`);
  }
  const { endpoint, token } = parsed as Record<string, unknown>;
  if (
    (endpoint !== undefined && typeof endpoint !== 'string') ||
    (token !== undefined && typeof token !== 'string')
  ) {
    throw usageError(`in the config file ${file}, "endpoint" and "token" must be strings`);
  }
  if (token !== undefined && process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    throw new CliError(
      'unauthorized',
      'CONFIG_TOO_OPEN',
      `the config file ${file} holds a token but others may read it: run "chmod 600 ${file}"`,
    );
  }
  return { ...(endpoint ? { endpoint } : {}), ...(token ? { token } : {}) };
}

/** The endpoint (required) and token (required unless `tokenOptional`), by precedence. */
export function resolveConnection(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv = process.env,
): { endpoint: string; token: string | undefined } {
  const needsFile = !(flags.endpoint ?? env.SHELFWATCH_ENDPOINT) || !(flags.token ?? env.SHELFWATCH_TOKEN);
  const file = needsFile ? readConfigFile(configFilePath(env, flags.config), Boolean(flags.config)) : {};
  const endpoint = flags.endpoint ?? env.SHELFWATCH_ENDPOINT ?? file.endpoint;
  const token = flags.token ?? env.SHELFWATCH_TOKEN ?? file.token;
  if (!endpoint) {
    throw usageError(
      'no API endpoint: pass --endpoint <url>, set SHELFWATCH_ENDPOINT, or write it to the config file',
    );
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw usageError(
      `the endpoint "${endpoint}" is not a URL (e.g. https://abc.execute-api.eu-west-1.amazonaws.com)`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw usageError(`the endpoint "${endpoint}" must be http(s)`);
  }
  return { endpoint: endpoint.replace(/\/+$/, ''), token };
}

export function requireToken(token: string | undefined): string {
  if (token) return token;
  throw new CliError(
    'unauthorized',
    'NO_TOKEN',
    'no API token: pass --token, set SHELFWATCH_TOKEN, or write it to the config file (the first one: shelfwatch tokens create --direct --stage <stage>)',
  );
}
