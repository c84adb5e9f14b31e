import DataLoader from 'dataloader';
import { groupedLoader } from '../../common/grouped-loader';
import { LifetimeValueConfig } from './lifetime-value.config';
import { LifetimeValueRepository, ModelRow, ScoreRow, SegmentValueRow } from './lifetime-value.repository';
import { RealisedValueRow } from './realised-value';

export interface RealisedArgs {
  /** ISO instants, so equal periods group into one batch. */
  from: string;
  to: string;
}

/**
 * Per-request loaders: a page of customers costs one statement for realised value (per distinct period),
 * one for their scores and one for the current model, whatever the page size.
 */
export function createLifetimeValueLoaders(repo: LifetimeValueRepository, config: LifetimeValueConfig, clock: () => Date) {
  // One clock reading per request, so every customer of a page is valued up to the same instant.
  const now = clock();
  return {
    realisedByCustomerLoader: groupedLoader<string, RealisedArgs, RealisedValueRow>(
      (ids, args) => repo.realisedValues(ids, { from: new Date(args.from), to: new Date(args.to) }, now, config),
      (id) => id,
    ),
    scoreByCustomerLoader: new DataLoader<string, ScoreRow | null>((ids) => repo.scoresByCustomerIds(ids)),
    currentModelLoader: new DataLoader<'current', ModelRow | null>(async (keys) => {
      const model = await repo.currentModel();
      return keys.map(() => model);
    }),
    modelByIdLoader: new DataLoader<string, ModelRow | null>((ids) => repo.modelsByIds(ids)),
    segmentValueBySegmentIdLoader: new DataLoader<string, SegmentValueRow>((ids) => repo.segmentValues(ids)),
    now,
  };
}

export type LifetimeValueLoaders = ReturnType<typeof createLifetimeValueLoaders>;
