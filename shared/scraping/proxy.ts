/**
 * An outbound proxy for the browser, kept in Secrets Manager (never in code or plain environment
 * variables): the secret's value is JSON `{ "url": "http://proxy.example:8080", "username": "…",
 * "password": "…" }`. Read when a browser launches, so a rotated secret applies at the next
 * recycle.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { ValidationError } from '../errors/index.ts';

export const proxySettingsSchema = z
  .object({
    url: z.url({
      protocol: /^(https?|socks5)$/,
      error: 'must be an http://, https:// or socks5:// proxy URL',
    }),
    username: z.string().min(1).max(512).optional(),
    password: z.string().min(1).max(512).optional(),
  })
  .strict()
  .refine((proxy) => (proxy.username === undefined) === (proxy.password === undefined), {
    message: 'username and password go together',
    path: ['password'],
  });

export type ProxySettings = z.infer<typeof proxySettingsSchema>;

/** Parses a proxy secret's value; errors name the field, never echo the value (it is a secret). */
export function parseProxySettings(text: string): ProxySettings {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ValidationError('proxy secret', [{ field: '(root)', message: 'is not JSON' }]);
  }
  const parsed = proxySettingsSchema.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod('proxy secret', parsed.error);
  return parsed.data;
}

/** Chromium's --proxy-server value: the proxy's scheme, host and port, without credentials. */
export function proxyServerOf(settings: ProxySettings): string {
  const url = new URL(settings.url);
  return `${url.protocol}//${url.host}`;
}

export async function readProxySettings(
  secrets: SecretsManagerClient,
  secretName: string,
): Promise<ProxySettings> {
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretName }));
  if (!SecretString)
    throw new ValidationError('proxy secret', [{ field: secretName, message: 'has no string value' }]);
  return parseProxySettings(SecretString);
}
