/**
 * A watch rule: which items it watches (its scope), the condition that makes it fire, and where
 * its firings go (delivery targets, stored and validated here; delivered by a later step).
 * One zod schema per body feeds validation, the types and the OpenAPI document.
 */
import { z } from 'zod';
import { DEFINITION_ID_PATTERN, checkVisibleText } from '../definitions/index.ts';
import { ValidationError } from '../errors/index.ts';

export const RULE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** A webhook's id, as rules name it and the webhook registry keys it. */
export const WEBHOOK_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** An item's key as stored: `<platform>#<MARKETPLACE>#<itemId>` (see itemKeyOf). */
const ITEM_KEY_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}#[A-Z0-9_-]{1,16}#[^\s#]{1,256}$/;

export const ruleIdSchema = z
  .string()
  .regex(RULE_ID_PATTERN, 'must be 1-128 letters, digits, ".", "_" or "-", starting alphanumeric');

export const itemKeySchema = z
  .string()
  .regex(
    ITEM_KEY_PATTERN,
    'must be an item key <platform>#<MARKETPLACE>#<itemId>, e.g. amazon#UK#B0ABC12345',
  );

export const ruleScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }).strict(),
  z
    .object({
      kind: z.literal('definition'),
      definitionId: z
        .string()
        .regex(DEFINITION_ID_PATTERN, 'must be a definition id: 1-128 letters, digits, ".", "_" or "-"'),
    })
    .strict(),
  z.object({ kind: z.literal('item'), itemKey: itemKeySchema }).strict(),
]);
export type RuleScope = z.infer<typeof ruleScopeSchema>;

const percentSchema = z
  .number()
  .gt(0, 'must be more than 0')
  .max(100, 'must be at most 100 (a percentage of the price)');
const topSchema = z.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000');

export const ruleConditionSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('price_below'),
      amount: z.number().positive('must be more than 0').max(1e9),
      currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code in capitals, e.g. EUR'),
    })
    .strict(),
  z.object({ kind: z.literal('price_drop'), percent: percentSchema }).strict(),
  z
    .object({
      kind: z.literal('price_drop_from_lowest'),
      percent: percentSchema,
      days: z.number().int().min(1, 'must be at least 1').max(90, 'must be at most 90 (the history kept)'),
    })
    .strict(),
  z.object({ kind: z.literal('back_in_stock') }).strict(),
  z.object({ kind: z.literal('out_of_stock') }).strict(),
  z.object({ kind: z.literal('entered_top'), top: topSchema }).strict(),
  z.object({ kind: z.literal('left_top'), top: topSchema }).strict(),
  z
    .object({
      kind: z.literal('rank_moved'),
      by: z.number().int().min(1, 'must be at least 1').max(10_000, 'must be at most 10000'),
    })
    .strict(),
  z.object({ kind: z.literal('new_on_listing') }).strict(),
]);
export type RuleCondition = z.infer<typeof ruleConditionSchema>;
export type ConditionKind = RuleCondition['kind'];
export const CONDITION_KINDS = ruleConditionSchema.options.map(
  (option) => option.shape.kind.value,
) as readonly ConditionKind[];

export const deliverySchema = z
  .object({
    /** Publish firings to the rules' SNS topic (delivery step). */
    sns: z.boolean().default(false),
    /** Webhooks (ids of webhooks registered with the delivery step) that receive firings. */
    webhooks: z
      .array(
        z.string().regex(WEBHOOK_ID_PATTERN, 'must be a webhook id: 1-64 letters, digits, ".", "_" or "-"'),
      )
      .max(10, 'at most 10 webhooks per rule')
      .refine((ids) => new Set(ids).size === ids.length, 'must not name a webhook twice')
      .default([]),
  })
  .strict();
export type Delivery = z.infer<typeof deliverySchema>;

const nameSchema = z.string().trim().min(1, 'is required').max(200).superRefine(checkVisibleText);
/** Minutes; at most a year. */
const coolDownSchema = z
  .number()
  .int()
  .min(1, 'must be at least 1 minute')
  .max(525_600, 'must be at most a year');

/** The body of `POST /rules` and of `shelfwatch rules add`. */
export const newRuleSchema = z
  .object({
    id: ruleIdSchema.optional(),
    name: nameSchema,
    enabled: z.boolean().default(true),
    scope: ruleScopeSchema,
    condition: ruleConditionSchema,
    coolDownMinutes: coolDownSchema.optional(),
    delivery: deliverySchema.default({ sns: false, webhooks: [] }),
  })
  .strict();
export type NewRule = z.input<typeof newRuleSchema>;

/** The body of `PATCH /rules/{id}`: fields to replace; `coolDownMinutes: null` removes the cool-down. */
export const rulePatchSchema = z
  .object({
    name: nameSchema.optional(),
    enabled: z.boolean().optional(),
    scope: ruleScopeSchema.optional(),
    condition: ruleConditionSchema.optional(),
    coolDownMinutes: coolDownSchema.nullable().optional(),
    delivery: deliverySchema.optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one field');
export type RulePatch = z.infer<typeof rulePatchSchema>;

export interface Rule {
  readonly ruleId: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly scope: RuleScope;
  readonly condition: RuleCondition;
  readonly coolDownMinutes?: number;
  readonly delivery: Delivery;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Grows with every update: the condition of the next one. */
  readonly version: number;
}

/** The `byScope` index key of a rule: the rules a change may match are three Queries away. */
export function scopeKeyOf(scope: RuleScope): string {
  switch (scope.kind) {
    case 'all':
      return 'all';
    case 'definition':
      return `definition#${scope.definitionId}`;
    case 'item':
      return `item#${scope.itemKey}`;
  }
}

/** The scope keys whose rules may match a change of this item, noticed by this definition. */
export const scopeKeysOf = (change: { definitionId: string; itemKey: string }): string[] => [
  'all',
  `definition#${change.definitionId}`,
  `item#${change.itemKey}`,
];

export const isInScope = (scope: RuleScope, change: { definitionId: string; itemKey: string }): boolean =>
  scopeKeysOf(change).includes(scopeKeyOf(scope));

/** Parses a new rule; a bad one is a ValidationError naming each field. */
export function parseNewRule(input: unknown): z.output<typeof newRuleSchema> {
  const parsed = newRuleSchema.safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod('rule', parsed.error);
  return parsed.data;
}
