/**
 * The request headers a browser sends when it navigates to a page, consistent with the user
 * agent the run uses: the set, the values and the order of Chrome (and Edge), Firefox or Safari,
 * chosen from the user-agent string. Client hints and Sec-Fetch-* go to https origins only, as
 * browsers send them to secure contexts only.
 *
 * Why not a generator such as `header-generator`: it samples its own user agent from a model,
 * while Shelfwatch's user agent is configuration (the same list the browser path rotates through);
 * a small set derived from that string stays consistent with it and is deterministic to test.
 */
import { ACCEPTED_ENCODINGS } from './response-body.ts';

/**
 * The user agent when none is configured: desktop Chrome of the bundled Chromium's major version
 * (Chromium's own headless user agent says "HeadlessChrome", which sites block on sight).
 */
export const DEFAULT_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/153.0.0.0 Safari/537.36';

export type BrowserFamily = 'chromium' | 'firefox' | 'safari';

export function browserFamilyOf(userAgent: string): BrowserFamily {
  if (/Firefox\/\d/.test(userAgent)) return 'firefox';
  if (/Chrome\/\d|Chromium\/\d|CriOS\/\d|Edg\/\d/.test(userAgent)) return 'chromium';
  if (/Version\/\d.*Safari\/\d/.test(userAgent)) return 'safari';
  return 'chromium';
}

function platformOf(userAgent: string): string {
  if (/Android/.test(userAgent)) return 'Android';
  if (/iPhone|iPad/.test(userAgent)) return 'iOS';
  if (/Windows/.test(userAgent)) return 'Windows';
  if (/Mac OS X|Macintosh/.test(userAgent)) return 'macOS';
  if (/CrOS/.test(userAgent)) return 'Chrome OS';
  if (/Linux/.test(userAgent)) return 'Linux';
  return 'Windows';
}

/** `sec-ch-ua`: the brand list Chrome (or Edge) of that major version sends. */
function chromiumBrands(userAgent: string): string {
  const chrome = /Chrom(?:e|ium)\/(\d+)/.exec(userAgent)?.[1] ?? '153';
  const edge = /Edg\/(\d+)/.exec(userAgent)?.[1];
  const brand = edge ? `"Microsoft Edge";v="${edge}"` : `"Google Chrome";v="${chrome}"`;
  return `${brand}, "Chromium";v="${chrome}", "Not_A Brand";v="24"`;
}

export interface NavigationHeaderInput {
  readonly url: URL;
  readonly userAgent: string;
  /** Default: `en-US,en;q=0.9`. */
  readonly acceptLanguage?: string;
  /** The run's cookies for this URL, if any. */
  readonly cookie?: string;
}

/** Header name → value, in the order the browser sends them (Node keeps insertion order). */
export function navigationHeaders(input: NavigationHeaderInput): Record<string, string> {
  const { url, userAgent } = input;
  const secure = url.protocol === 'https:';
  const language = input.acceptLanguage ?? 'en-US,en;q=0.9';
  const encodings = ACCEPTED_ENCODINGS.join(', ');
  const cookie: Record<string, string> = input.cookie ? { Cookie: input.cookie } : {};
  const none: Record<string, string> = {};
  const fetchMetadata = (order: 'chromium' | 'other'): Record<string, string> =>
    !secure
      ? {}
      : order === 'chromium'
        ? {
            'Sec-Fetch-Site': 'none',
            'Sec-Fetch-Mode': 'navigate',
            'Sec-Fetch-User': '?1',
            'Sec-Fetch-Dest': 'document',
          }
        : {
            'Sec-Fetch-Dest': 'document',
            'Sec-Fetch-Mode': 'navigate',
            'Sec-Fetch-Site': 'none',
            'Sec-Fetch-User': '?1',
          };
  const family = browserFamilyOf(userAgent);
  switch (family) {
    case 'chromium': {
      const mobile = /Mobile|Android/.test(userAgent);
      return {
        Host: url.host,
        Connection: 'keep-alive',
        ...(secure
          ? {
              'sec-ch-ua': chromiumBrands(userAgent),
              'sec-ch-ua-mobile': mobile ? '?1' : '?0',
              'sec-ch-ua-platform': `"${platformOf(userAgent)}"`,
            }
          : none),
        'Upgrade-Insecure-Requests': '1',
        'User-Agent': userAgent,
        Accept:
          'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7',
        ...fetchMetadata('chromium'),
        'Accept-Encoding': encodings,
        'Accept-Language': language,
        ...cookie,
      };
    }
    case 'firefox':
      return {
        Host: url.host,
        'User-Agent': userAgent,
        Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
        'Accept-Language': language,
        'Accept-Encoding': encodings,
        Connection: 'keep-alive',
        ...cookie,
        'Upgrade-Insecure-Requests': '1',
        ...fetchMetadata('other'),
        Priority: 'u=0, i',
      };
    case 'safari':
      return {
        Host: url.host,
        Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
        ...(secure ? { 'Sec-Fetch-Site': 'none', 'Sec-Fetch-Mode': 'navigate' } : none),
        'User-Agent': userAgent,
        'Accept-Language': language,
        ...(secure ? { 'Sec-Fetch-Dest': 'document' } : none),
        // Safari does not offer zstd.
        'Accept-Encoding': 'gzip, deflate, br',
        Connection: 'keep-alive',
        ...cookie,
      };
  }
}
