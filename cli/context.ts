/** What every command needs: the global options, the output, and (lazily) the API client. */
import { type Command, InvalidArgumentError } from 'commander';
import { ApiClient } from './api-client.ts';
import { requireToken, resolveConnection } from './connection.ts';
import { createOutput, type Output } from './output.ts';

export interface GlobalOptions {
  readonly endpoint?: string;
  readonly token?: string;
  readonly config?: string;
  readonly json?: boolean;
}

export interface CommandContext {
  readonly output: Output;
  /** The client; resolving endpoint and token only now, so `--help` needs neither. */
  readonly client: () => ApiClient;
}

export function contextOf(command: Command): CommandContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  return {
    output: createOutput(Boolean(options.json)),
    client: () => {
      const { endpoint, token } = resolveConnection(options);
      return new ApiClient({ endpoint, token: requireToken(token) });
    },
  };
}

/**
 * Parses a whole number option, refusing anything else with a usage error (exit 2): commander
 * turns an InvalidArgumentError into one naming the option; any other error would exit 1.
 */
export function wholeNumber(name: string, min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < min || number > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    }
    return number;
  };
}
