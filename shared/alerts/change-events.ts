/**
 * One EventBridge event per recorded change, so users route changes with EventBridge rules
 * (`source: shelfwatch`, one `detail-type` per change kind). The detail carries the change id:
 * events are delivered at least once, and a consumer de-duplicates on `detail.changeId` +
 * `detail.itemKey`. Schema in docs/changes.md#change-events.
 */
import { type Change, type ChangeKind } from '../changes/index.ts';

export const CHANGE_EVENT_SOURCE = 'shelfwatch';

/** The `detail-type` of each change kind: the one table users write EventBridge rules against. */
export const CHANGE_DETAIL_TYPES = {
  first_seen: 'Item first seen',
  price_up: 'Price raised',
  price_down: 'Price dropped',
  back_in_stock: 'Back in stock',
  out_of_stock: 'Out of stock',
  rating_moved: 'Rating moved',
  review_count_moved: 'Review count moved',
  entered_listing: 'Entered listing',
  left_listing: 'Left listing',
  rank_moved: 'Rank moved',
} as const satisfies Record<ChangeKind, string>;

/** The detail of a change event: the change as recorded, versioned. */
export interface ChangeEventDetail extends Change {
  readonly v: 1;
}

export interface ChangeEventEntry {
  readonly Source: typeof CHANGE_EVENT_SOURCE;
  readonly DetailType: string;
  readonly Detail: string;
  readonly EventBusName: string;
  /** The change's detection time: EventBridge's `time` of the event. */
  readonly Time: Date;
  readonly Resources: string[];
}

export const changeEventDetailOf = (change: Change): ChangeEventDetail => ({ v: 1, ...change });

export function changeEventOf(change: Change, busName: string): ChangeEventEntry {
  return {
    Source: CHANGE_EVENT_SOURCE,
    DetailType: CHANGE_DETAIL_TYPES[change.kind],
    Detail: JSON.stringify(changeEventDetailOf(change)),
    EventBusName: busName,
    Time: new Date(change.detectedAt),
    Resources: [],
  };
}
