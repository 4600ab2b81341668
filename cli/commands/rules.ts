/**
 * `shelfwatch rules add|list|rm|test`: watch rules through the API. Conditions and scopes have a
 * short text form here; the API's schema (shared/rules/rule.ts) validates what they become.
 */
import type { Command } from 'commander';
import { contextOf } from '../context.ts';
import { usageError } from '../exit-codes.ts';

/** The text forms of conditions, in `--help` and in docs/rules.md. */
export const CONDITION_FORMS = [
  'price-below <amount> <CUR>',
  'price-drop <p>%',
  'price-drop <p>% from-lowest <n>d',
  'back-in-stock',
  'out-of-stock',
  'entered-top <n>',
  'left-top <n>',
  'rank-moved <k>',
  'new-on-listing',
];

const number = (text: string | undefined, flag: string): number => {
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text)) {
    throw usageError(`${flag}: "${text ?? ''}" is not a number (forms: ${CONDITION_FORMS.join(' | ')})`);
  }
  return Number(text);
};

/** `price-drop 10% from-lowest 30d` → `{ kind: 'price_drop_from_lowest', percent: 10, days: 30 }`. */
export function conditionOf(text: string): Record<string, unknown> {
  const words = text.trim().split(/\s+/);
  const [form, a, b, c] = words;
  const flag = '--when';
  const arity = (count: number) => {
    if (words.length !== count + 1) {
      throw usageError(`${flag}: "${text}" does not fit any form: ${CONDITION_FORMS.join(' | ')}`);
    }
  };
  switch (form) {
    case 'price-below':
      arity(2);
      return { kind: 'price_below', amount: number(a, flag), currency: b };
    case 'price-drop': {
      const percent = number(a?.replace(/%$/, ''), flag);
      if (words.length === 2) return { kind: 'price_drop', percent };
      arity(3);
      if (b !== 'from-lowest' || !/^\d+d$/.test(c ?? '')) {
        throw usageError(
          `${flag}: after "price-drop ${a}" write "from-lowest <n>d" (got "${words.slice(2).join(' ')}")`,
        );
      }
      return { kind: 'price_drop_from_lowest', percent, days: number(c?.slice(0, -1), flag) };
    }
    case 'back-in-stock':
    case 'out-of-stock':
    case 'new-on-listing':
      arity(0);
      return { kind: form.replaceAll('-', '_') };
    case 'entered-top':
    case 'left-top':
      arity(1);
      return { kind: form.replace('-', '_'), top: number(a, flag) };
    case 'rank-moved':
      arity(1);
      return { kind: 'rank_moved', by: number(a, flag) };
    case undefined:
    default:
      throw usageError(`${flag}: unknown condition "${form ?? ''}": ${CONDITION_FORMS.join(' | ')}`);
  }
}

/** `all`, `definition:<id>`, `item:<platform>#<MARKETPLACE>#<itemId>`. */
export function scopeOf(text: string): Record<string, unknown> {
  if (text === 'all') return { kind: 'all' };
  const [kind, ...rest] = text.split(':');
  const value = rest.join(':');
  if (kind === 'definition' && value) return { kind: 'definition', definitionId: value };
  if (kind === 'item' && value) return { kind: 'item', itemKey: value };
  throw usageError(
    `--scope: "${text}" must be all, definition:<id> or item:<platform>#<MARKETPLACE>#<itemId>`,
  );
}

interface AddOptions {
  readonly id?: string;
  readonly name: string;
  readonly scope: string;
  readonly when: string;
  readonly coolDown?: string;
  readonly sns?: boolean;
  readonly webhook?: string[];
  readonly disabled?: boolean;
}

interface RuleAnswer {
  readonly ruleId: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly scope: Record<string, string>;
  readonly condition: Record<string, unknown> & { kind: string };
  readonly coolDownMinutes?: number;
  readonly delivery: { sns: boolean; webhooks: string[] };
}

const scopeText = (scope: Record<string, string>): string =>
  scope.kind === 'all' ? 'all' : `${scope.kind}:${scope.definitionId ?? scope.itemKey ?? ''}`;

const conditionText = ({ kind, ...rest }: RuleAnswer['condition']): string =>
  [kind, ...Object.entries(rest).map(([key, value]) => `${key}=${String(value)}`)].join(' ');

export function addRuleCommands(program: Command): void {
  const group = program.command('rules').description('Watch rules: add, list, rm, test (see docs/rules.md)');

  group
    .command('add')
    .description('Add a watch rule')
    .requiredOption('--name <name>', 'what it is for, shown with each firing')
    .requiredOption('--scope <scope>', 'all | definition:<id> | item:<platform>#<MARKETPLACE>#<itemId>')
    .requiredOption('--when <condition>', `one of: ${CONDITION_FORMS.join(' | ')}`)
    .option('--id <id>', 'the rule id (default: generated)')
    .option('--cool-down <minutes>', 'minimum minutes between two firings for one item')
    .option('--sns', "deliver firings to the rules' SNS topic")
    .option('--webhook <id...>', 'deliver firings to these webhooks')
    .option('--disabled', 'store it disabled')
    .addHelpText(
      'after',
      '\nExample:\n  shelfwatch rules add --name "kettle under 20" --scope item:amazon#UK#B0ABC12345 --when "price-below 20 GBP" --sns',
    )
    .action(async (options: AddOptions, command: Command) => {
      const { output, client } = contextOf(command);
      const body = {
        ...(options.id ? { id: options.id } : {}),
        name: options.name,
        enabled: !options.disabled,
        scope: scopeOf(options.scope),
        condition: conditionOf(options.when),
        ...(options.coolDown === undefined
          ? {}
          : { coolDownMinutes: number(options.coolDown, '--cool-down') }),
        delivery: { sns: options.sns ?? false, webhooks: options.webhook ?? [] },
      };
      const rule = await client().post<RuleAnswer>('/rules', body);
      output.result(rule, () => output.line(`Added rule ${rule.ruleId}: ${conditionText(rule.condition)}.`));
    });

  group
    .command('list')
    .description('List watch rules')
    .action(async (_options: unknown, command: Command) => {
      const { output, client } = contextOf(command);
      const rules: RuleAnswer[] = [];
      let cursor: string | undefined;
      do {
        const page = await client().get<{ rules: RuleAnswer[]; cursor?: string }>('/rules', {
          limit: '1000',
          ...(cursor ? { cursor } : {}),
        });
        rules.push(...page.rules);
        cursor = page.cursor;
      } while (cursor);
      output.result({ rules }, () =>
        output.table(
          ['rule id', 'name', 'enabled', 'scope', 'condition', 'cool-down', 'delivery'],
          rules.map((rule) => [
            rule.ruleId,
            rule.name,
            String(rule.enabled),
            scopeText(rule.scope),
            conditionText(rule.condition),
            rule.coolDownMinutes === undefined ? undefined : `${rule.coolDownMinutes} min`,
            [rule.delivery.sns ? 'sns' : '', ...rule.delivery.webhooks].filter(Boolean).join(', '),
          ]),
        ),
      );
    });

  group
    .command('rm')
    .description('Delete a watch rule')
    .argument('<ruleId>')
    .action(async (ruleId: string, _options: unknown, command: Command) => {
      const { output, client } = contextOf(command);
      const answer = await client().delete<{ ruleId: string }>(`/rules/${encodeURIComponent(ruleId)}`);
      output.result(answer, () => output.line(`Deleted rule ${answer.ruleId}.`));
    });

  group
    .command('test')
    .description("Test-fire a rule against one item's recent changes and current state (records nothing)")
    .argument('<ruleId>')
    .requiredOption('--item <itemKey>', '<platform>#<MARKETPLACE>#<itemId>, e.g. amazon#UK#B0ABC12345')
    .option('--days <n>', 'days of changes to replay', '7')
    .action(async (ruleId: string, options: { item: string; days: string }, command: Command) => {
      const { output, client } = contextOf(command);
      const result = await client().post<{
        holdsNow: boolean | null;
        inScope: boolean;
        enabled: boolean;
        steps: { changeId: string; kind: string; detectedAt: string; decision: string; reason: string }[];
        wouldFire: string[];
      }>(`/rules/${encodeURIComponent(ruleId)}/test`, {
        itemKey: options.item,
        days: number(options.days, '--days'),
      });
      output.result(result, () => {
        output.table(
          ['detected', 'change', 'decision', 'why'],
          result.steps.map((step) => [step.detectedAt, step.kind, step.decision, step.reason]),
        );
        const now = result.holdsNow === null ? 'cannot say' : String(result.holdsNow);
        output.line(
          `Would fire ${result.wouldFire.length} time(s); condition now: ${now}; in scope: ${String(result.inScope)}${
            result.enabled ? '' : ' (the rule is disabled)'
          }.`,
        );
      });
    });
}
