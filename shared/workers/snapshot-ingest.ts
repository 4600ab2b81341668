/**
 * Items a browser worker sends (seed 004: `POST /market/snapshots/ingest` with `[product]`),
 * saved through the same ItemStore and snapshot records the scraper writes. The seed's body names
 * no task, so the run is found from the caller: the run held by the worker that registered with
 * the same token. A body may also name it (`{ task_id, worker_id?, products }`).
 */
import { z } from 'zod';
import type { ChangeRecorder } from '../changes/index.ts';
import { ConflictError } from '../errors/index.ts';
import {
  type Item,
  itemFieldSchemas,
  type ItemStore,
  snapshotOf,
  snapshotSourceOf,
} from '../results/index.ts';
import { LeaseLostError, type Run, runIdSchema, type RunStore } from '../runs/index.ts';
import { workerLeaseOwner } from './task-broker.ts';
import { workerIdSchema, type WorkerStore } from './worker-store.ts';

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048);
const count = z.number().int().min(0);

/** One product as a worker sends it; keys not listed here (sales data...) are ignored. */
export const seedProductSchema = z
  .object({
    product_id: z.union([z.string().min(1).max(256), z.number().int().min(0)]).optional(),
    id: z.union([z.string().min(1).max(256), z.number().int().min(0)]).optional(),
    title: z.string().max(2000).optional(),
    price: z.number().min(0).optional(),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 code such as USD or RUB')
      .optional(),
    rating: z.number().min(0).max(5).optional(),
    review_count: count.optional(),
    rank: z.number().int().min(1).optional(),
    availability: z.string().max(200).optional(),
    seller: z.string().max(500).optional(),
    image_url: httpUrl.optional(),
    url: httpUrl.optional(),
    position: z.number().int().min(1).optional(),
    page: z.number().int().min(1).max(10_000).optional(),
    // Richer items (optional), validated by the item's own field schemas (shared/results).
    list_price: itemFieldSchemas.listPrice.optional(),
    unit_price: itemFieldSchemas.unitPrice.optional(),
    brand: itemFieldSchemas.brand.optional(),
    sponsored: itemFieldSchemas.sponsored.optional(),
    organic_position: itemFieldSchemas.organicPosition.optional(),
    /** The result count the listing page states (a page-level value, kept on the snapshot). */
    result_count: itemFieldSchemas.resultCount.optional(),
  })
  .refine((product) => product.product_id !== undefined || product.id !== undefined, {
    message: 'needs product_id (or id)',
    path: ['product_id'],
  });

export type SeedProduct = z.infer<typeof seedProductSchema>;

const products = z.array(seedProductSchema).min(1, 'must hold at least one product').max(100);

export const ingestBodySchema = z.union([
  products,
  z.object({ task_id: runIdSchema, worker_id: workerIdSchema.optional(), products }).strict(),
]);

export type IngestBody = z.infer<typeof ingestBodySchema>;

export function itemOf(product: SeedProduct, index: number): Item {
  const optional = {
    title: product.title,
    price: product.price,
    currency: product.currency?.toUpperCase(),
    rating: product.rating,
    reviewCount: product.review_count,
    rank: product.rank,
    availability: product.availability,
    seller: product.seller,
    imageUrl: product.image_url,
    url: product.url,
    listPrice: product.list_price,
    unitPrice: product.unit_price,
    brand: product.brand,
    // Only an ad is flagged, as the extractors do: `false` is the same as absent.
    sponsored: product.sponsored === true ? true : undefined,
    organicPosition: product.sponsored === true ? undefined : product.organic_position,
  };
  return {
    id: String(product.product_id ?? product.id),
    position: product.position ?? index + 1,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  };
}

export interface IngestOptions {
  readonly runs: RunStore;
  readonly workers: WorkerStore;
  readonly items: ItemStore;
  readonly itemRetentionDays: number;
  /** Change detection on every ingest, as on every page the scraper saves; none: off. */
  readonly changes?: Pick<ChangeRecorder, 'baselineOf' | 'recordPage'>;
}

export class SnapshotIngest {
  private readonly options: IngestOptions;

  constructor(options: IngestOptions) {
    this.options = options;
  }

  /**
   * Whether the lease owner `worker:<id>` was registered with this token: a worker token may add
   * items only to runs its own workers hold (a late ingest after another token's takeover is refused).
   */
  private async isWorkerOfToken(owner: string, tokenId: string): Promise<boolean> {
    const worker = await this.options.workers.get(owner.slice('worker:'.length));
    return worker !== undefined && (worker.tokenId === undefined || worker.tokenId === tokenId);
  }

  /** Saves the products as snapshots of the run; returns the run and how many were saved. */
  async ingest(body: IngestBody, tokenId: string, nowMs: number): Promise<{ run: Run; saved: number }> {
    const named = Array.isArray(body) ? undefined : body;
    const run = named ? await this.options.runs.require(named.task_id) : await this.runOfToken(tokenId);
    const owner = run.lease?.owner;
    const heldByWorker =
      run.status === 'RUNNING' &&
      owner !== undefined &&
      (run.lease?.expiresAtMs ?? 0) > nowMs &&
      (named?.worker_id ? owner === workerLeaseOwner(named.worker_id) : owner.startsWith('worker:')) &&
      (await this.isWorkerOfToken(owner, tokenId));
    if (!heldByWorker) throw new LeaseLostError(run.runId, run.lease?.fencingToken ?? run.fencingToken, run);
    const list = Array.isArray(body) ? body : body.products;
    const lastPage = (run.checkpoint?.page ?? 0) + 1;
    const snapshots = list.map((product, index) =>
      snapshotOf(
        snapshotSourceOf(run, product.page ?? lastPage, owner, product.result_count),
        itemOf(product, index),
        nowMs,
        this.options.itemRetentionDays,
      ),
    );
    const { changes } = this.options;
    // The baseline reads earlier runs only: it loads while the snapshots are saved.
    const listing = changes?.baselineOf(run);
    listing?.catch(() => undefined);
    const saved = await this.options.items.save(snapshots);
    if (changes) await changes.recordPage(snapshots, nowMs, listing);
    return { run, saved };
  }

  /** The one run held by a worker registered with this token. */
  private async runOfToken(tokenId: string): Promise<Run> {
    const candidates: { workerId: string; runId: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.options.workers.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const worker of page.workers) {
        if (worker.tokenId === tokenId && worker.currentRunId) {
          candidates.push({ workerId: worker.workerId, runId: worker.currentRunId });
        }
      }
      cursor = page.cursor;
    } while (cursor);
    // A worker record may still name a run taken over since: only runs it really holds count.
    const held: Run[] = [];
    for (const { workerId, runId } of candidates) {
      const run = await this.options.runs.get(runId);
      if (run?.status === 'RUNNING' && run.lease?.owner === workerLeaseOwner(workerId)) held.push(run);
    }
    const [run, ...others] = held;
    if (!run) {
      throw new ConflictError(
        'NO_TASK_HELD',
        'no worker registered with this token holds a task: pull a task first, or send { task_id, products }',
      );
    }
    if (others.length > 0) {
      throw new ConflictError(
        'TASK_AMBIGUOUS',
        `${held.length} workers registered with this token hold tasks: send { task_id, products }, or give each worker its own token`,
      );
    }
    return run;
  }
}
