import { batchLoader, groupInKeyOrder, inKeyOrder } from '../../common/grouped-loader';
import { CustomerRepository, CustomerRow, SourceRow } from './customer.repository';

export function createCustomerLoaders(repo: CustomerRepository) {
  return {
    customerByIdLoader: batchLoader<string, CustomerRow | null>('customerByIdLoader', async (ids) =>
      inKeyOrder(ids, await repo.findByIds(ids), (r) => r.id),
    ),
    sourcesByCustomerIdLoader: batchLoader<string, SourceRow[]>('sourcesByCustomerIdLoader', async (ids) => {
      const index = new Map(ids.map((id, i) => [id, i] as const));
      return groupInKeyOrder(ids.length, await repo.sourcesByCustomerIds(ids), (r) => index.get(r.customerId)!);
    }),
  };
}

export type CustomerLoaders = ReturnType<typeof createCustomerLoaders>;
