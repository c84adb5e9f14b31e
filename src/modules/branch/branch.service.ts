import { batchLoader, inKeyOrder } from '../../common/grouped-loader';
import { toGlobalId } from '../../common/global-id';
import { BranchRepository, BranchRow } from './branch.repository';

export const BRANCH_TYPE = 'Branch';
export type BranchView = Omit<BranchRow, 'id'> & { id: string; localId: string };
const toBranchView = (row: BranchRow): BranchView => ({ ...row, id: toGlobalId(BRANCH_TYPE, row.id), localId: row.id });

export function createBranchLoaders(repo: BranchRepository) {
  return {
    branchByIdLoader: batchLoader<string, BranchRow | null>('branchByIdLoader', async (ids) => inKeyOrder(ids, await repo.findByIds(ids), (r) => r.id)),
  };
}

export class BranchService {
  constructor(
    private readonly repo: BranchRepository,
    private readonly loaders: ReturnType<typeof createBranchLoaders>,
  ) {}

  async all(): Promise<BranchView[]> {
    return (await this.repo.findAll()).map(toBranchView);
  }

  async byLocalId(id: string | null): Promise<BranchView | null> {
    if (id == null) return null;
    const row = await this.loaders.branchByIdLoader.load(id);
    return row ? toBranchView(row) : null;
  }
}
