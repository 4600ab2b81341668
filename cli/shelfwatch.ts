#!/usr/bin/env node
/**
 * shelfwatch: the operator's command line for a Shelfwatch API (deployed or local).
 *
 *   shelfwatch [--endpoint URL] [--token swk_...] [--json] <group> <command> [...]
 *
 * Every command and group has --help. Exit codes: see exit-codes.ts (and `shelfwatch --help`).
 */
import { Command, CommanderError } from 'commander';
import { addDefinitionCommands } from './commands/definitions.ts';
import { addHistoryCommands } from './commands/history.ts';
import { addItemCommands } from './commands/items.ts';
import { addOperationCommands } from './commands/operations.ts';
import { addRuleCommands } from './commands/rules.ts';
import { addRunCommands } from './commands/runs.ts';
import { addTokenCommands } from './commands/tokens.ts';
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

export function buildProgram(): Command {
  const program = new Command('shelfwatch')
    .description(
      'Operate Shelfwatch: definitions, runs, dead letters, workers, stats, tokens; items, changes and watch rules; query and export the history',
    )
    .option('--endpoint <url>', 'API base URL (or SHELFWATCH_ENDPOINT)')
    .option('--token <token>', 'API token (or SHELFWATCH_TOKEN)')
    .option('--config <file>', 'config file with { endpoint, token }')
    .option('--json', 'print JSON for scripts instead of tables')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError()
    .addHelpText('after', CONNECTION_HELP);
  // Settings set above are copied into every subcommand created from here on.
  addDefinitionCommands(program);
  addRunCommands(program);
  addItemCommands(program);
  addOperationCommands(program);
  addTokenCommands(program);
  addHistoryCommands(program);
  addRuleCommands(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
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

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
