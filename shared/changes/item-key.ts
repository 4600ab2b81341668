/**
 * An item's key as callers write it: `<platform>:<marketplace>:<item id>` (or with `#`, as
 * stored: `amazon#US#B0CHX1W1XY`), e.g. `amazon:US:B0CHX1W1XY`.
 */
import { z } from 'zod';
import { ShelfwatchError } from '../errors/index.ts';
import { itemKeyOf } from '../results/index.ts';

export interface ItemRef {
  readonly platform: string;
  readonly marketplace: string;
  readonly itemId: string;
}

const ITEM_KEY = /^([a-z0-9][a-z0-9_-]{0,31})[:#]([A-Za-z]{2,8})[:#]([\x21-\x7e]{1,256})$/;

export const itemKeySchema = z
  .string()
  .max(300, 'is longer than any item key')
  .transform((text, context): ItemRef => {
    const match = ITEM_KEY.exec(text);
    if (!match || match[3]?.includes('/')) {
      context.addIssue({
        code: 'custom',
        message: 'must be <platform>:<marketplace>:<item id>, e.g. amazon:US:B0CHX1W1XY',
      });
      return z.NEVER;
    }
    return {
      platform: match[1] as string,
      marketplace: (match[2] as string).toUpperCase(),
      itemId: match[3] as string,
    };
  });

/** No state and no snapshot of the item within the retention: never seen, or forgotten. */
export class ItemNotFoundError extends ShelfwatchError {
  readonly itemKey: string;
  constructor(item: ItemRef) {
    const itemKey = itemKeyOf(item.platform, item.marketplace, item.itemId);
    super(
      'not-found',
      'ITEM_NOT_FOUND',
      `no item ${itemKey} was seen within the retention (check platform, marketplace and id)`,
    );
    this.itemKey = itemKey;
  }
}
