/**
 * The local operator token: created on a first start and kept in plain text in the data folder
 * (local only; `.shelfwatch/` is git-ignored), so the API, the CLI and the web page work with the
 * same token after a restart. In memory: a new token on every start, written nowhere.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TokenStore } from '../shared/tokens/index.ts';

export const OPERATOR_TOKEN_FILE = 'operator-token';

/** The token of the data folder if it still authenticates, otherwise a new one (then saved). */
export async function localOperatorToken(
  tokens: TokenStore,
  dataDir: string | undefined,
  nowMs: number,
): Promise<{ token: string; file?: string; created: boolean }> {
  const file = dataDir ? path.join(dataDir, OPERATOR_TOKEN_FILE) : undefined;
  if (file && existsSync(file)) {
    const saved = readFileSync(file, 'utf8').trim();
    if ((await tokens.authenticate(saved)).authenticated) return { token: saved, file, created: false };
  }
  const { token } = await tokens.create({ name: 'local operator', scope: 'operator' }, nowMs);
  if (!file) return { token, created: true };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, file, created: true };
}
