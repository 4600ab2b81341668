import path from 'node:path';
import {
  type BundlingOptions,
  type ICommandHooks,
  LogLevel,
  OutputFormat,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { type FunctionDeclaration } from '../../../shared/catalogue/index.ts';

/** The repository root: esbuild's project root and the folder command hooks copy from. */
export const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '../../..');

/** A folder esbuild cannot bundle, copied beside the bundle after esbuild ran. */
export interface BesideBundle {
  /** The folder to copy, relative to the repository root. */
  readonly from: string;
  /** Its name beside the bundle; in Lambda it is `/var/task/<folder>` (see {@link lambdaPathOf}). */
  readonly folder: string;
}

/**
 * @sparticuz/chromium's `bin` folder: the brotli-compressed browser (~65 MB). esbuild bundles the
 * package's code but not this folder; the scraper finds it through SHELFWATCH_CHROMIUM_BIN.
 */
export const CHROMIUM_BIN: BesideBundle = {
  from: 'node_modules/@sparticuz/chromium/bin',
  folder: 'chromium-bin',
};

/** The monitor page's static files (HTML, ES modules, CSS: no build step), served by the API. */
export const WEB_PAGE: BesideBundle = { from: 'web', folder: 'web' };

/**
 * DuckDB (`@duckdb/node-api`): a native binding (duckdb.node + libduckdb.so, ~69 MB unpacked,
 * ~24 MB zipped) that esbuild cannot bundle. The function's bundle leaves the package external
 * and these three packages are copied from this machine's node_modules into the bundle's
 * node_modules, where Node resolves the import: no `npm install` at synth, so synth stays
 * offline. The binding is Linux x64 glibc, which the x86_64 Lambda runtime is.
 */
export const DUCKDB_PACKAGES: readonly BesideBundle[] = [
  'node-api',
  'node-bindings',
  'node-bindings-linux-x64',
].map((name) => ({ from: `node_modules/@duckdb/${name}`, folder: `node_modules/@duckdb/${name}` }));

/** The package the bundle imports at run time instead of containing it. */
export const DUCKDB_MODULE = '@duckdb/node-api';

/** Where a copied folder lives inside the Lambda runtime. */
export const lambdaPathOf = (copy: BesideBundle): string => `/var/task/${copy.folder}`;

/** Every folder a function's catalogue entry asks to ship beside its bundle, in a stable order. */
export function besideBundleOf(declaration: FunctionDeclaration): BesideBundle[] {
  return [
    ...(declaration.bundlesChromium ? [CHROMIUM_BIN] : []),
    ...(declaration.servesWebPage ? [WEB_PAGE] : []),
    ...(declaration.bundlesDuckDb ? DUCKDB_PACKAGES : []),
  ];
}

/**
 * One set of command hooks that copies every folder of the list (any combination), or undefined
 * when there is nothing to copy. NodejsFunction takes a single `commandHooks`, so the copies are
 * composed here rather than each declaring its own hooks (the last one would win).
 */
export function copyBesideBundle(copies: readonly BesideBundle[]): ICommandHooks | undefined {
  if (copies.length === 0) return undefined;
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir: string, outputDir: string) =>
      copies.flatMap((copy) => [
        // A nested target (node_modules/@duckdb/...) needs its parent first.
        ...(copy.folder.includes('/')
          ? [`mkdir -p "${outputDir}/${copy.folder.slice(0, copy.folder.lastIndexOf('/'))}"`]
          : []),
        `cp -R "${inputDir}/${copy.from}" "${outputDir}/${copy.folder}"`,
      ]),
  };
}

/**
 * esbuild options of every function: one minified ESM file with source maps and every dependency
 * inside (no layer), plus the folders its catalogue entry ships beside it (DuckDB's packages for
 * the history function: its only node_modules).
 */
export function bundlingOf(declaration: FunctionDeclaration): BundlingOptions {
  const commandHooks = copyBesideBundle(besideBundleOf(declaration));
  return {
    format: OutputFormat.ESM,
    target: 'node24',
    minify: true,
    logLevel: LogLevel.WARNING,
    sourceMap: true,
    externalModules: declaration.bundlesDuckDb ? [DUCKDB_MODULE] : [],
    mainFields: ['module', 'main'],
    // Some CommonJS dependencies call require(); an ESM bundle has none unless it makes one.
    banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    ...(commandHooks ? { commandHooks } : {}),
  };
}
