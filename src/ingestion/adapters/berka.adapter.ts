import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { readDelimited, TableRow } from '../formats/delimited';
import { ByteProgress, FileFormatError } from '../formats/read-lines';
import { SourceItem } from '../records';

/**
 * The PKDD'99 Berka tables (';'-separated, quoted, CRLF) as canonical core-banking records. Small tables
 * (district, disp) are read into maps first; transactions are streamed. Czech codes become the platform's
 * enums and the original codes are kept in sourceCodes.
 */
export const BERKA_FILES = ['district.asc', 'client.asc', 'disp.asc', 'account.asc', 'card.asc', 'loan.asc', 'order.asc'] as const;

/** YYMMDD -> 19YY-MM-DD (the data covers 1993-1998; clients born 1911-1987). */
export function berkaDate(yymmdd: string): string {
  const s = yymmdd.trim().slice(0, 6);
  if (!/^\d{6}$/.test(s)) return s; // left to validation, which rejects it as a bad date
  return `19${s.slice(0, 2)}-${s.slice(2, 4)}-${s.slice(4, 6)}`;
}

/** birth_number YYMMDD with 50 added to the month for women. */
export function decodeBirthNumber(birthNumber: string): { birthDate: string; gender: 'FEMALE' | 'MALE' } {
  const s = birthNumber.trim();
  const month = Number(s.slice(2, 4));
  const female = month > 50;
  const mm = String(female ? month - 50 : month).padStart(2, '0');
  return { birthDate: `19${s.slice(0, 2)}-${mm}-${s.slice(4, 6)}`, gender: female ? 'FEMALE' : 'MALE' };
}

export const LOAN_STATUS: Readonly<Record<string, string>> = { A: 'REPAID', B: 'DEFAULTED', C: 'ACTIVE', D: 'IN_ARREARS' };
export const CARD_TIER: Readonly<Record<string, string>> = { classic: 'CLASSIC', junior: 'JUNIOR', gold: 'GOLD' };
/** order.asc k_symbol: what a standing order pays (blank: not given). */
export const ORDER_PURPOSE: Readonly<Record<string, string>> = {
  POJISTNE: 'INSURANCE',
  SIPO: 'HOUSEHOLD_BILLS',
  LEASING: 'LEASING',
  UVER: 'LOAN_REPAYMENT',
  '': 'OTHER',
};

/** k_symbol says what the money was for; it decides the counterparty when present. */
const K_SYMBOL_KIND: Readonly<Record<string, string>> = {
  SLUZBY: 'BANK_FEE',
  UROK: 'INTEREST',
  'SANKC. UROK': 'BANK_FEE', // penalty interest charged by the bank
  DUCHOD: 'GOVERNMENT', // pension
  POJISTNE: 'MERCHANT', // insurance premium
  SIPO: 'MERCHANT', // household bills
  UVER: 'OWN_BANK', // loan instalment to this bank
};

const OPERATION: Readonly<Record<string, { channel: string; kind: string; text: string }>> = {
  'VYBER KARTOU': { channel: 'ATM', kind: 'CASH', text: 'card withdrawal' },
  VKLAD: { channel: 'BRANCH', kind: 'CASH', text: 'cash credit' },
  'PREVOD Z UCTU': { channel: 'BRANCH', kind: 'OTHER_BANK', text: 'collection from another bank' },
  VYBER: { channel: 'BRANCH', kind: 'CASH', text: 'cash withdrawal' },
  'PREVOD NA UCET': { channel: 'BRANCH', kind: 'OTHER_BANK', text: 'remittance to another bank' },
};

/** trans row -> canonical transaction fields; unknown codes come back as the raw code so validation rejects them. */
export function mapBerkaTransaction(c: Record<string, string>): Record<string, unknown> {
  const type = c.type.trim();
  const operation = c.operation.trim();
  const kSymbol = c.k_symbol.trim();
  const sign = type === 'PRIJEM' ? '' : type === 'VYDAJ' || type === 'VYBER' ? '-' : undefined;
  const op = operation === '' ? undefined : OPERATION[operation];
  const kind = kSymbol ? K_SYMBOL_KIND[kSymbol] : undefined;
  const amount = c.amount.trim();
  const counterparty = [c.bank.trim(), c.account.trim()].filter(Boolean).join(' ');
  return {
    type: 'transaction',
    key: c.trans_id.trim(),
    accountKey: c.account_id.trim(),
    bookedAt: berkaDate(c.date),
    amount: sign === undefined ? `type:${type}` : amount.startsWith('-') ? amount : `${sign}${amount}`,
    currency: 'CZK',
    channel: op?.channel ?? (operation === '' ? 'BRANCH' : operation),
    counterpartyKind: kind ?? op?.kind ?? (operation === '' ? (kSymbol === '' ? 'OWN_BANK' : kSymbol) : operation),
    counterpartyName: counterparty || undefined,
    description: [op?.text, kSymbol].filter(Boolean).join(': ') || undefined,
    sourceCodes: { type, operation: operation || null, kSymbol: kSymbol || null, balance: c.balance.trim(), bank: c.bank.trim() || null, account: c.account.trim() || null },
  };
}

function transFile(dir: string): string {
  for (const name of ['trans.asc', 'trans_upto_19940330.asc']) if (existsSync(path.join(dir, name))) return path.join(dir, name);
  throw new FileFormatError(dir, 'no trans.asc (or trans_upto_19940330.asc) in the Berka folder');
}

export function berkaFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new FileFormatError(dir, 'the berka format takes the folder holding the .asc files');
  const missing = BERKA_FILES.filter((f) => !existsSync(path.join(dir, f)));
  if (missing.length) throw new FileFormatError(dir, `missing Berka file(s): ${missing.join(', ')}`);
  return [...BERKA_FILES.map((f) => path.join(dir, f)), transFile(dir)];
}

async function* table(file: string, columns: string[], progress?: ByteProgress): AsyncGenerator<TableRow> {
  yield* readDelimited(file, { delimiter: ';', requiredColumns: columns, progress });
}

/**
 * Each account's balance at the end of the data, as the bank's books state it: account.asc has no balance, but
 * every trans row carries the balance after it. The file is in date order, but a day's rows are not in booking
 * order, so the last row is not always the day's closing balance. Of the last day's row balances, the one with
 * all of the day's transactions applied is the one nearest the account's running total of signed amounts. That
 * total carries the data's rounding noise (up to 0.70 CZK), so it only chooses among the stated balances and is
 * never stored itself. A pre-pass over trans.asc that keeps one entry per account.
 */
export async function closingBalances(file: string): Promise<Map<string, string>> {
  const accounts = new Map<string, { cents: number; date: string; balances: string[] }>();
  for await (const row of readDelimited(file, { delimiter: ';', requiredColumns: ['account_id', 'date', 'type', 'amount', 'balance'] })) {
    if (!row.cells) continue; // the main pass reports it
    const c = row.cells;
    const cents = Math.round(Number(c.amount.trim()) * 100);
    if (!Number.isFinite(cents)) continue; // the main pass rejects the row, naming the amount
    const id = c.account_id.trim();
    const date = c.date.trim();
    let account = accounts.get(id);
    if (!account) {
      account = { cents: 0, date, balances: [] };
      accounts.set(id, account);
    }
    account.cents += c.type.trim() === 'PRIJEM' ? cents : -cents;
    if (date !== account.date) {
      account.date = date;
      account.balances = [];
    }
    account.balances.push(c.balance.trim());
  }
  const closing = new Map<string, string>();
  for (const [id, a] of accounts) {
    // A missing balance or one that is not a number is chosen only when the day has no other: the account record
    // carries it as stated, and validation rejects one that is not a number, naming the account's balance.
    const distance = (b: string) => (b === '' || Number.isNaN(Number(b)) ? Infinity : Math.abs(Math.round(Number(b) * 100) - a.cents));
    closing.set(id, a.balances.reduce((best, b) => (distance(b) < distance(best) ? b : best)));
  }
  return closing;
}

/** The whole folder as one ordered stream: parents (clients, accounts) before children (cards, loans, standing orders, transactions). */
export async function* readBerka(dir: string, progress?: ByteProgress): AsyncGenerator<SourceItem> {
  const f = (name: string) => path.join(dir, name);
  berkaFiles(dir);

  const districts = new Map<string, { city: string; region: string }>();
  for await (const row of table(f('district.asc'), ['A1', 'A2', 'A3'], progress)) {
    if (row.cells) districts.set(row.cells.A1.trim(), { city: row.cells.A2.trim(), region: row.cells.A3.trim() });
    else if (row.rejection) yield { file: row.rejection.file, line: row.line, rejection: row.rejection };
  }

  for await (const row of table(f('client.asc'), ['client_id', 'birth_number', 'district_id'], progress)) {
    if (!row.cells) {
      yield { file: f('client.asc'), line: row.line, rejection: row.rejection };
      continue;
    }
    const c = row.cells;
    const { birthDate, gender } = decodeBirthNumber(c.birth_number);
    const district = districts.get(c.district_id.trim());
    yield {
      file: f('client.asc'),
      line: row.line,
      raw: {
        type: 'customer',
        key: c.client_id.trim(),
        birthDate,
        gender,
        city: district?.city,
        region: district?.region,
        sourceCodes: { birthNumber: c.birth_number.trim(), districtId: c.district_id.trim() },
      },
    };
  }

  // disp links clients to accounts; the OWNER row gives account.customer_id, card rows go through disp too.
  const dispRows = new Map<string, { client: string; account: string; type: string; line: number }>();
  const ownerOf = new Map<string, string>();
  for await (const row of table(f('disp.asc'), ['disp_id', 'client_id', 'account_id', 'type'], progress)) {
    if (!row.cells) {
      yield { file: f('disp.asc'), line: row.line, rejection: row.rejection };
      continue;
    }
    const c = row.cells;
    const d = { client: c.client_id.trim(), account: c.account_id.trim(), type: c.type.trim(), line: row.line };
    dispRows.set(c.disp_id.trim(), d);
    if (d.type === 'OWNER') ownerOf.set(d.account, d.client);
  }

  const balances = await closingBalances(transFile(dir));
  for await (const row of table(f('account.asc'), ['account_id', 'district_id', 'frequency', 'date'], progress)) {
    if (!row.cells) {
      yield { file: f('account.asc'), line: row.line, rejection: row.rejection };
      continue;
    }
    const c = row.cells;
    yield {
      file: f('account.asc'),
      line: row.line,
      raw: {
        type: 'account',
        key: c.account_id.trim(),
        customerKey: ownerOf.get(c.account_id.trim()),
        productType: 'CURRENT',
        currency: 'CZK',
        openedAt: berkaDate(c.date),
        // None for an account with no transactions in the data: it has the default, 0.
        balance: balances.get(c.account_id.trim()),
        sourceCodes: { frequency: c.frequency.trim(), districtId: c.district_id.trim() },
      },
    };
  }

  // Holders are emitted after accounts so they never wait in pending; line numbers point into disp.asc.
  for (const [dispId, d] of dispRows) {
    yield {
      file: f('disp.asc'),
      line: d.line,
      raw: { type: 'account_holder', key: dispId, accountKey: d.account, customerKey: d.client, role: d.type },
    };
  }

  for await (const row of table(f('card.asc'), ['card_id', 'disp_id', 'type', 'issued'], progress)) {
    if (!row.cells) {
      yield { file: f('card.asc'), line: row.line, rejection: row.rejection };
      continue;
    }
    const c = row.cells;
    const disp = dispRows.get(c.disp_id.trim());
    yield {
      file: f('card.asc'),
      line: row.line,
      raw: {
        type: 'card',
        key: c.card_id.trim(),
        accountKey: disp?.account,
        customerKey: disp?.client,
        // PKDD'99 guide: these are credit cards.
        cardType: 'CREDIT',
        tier: CARD_TIER[c.type.trim()] ?? c.type.trim(),
        issuedAt: berkaDate(c.issued),
        sourceCodes: { type: c.type.trim(), dispId: c.disp_id.trim() },
      },
    };
  }

  for await (const row of table(f('loan.asc'), ['loan_id', 'account_id', 'date', 'amount', 'duration', 'payments', 'status'], progress)) {
    if (!row.cells) {
      yield { file: f('loan.asc'), line: row.line, rejection: row.rejection };
      continue;
    }
    const c = row.cells;
    yield {
      file: f('loan.asc'),
      line: row.line,
      raw: {
        type: 'loan',
        key: c.loan_id.trim(),
        accountKey: c.account_id.trim(),
        principal: c.amount.trim(),
        termMonths: c.duration.trim(),
        monthlyPayment: c.payments.trim(),
        status: LOAN_STATUS[c.status.trim()] ?? c.status.trim(),
        grantedAt: berkaDate(c.date),
        sourceCodes: { status: c.status.trim() },
      },
    };
  }

  for await (const row of table(f('order.asc'), ['order_id', 'account_id', 'bank_to', 'account_to', 'amount', 'k_symbol'], progress)) {
    if (!row.cells) {
      yield { file: f('order.asc'), line: row.line, rejection: row.rejection };
      continue;
    }
    const c = row.cells;
    const kSymbol = c.k_symbol.trim();
    yield {
      file: f('order.asc'),
      line: row.line,
      raw: {
        type: 'standing_order',
        key: c.order_id.trim(),
        accountKey: c.account_id.trim(),
        amount: c.amount.trim(),
        currency: 'CZK',
        purpose: ORDER_PURPOSE[kSymbol] ?? kSymbol, // an unknown code is rejected by validation, naming it
        recipientBank: c.bank_to.trim() || undefined,
        recipientAccount: c.account_to.trim() || undefined,
        sourceCodes: { kSymbol: kSymbol || null },
      },
    };
  }

  const trans = transFile(dir);
  for await (const row of table(trans, ['trans_id', 'account_id', 'date', 'type', 'operation', 'amount', 'balance', 'k_symbol', 'bank', 'account'], progress)) {
    if (!row.cells) yield { file: trans, line: row.line, rejection: row.rejection };
    else yield { file: trans, line: row.line, raw: mapBerkaTransaction(row.cells) };
  }
}
