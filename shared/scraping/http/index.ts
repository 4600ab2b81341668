export * from './http-session.ts';
export { DEFAULT_USER_AGENT, browserFamilyOf, navigationHeaders } from './navigation-headers.ts';
export { decodeHtml, type DecodedBody } from './charset.ts';
export { ProxyRefusedError } from './proxy-tunnel.ts';
