import { performance } from 'node:perf_hooks';
import { BUILT_IN_SEGMENTS } from './built-in-segments';
import { refreshOrder } from './segment-dependencies';
import { SegmentRepository } from './segment.repository';

export interface SegmentRefreshResult {
  key: string;
  size: number;
  entered: number;
  exited: number;
}

export interface RefreshResult {
  refreshId: string;
  /** The clock the definitions were evaluated at. */
  asOf: Date;
  segments: SegmentRefreshResult[];
  entered: number;
  exited: number;
  elapsedMs: number;
}

export interface RefreshOptions {
  /** Default: the service's clock. */
  now?: Date | null;
  /**
   * Called after each segment is recomputed, inside the transaction (progress output). A throw aborts the
   * refresh and rolls every segment back.
   */
  onSegment?: (result: SegmentRefreshResult) => void | Promise<void>;
}

/**
 * Recomputes every segment's membership in ONE transaction: built-ins are re-synced from code, definitions
 * re-validated and ordered by dependency, then each segment is refreshed set-wise in SQL. Anything that
 * fails half-way rolls back, so readers keep the previous memberships. Used by the API, the CLI and the bench.
 */
export class SegmentRefreshService {
  constructor(
    private readonly repo: SegmentRepository,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async refreshAll(options: RefreshOptions = {}): Promise<RefreshResult> {
    const asOf = options.now ?? this.clock();
    const started = performance.now();
    return this.repo.inTransaction(async (tx) => {
      await tx.syncBuiltIns(BUILT_IN_SEGMENTS);
      const segments = refreshOrder(await tx.listAll());
      const refreshId = await tx.startRefresh(asOf);
      const results: SegmentRefreshResult[] = [];
      for (const segment of segments) {
        const counts = await tx.refreshSegment(segment, asOf, refreshId);
        const result = { key: segment.key, ...counts };
        results.push(result);
        await options.onSegment?.(result);
      }
      const entered = results.reduce((n, r) => n + r.entered, 0);
      const exited = results.reduce((n, r) => n + r.exited, 0);
      await tx.finishRefresh(refreshId, { segments: results.length, entered, exited });
      return { refreshId, asOf, segments: results, entered, exited, elapsedMs: performance.now() - started };
    });
  }
}
