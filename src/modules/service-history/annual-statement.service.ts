import { badInput } from '../../common/errors';
import { groupedLoader } from '../../common/grouped-loader';
import { spendingCategoryLabel, statementYearRange } from './annual-statement';
import { AnnualStatementRepository, StatementRow } from './annual-statement.repository';
import { subtractDecimal } from './decimal';
import { ServiceHistoryConfig } from './service-history.config';

/** Entries in each top list (categories, merchants). */
export const STATEMENT_TOP = 5;

export interface AnnualStatementView {
  customerId: string;
  year: number;
  from: Date;
  to: Date;
  timeZone: string;
  moneyIn: string;
  moneyOut: string;
  net: string;
  repayments: string;
  transactionCount: number;
  spending: string;
  topSpendingCategories: { code: string; label: string; amount: string; transactions: number; share: string }[];
  topMerchants: { name: string; amount: string; transactions: number }[];
  partnerBenefits: {
    totalSpent: string;
    totalCashback: string;
    partners: { partnerId: string; amount: string; purchases: number; cashbackRate: string; cashback: string }[];
  };
  mobile: {
    enrolledAt: Date | null;
    activatedAt: Date | null;
    firstLoginAt: Date | null;
    firstLoginThisYear: boolean;
    sessions: number;
    mostUsedFeature: string | null;
    mostUsedFeatureSessions: number | null;
    busiestMonth: number | null;
    busiestMonthSessions: number | null;
  };
  savings: { accounts: number; openingBalance: string; closingBalance: string; netFlow: string; interestEarned: string };
  moments: {
    largestPurchase: { amount: string; bookedAt: Date; counterpartyName: string | null; merchantCategoryCode: string | null } | null;
    firstLoanRepaid: { principal: string; grantedAt: Date; repaidAt: Date } | null;
    accountsOpened: number;
    newPartners: number;
  };
}

/** Money strings carry 2 places. */
export const subtractMoney = (a: string, b: string): string => subtractDecimal(a, b, 2);

export function toStatementView(customerId: string, year: number, timeZone: string, r: StatementRow): AnnualStatementView {
  const inYear = (d: Date | null) => d !== null && d >= r.from && d < r.to;
  return {
    customerId,
    year,
    from: r.from,
    to: r.to,
    timeZone,
    moneyIn: r.moneyIn,
    moneyOut: r.moneyOut,
    net: subtractMoney(r.moneyIn, r.moneyOut),
    repayments: r.repayments,
    transactionCount: r.transactionCount,
    spending: r.spending,
    topSpendingCategories: r.categories.map((c) => ({ ...c, label: spendingCategoryLabel(c.code) })),
    topMerchants: r.merchants,
    partnerBenefits: { totalSpent: r.partnerSpent, totalCashback: r.partnerCashback, partners: r.partners },
    mobile: {
      enrolledAt: r.enrolledAt,
      activatedAt: r.activatedAt,
      firstLoginAt: r.firstLoginAt,
      firstLoginThisYear: inYear(r.firstLoginAt),
      sessions: r.sessions,
      mostUsedFeature: r.topFeature?.feature ?? null,
      mostUsedFeatureSessions: r.topFeature ? Number(r.topFeature.sessions) : null,
      busiestMonth: r.busiestMonth?.month ?? null,
      busiestMonthSessions: r.busiestMonth ? Number(r.busiestMonth.sessions) : null,
    },
    savings: {
      accounts: r.savingsAccounts,
      openingBalance: subtractMoney(r.savingsClosing, r.savingsNetFlow),
      closingBalance: r.savingsClosing,
      netFlow: r.savingsNetFlow,
      interestEarned: r.savingsInterest,
    },
    moments: {
      largestPurchase: r.largestPurchase ? { ...r.largestPurchase, bookedAt: new Date(r.largestPurchase.bookedAt) } : null,
      firstLoanRepaid: r.firstLoanRepaid
        ? { principal: r.firstLoanRepaid.principal, grantedAt: new Date(r.firstLoanRepaid.grantedAt), repaidAt: new Date(r.firstLoanRepaid.repaidAt) }
        : null,
      accountsOpened: r.accountsOpened,
      newPartners: r.newPartners,
    },
  };
}

export function createAnnualStatementLoaders(repo: AnnualStatementRepository, config: ServiceHistoryConfig) {
  return {
    statementByCustomerLoader: groupedLoader(
      (ids: string[], year: number) =>
        repo.statements(ids, { year, timeZone: config.statementTimeZone, cashback: config.cashback, top: STATEMENT_TOP }),
      (id: string) => id,
    ),
  };
}

/** A customer's year in figures, like the annual summaries payment apps send. Empty years give zeros, not errors. */
export class AnnualStatementService {
  constructor(
    private readonly loaders: ReturnType<typeof createAnnualStatementLoaders>,
    private readonly config: ServiceHistoryConfig,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async statementOf(customerLocalId: string, year: number): Promise<AnnualStatementView> {
    const { min, max } = statementYearRange(this.clock(), this.config.statementTimeZone);
    if (!Number.isInteger(year) || year < min || year > max) throw badInput('year', `year must be between ${min} and ${max}`);
    const row = await this.loaders.statementByCustomerLoader.load({ parent: customerLocalId, args: year });
    return toStatementView(customerLocalId, year, this.config.statementTimeZone, row);
  }
}
