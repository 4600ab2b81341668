/**
 * What a token may do. Plain data with no SDK import, so the CLI can check `--scope` without
 * loading the AWS SDK (it imports this file, not the folder's index).
 */
export const TOKEN_SCOPES = ['operator', 'worker'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
