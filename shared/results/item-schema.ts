/**
 * The item and its snapshot as zod schemas: the one description of their fields that worker
 * ingest validates with (shared/workers) and the API documents its answers with (OpenAPI).
 */
import { z } from 'zod';

const text = (max: number) => z.string().min(1).max(max);
const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048);

/** "€12.50/kg" → { amount: 12.5, currency: 'EUR', unit: 'kg' }. */
export const unitPriceSchema = z
  .object({
    amount: z.number().min(0),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
      .optional(),
    unit: text(40),
  })
  .strict();

/** The fields an item may carry beside its id and position, one schema each. */
export const itemFieldSchemas = {
  title: z.string().max(2000),
  price: z.number().min(0),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD or RUB'),
  listPrice: z.number().min(0),
  unitPrice: unitPriceSchema,
  brand: text(200),
  rating: z.number().min(0).max(5),
  reviewCount: z.number().int().min(0),
  rank: z.number().int().min(1),
  availability: z.string().max(200),
  seller: z.string().max(500),
  imageUrl: httpUrl,
  url: httpUrl,
  sponsored: z.boolean(),
  organicPosition: z.number().int().min(1),
  resultCount: z.number().int().min(0),
} as const;

export const itemSchema = z.object({
  id: text(256),
  position: z.number().int().min(1),
  title: itemFieldSchemas.title.optional(),
  price: itemFieldSchemas.price.optional(),
  currency: itemFieldSchemas.currency.optional(),
  listPrice: itemFieldSchemas.listPrice.optional(),
  unitPrice: itemFieldSchemas.unitPrice.optional(),
  brand: itemFieldSchemas.brand.optional(),
  rating: itemFieldSchemas.rating.optional(),
  reviewCount: itemFieldSchemas.reviewCount.optional(),
  rank: itemFieldSchemas.rank.optional(),
  availability: itemFieldSchemas.availability.optional(),
  seller: itemFieldSchemas.seller.optional(),
  imageUrl: itemFieldSchemas.imageUrl.optional(),
  url: itemFieldSchemas.url.optional(),
  sponsored: itemFieldSchemas.sponsored.optional(),
  organicPosition: itemFieldSchemas.organicPosition.optional(),
});

/** A saved snapshot as `GET /runs/{runId}/items` returns it. */
export const itemSnapshotSchema = z.object({
  itemKey: z.string(),
  snapshotId: z.string().describe('`<slot>#<runId>`, or `<slot>#<runId>#sponsored` for an ad'),
  runId: z.string(),
  definitionId: z.string(),
  slot: z.string(),
  platform: z.string(),
  marketplace: z.string(),
  crawlType: z.string(),
  pageNumber: z.number().int().min(1),
  capturedBy: z.string(),
  capturedAt: z.string(),
  resultCount: itemFieldSchemas.resultCount
    .optional()
    .describe('Listings: the result count the page states, on each snapshot of the page'),
  item: itemSchema,
  expiresAt: z.number().int(),
});
