/**
 * Labels for the statement's spending categories. A category is a merchant category code (ISO 18245) when the
 * transaction has one, otherwise the counterparty kind (e.g. a payment-platform transfer). Pure.
 */
const MCC_LABELS: Readonly<Record<string, string>> = {
  '4111': 'Public transport',
  '4121': 'Taxis and ride hailing',
  '4722': 'Travel agencies',
  '4814': 'Telecom services',
  '4899': 'Streaming and subscriptions',
  '4900': 'Utilities',
  '5311': 'Department stores',
  '5399': 'General merchandise',
  '5411': 'Groceries and supermarkets',
  '5541': 'Fuel',
  '5651': 'Clothing',
  '5732': 'Electronics',
  '5812': 'Restaurants',
  '5814': 'Fast food and cafés',
  '5816': 'Digital goods and games',
  '5912': 'Pharmacies',
  '5995': 'Pet supplies',
  '5999': 'Convenience and specialty shops',
  '7832': 'Cinemas',
  '8062': 'Hospitals',
  '8220': 'Education',
  '8299': 'Schools and training',
};

const KIND_LABELS: Readonly<Record<string, string>> = {
  THIRD_PARTY_PLATFORM: 'Payment platforms (Alipay, WeChat Pay ...)',
  MERCHANT: 'Other merchants',
};

export function spendingCategoryLabel(code: string): string {
  return MCC_LABELS[code] ?? KIND_LABELS[code] ?? `Merchant category ${code}`;
}

/** Years a statement can be asked for: from 1970 to the current year in the bank's calendar. */
export function statementYearRange(now: Date, timeZone: string): { min: number; max: number } {
  const year = Number(new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(now));
  return { min: 1970, max: year };
}
