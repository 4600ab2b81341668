export * from './auth.ts';
export * from './body-limits.ts';
export * from './create-api.ts';
export * from './dependencies.ts';
export * from './errors.ts';
export * from './openapi.ts';
export * from './route.ts';
export * from './web-page-files.ts';
