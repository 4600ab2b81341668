/**
 * `shelfwatch tokens create|list|revoke`. Through the API with an operator token; or, for the
 * very first token, `--direct`: written straight to the stage's control table with AWS
 * credentials (the SDK's usual chain: env, profile, SSO), no API token needed.
 */
import type { Command } from 'commander';
import type { ApiToken, IssuedToken } from '../../shared/tokens/index.ts';
// The file, not the index: the index loads the AWS SDK, which only `--direct` needs.
import { TOKEN_SCOPES, type TokenScope } from '../../shared/tokens/token-scope.ts';
import { contextOf } from '../context.ts';
import { CliError, usageError } from '../exit-codes.ts';

interface CreateOptions {
  readonly name: string;
  readonly scope: string;
  readonly direct?: boolean;
  readonly stage?: string;
  readonly region?: string;
}

async function createDirectly(options: CreateOptions, scope: TokenScope): Promise<IssuedToken> {
  // Loaded only here: the AWS SDK would cost every other command startup time for nothing.
  const [
    { createStores },
    { createAwsClients, resourceEnvironment, STAGE_VARIABLE, tableVariable },
    catalogue,
  ] = await Promise.all([
    import('../../shared/stores/index.ts'),
    import('../../shared/aws/index.ts'),
    import('../../shared/catalogue/index.ts'),
  ]);
  const { assertValidStage, tableName } = catalogue;
  if (!options.stage) throw usageError("--direct needs --stage <stage> (the stack's stage, e.g. prod)");
  try {
    assertValidStage(options.stage);
  } catch (error) {
    throw usageError((error as Error).message);
  }
  const clients = createAwsClients(options.region ? { region: options.region } : {});
  try {
    // The stage's control table by its physical name, as its functions see it.
    const resources = resourceEnvironment({
      [STAGE_VARIABLE]: options.stage,
      [tableVariable('control')]: tableName(options.stage, 'control'),
    });
    return await createStores(resources, clients).tokens.create({ name: options.name, scope }, Date.now());
  } catch (error) {
    const name = (error as Error).name;
    const kind =
      name === 'ResourceNotFoundException'
        ? 'not-found'
        : /AccessDenied|UnrecognizedClient|CredentialsProvider|ExpiredToken/i.test(name)
          ? 'unauthorized'
          : 'unavailable';
    throw new CliError(
      kind,
      'DIRECT_WRITE_FAILED',
      `could not write to ${tableName(options.stage, 'control')}: ${name}: ${(error as Error).message}`,
    );
  } finally {
    clients.destroy();
  }
}

export function addTokenCommands(program: Command): void {
  const group = program.command('tokens').description('API tokens: create (shown once), list, revoke');

  group
    .command('create')
    .description('Create a token; it is printed once and never again')
    .option('--name <name>', 'who or what it is for', 'cli')
    .option('--scope <scope>', 'operator (every route) or worker (/market/* only)', 'operator')
    .option('--direct', 'write it to the control table with AWS credentials (bootstrap: no token needed)')
    .option('--stage <stage>', 'with --direct: the stage whose table to write (shelfwatch-<stage>-control)')
    .option('--region <region>', "with --direct: the AWS region (default: the SDK's)")
    .action(async (options: CreateOptions, command: Command) => {
      const { output, client } = contextOf(command);
      const scope = TOKEN_SCOPES.find((candidate) => candidate === options.scope);
      if (!scope) throw usageError(`--scope must be ${TOKEN_SCOPES.join(' or ')} (got "${options.scope}")`);
      const issued = options.direct
        ? await createDirectly(options, scope)
        : await client().post<IssuedToken>('/tokens', { name: options.name, scope });
      output.result(issued, () => {
        output.line(
          `Token ${issued.tokenId} (${issued.scope}, "${issued.name}"). It is shown once; store it now:`,
        );
        output.line(issued.token);
      });
    });

  group
    .command('list')
    .description('List tokens (never their secrets)')
    .action(async (_options: unknown, command: Command) => {
      const { output, client } = contextOf(command);
      const answer = await client().get<{ tokens: ApiToken[] }>('/tokens');
      output.result(answer, () =>
        output.table(
          ['token id', 'scope', 'name', 'created', 'revoked'],
          answer.tokens.map((t) => [t.tokenId, t.scope, t.name, t.createdAt, t.revokedAt]),
        ),
      );
    });

  group
    .command('revoke')
    .description('Revoke a token: it is refused from the next request on')
    .argument('<tokenId>', '16 hex digits (the part after swk_)')
    .action(async (tokenId: string, _options: unknown, command: Command) => {
      const { output, client } = contextOf(command);
      const token = await client().delete<ApiToken>(`/tokens/${encodeURIComponent(tokenId)}`);
      output.result(token, () => output.line(`Revoked ${token.tokenId} at ${token.revokedAt ?? '?'}.`));
    });
}
