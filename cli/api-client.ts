/** The CLI's HTTP client: one request per call, the API's error body turned into a CliError. */
import type { FieldIssue } from '../shared/errors/index.ts';
import { CliError, kindOfStatus } from './exit-codes.ts';

type Query = Record<string, string | number | boolean | undefined>;

export class ApiClient {
  private readonly endpoint: string;
  private readonly token: string;

  constructor(options: { endpoint: string; token: string }) {
    this.endpoint = options.endpoint;
    this.token = options.token;
  }

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, { body });
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path, {});
  }

  async request<T>(method: string, path: string, options: { query?: Query; body?: unknown }): Promise<T> {
    const url = new URL(`${this.endpoint}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(
        'unavailable',
        'UNREACHABLE',
        `cannot reach ${this.endpoint}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
      );
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const error = (
        body as { error?: { code?: string; message?: string; issues?: FieldIssue[] } } | undefined
      )?.error;
      throw new CliError(
        kindOfStatus(response.status),
        error?.code ?? `HTTP_${response.status}`,
        error?.message ?? `the API answered ${response.status} ${response.statusText}`,
        error?.issues ?? [],
      );
    }
    return body as T;
  }
}

/** A path segment: run ids hold `@` and `:`, which stay readable but must not split the path. */
export const segment = (id: string): string => encodeURIComponent(id);
