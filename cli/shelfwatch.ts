#!/usr/bin/env node
/**
 * shelfwatch: the operator's command line for a Shelfwatch API (deployed or local).
 *
 *   shelfwatch [--endpoint URL] [--token swk_...] [--json] <group> <command> [...]
 *
 * Every command and group has --help. Exit codes: see exit-codes.ts (and `shelfwatch --help`).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { CliError, EXIT, EXIT_CODES_HELP } from './exit-codes.ts';
import { createOutput } from './output.ts';

const CONNECTION_HELP = `
Endpoint and token, first match wins:
  1. --endpoint, --token
  2. SHELFWATCH_ENDPOINT, SHELFWATCH_TOKEN
  3. the config file: --config, $SHELFWATCH_CONFIG, or $XDG_CONFIG_HOME/shelfwatch/config.json
     (~/.config/shelfwatch/config.json): { "endpoint": "https://...", "token": "swk_..." },
     readable by you only (chmod 600) if it holds a token.

With --json, stdout holds the API's answer (or { "error": ... }) as JSON.

${EXIT_CODES_HELP}`;

type DeclareCommands = (program: Command) => void;

/**
 * The module declaring each top-level command (and alias), in the order the root's help lists
 * them. A command's module is loaded only when it runs: each module may bring what its actions
 * import statically, and every file Node strips types from costs start time and memory.
 */
export const COMMAND_MODULES: readonly {
  readonly commands: readonly string[];
  readonly load: () => Promise<DeclareCommands>;
}[] = [
  {
    commands: ['definitions', 'defs'],
    load: async () => (await import('./commands/definitions.ts')).addDefinitionCommands,
  },
  { commands: ['runs'], load: async () => (await import('./commands/runs.ts')).addRunCommands },
  { commands: ['items', 'changes'], load: async () => (await import('./commands/items.ts')).addItemCommands },
  {
    commands: ['dlq', 'workers', 'stats'],
    load: async () => (await import('./commands/operations.ts')).addOperationCommands,
  },
  { commands: ['tokens'], load: async () => (await import('./commands/tokens.ts')).addTokenCommands },
  {
    commands: ['query', 'export'],
    load: async () => (await import('./commands/history.ts')).addHistoryCommands,
  },
  { commands: ['rules'], load: async () => (await import('./commands/rules.ts')).addRuleCommands },
];

/** The root's options that take a value (`--endpoint <url>`), whose value is not a command name. */
const VALUE_OPTIONS = new Set(['--endpoint', '--token', '--config']);

/** Shelfwatch's version: the package's, read where the CLI runs from (the repository). */
const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * The top-level command the arguments name: their first operand, past the root's options. Only a
 * hint for what to load: anything else (no command, `help`, a typo, `--`, `-h` before the command)
 * loads every module, so commander answers the root's help, suggestions and errors as before.
 */
export function commandNamed(argv: readonly string[]): string | undefined {
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    // The root's own help (`-h runs` is the root's help) lists every command.
    if (arg === '--' || arg === '-h' || arg === '--help') return undefined;
    if (!arg.startsWith('-')) return arg;
    if (VALUE_OPTIONS.has(arg)) index += 1;
  }
  return undefined;
}

export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('shelfwatch')
    .description(
      'Operate Shelfwatch: definitions, runs, dead letters, workers, stats, tokens; items, changes and watch rules; query and export the history',
    )
    .option('--endpoint <url>', 'API base URL (or SHELFWATCH_ENDPOINT)')
    .option('--token <token>', 'API token (or SHELFWATCH_TOKEN)')
    .option('--config <file>', 'config file with { endpoint, token }')
    .option('--json', 'print JSON for scripts instead of tables')
    .version(VERSION, '-V, --version', 'print the version of Shelfwatch (package.json) and exit')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError()
    .addHelpText('after', CONNECTION_HELP);
  const named = commandNamed(argv);
  const needed = COMMAND_MODULES.filter((entry) => named !== undefined && entry.commands.includes(named));
  const declarations = await Promise.all(
    (needed.length > 0 ? needed : COMMAND_MODULES).map((entry) => entry.load()),
  );
  // Settings set above are copied into every subcommand created from here on.
  for (const declare of declarations) declare(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    // Help and --version end here too, with exit code 0; other parse errors are usage errors.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const json = argv.includes('--json');
    const output = createOutput(json);
    if (error instanceof CliError) {
      if (!error.reported) output.error(error.code, error.message, error.issues);
      return error.exitCode;
    }
    output.error('INTERNAL', error instanceof Error ? (error.stack ?? error.message) : String(error), []);
    return EXIT.failure;
  }
}

if (import.meta.main) {
  // `shelfwatch … | head`: the reader went away, which is how a pipe ends, not a failure.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(process.exitCode ?? EXIT.ok);
    });
  }
  process.exitCode = await main(process.argv.slice(2));
}
