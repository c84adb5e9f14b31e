import { ownedLocalId, toGlobalId } from '../../common/global-id';
import { ConnectionData, PageArgs, toConnection, toPage } from '../../common/pagination';
import { MobileBankingLoaders } from './mobile-banking.loaders';
import { EnrolmentRow, SessionRow } from './mobile-banking.repository';

export const MOBILE_SESSION_TYPE = 'MobileSession';

export type MobileBankingView = EnrolmentRow;
export type SessionView = Omit<SessionRow, 'id'> & { id: string; localId: string };

export function toSessionView(row: SessionRow): SessionView {
  return { ...row, id: toGlobalId(MOBILE_SESSION_TYPE, ownedLocalId(row.customerId, row.id)), localId: row.id };
}

export class MobileBankingService {
  constructor(private readonly loaders: MobileBankingLoaders) {}

  async enrolmentOf(customerLocalId: string): Promise<MobileBankingView | null> {
    return this.loaders.enrolmentByCustomerLoader.load(customerLocalId);
  }

  async sessionsOf(customerLocalId: string, args: PageArgs): Promise<ConnectionData<SessionView>> {
    const page = toPage(args);
    const rows = await this.loaders.sessionPageByCustomerLoader.load({ parent: customerLocalId, args: page });
    const connection = toConnection([...rows], page, () => this.loaders.sessionCountByCustomerLoader.load(customerLocalId));
    return { ...connection, edges: connection.edges.map((e) => ({ cursor: e.cursor, node: toSessionView(e.node) })) };
  }
}
