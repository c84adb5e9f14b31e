import DataLoader from 'dataloader';
import { groupInKeyOrder, inKeyOrder } from '../../common/grouped-loader';
import { CustomerRepository, CustomerRow, SourceRow } from './customer.repository';

export function createCustomerLoaders(repo: CustomerRepository) {
  return {
    customerByIdLoader: new DataLoader<string, CustomerRow | null>(async (ids) =>
      inKeyOrder(ids, await repo.findByIds(ids), (r) => r.id),
    ),
    sourcesByCustomerIdLoader: new DataLoader<string, SourceRow[]>(async (ids) => {
      const index = new Map(ids.map((id, i) => [id, i] as const));
      return groupInKeyOrder(ids.length, await repo.sourcesByCustomerIds(ids), (r) => index.get(r.customerId)!);
    }),
  };
}

export type CustomerLoaders = ReturnType<typeof createCustomerLoaders>;
