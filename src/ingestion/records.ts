import {
  ACCOUNT_STATUSES,
  CARD_TIERS,
  CARD_TYPES,
  CHANNELS,
  COUNTERPARTY_KINDS,
  HOLDER_ROLES,
  LOAN_STATUSES,
  PRODUCT_TYPES,
  STANDING_ORDER_PURPOSES,
} from '../modules/core-banking/core-banking.values';
import { GENDERS, INCOME_BANDS } from '../modules/customer/customer.values';
import { IdentifierValues } from '../modules/identity/match-rules';

/** The three source kinds; a partner source's system is "partner:<code>". */
export const SOURCE_KINDS = ['core-banking', 'mobile-banking', 'partner'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const RECORD_TYPES = ['customer', 'account', 'account_holder', 'card', 'loan', 'standing_order', 'transaction', 'enrolment', 'session', 'purchase'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** Which record types each source may send. */
export const TYPES_BY_SOURCE: Readonly<Record<SourceKind, readonly RecordType[]>> = {
  'core-banking': ['customer', 'account', 'account_holder', 'card', 'loan', 'standing_order', 'transaction'],
  'mobile-banking': ['customer', 'enrolment', 'session'],
  partner: ['customer', 'purchase'],
};

/** Parents are written before children within a batch. */
export const WRITE_ORDER: readonly RecordType[] = RECORD_TYPES;


export type FieldKind = 'text' | 'date' | 'timestamp' | 'decimal' | 'int' | 'enum' | 'list' | 'currency' | 'mcc' | 'lastFour' | 'codes';

export interface FieldSpec {
  kind: FieldKind;
  required?: boolean;
  values?: readonly string[];
  /** For int: smallest allowed value. */
  min?: number;
}

const text: FieldSpec = { kind: 'text' };
const reqText: FieldSpec = { kind: 'text', required: true };
const codes: FieldSpec = { kind: 'codes' };

/** Canonical fields per record type (camelCase in NDJSON and in CSV headers). `key` is the source key. */
export const FIELD_SPECS: Readonly<Record<RecordType, Readonly<Record<string, FieldSpec>>>> = {
  customer: {
    key: reqText,
    fullName: text,
    birthDate: { kind: 'date' },
    gender: { kind: 'enum', values: GENDERS },
    occupation: text,
    incomeBand: { kind: 'enum', values: INCOME_BANDS },
    city: text,
    region: text,
    nationalId: text,
    phone: text,
    email: text,
    updatedAt: { kind: 'timestamp' },
    sourceCodes: codes,
  },
  account: {
    key: reqText,
    customerKey: reqText,
    productType: { kind: 'enum', values: PRODUCT_TYPES, required: true },
    accountNumber: text,
    currency: { kind: 'currency' },
    status: { kind: 'enum', values: ACCOUNT_STATUSES },
    openedAt: { kind: 'timestamp', required: true },
    closedAt: { kind: 'timestamp' },
    balance: { kind: 'decimal' },
    creditLimit: { kind: 'decimal' },
    interestRate: { kind: 'decimal' },
    sourceCodes: codes,
  },
  account_holder: {
    key: reqText,
    accountKey: reqText,
    customerKey: reqText,
    role: { kind: 'enum', values: HOLDER_ROLES, required: true },
  },
  card: {
    key: reqText,
    accountKey: reqText,
    customerKey: text,
    cardNumber: text,
    lastFour: { kind: 'lastFour' },
    cardType: { kind: 'enum', values: CARD_TYPES, required: true },
    tier: { kind: 'enum', values: CARD_TIERS },
    partnerCode: text,
    issuedAt: { kind: 'timestamp', required: true },
    sourceCodes: codes,
  },
  loan: {
    key: reqText,
    accountKey: reqText,
    principal: { kind: 'decimal', required: true },
    termMonths: { kind: 'int', required: true, min: 1 },
    monthlyPayment: { kind: 'decimal' },
    status: { kind: 'enum', values: LOAN_STATUSES, required: true },
    grantedAt: { kind: 'timestamp', required: true },
    sourceCodes: codes,
  },
  standing_order: {
    key: reqText,
    accountKey: reqText,
    amount: { kind: 'decimal', required: true },
    currency: { kind: 'currency' },
    purpose: { kind: 'enum', values: STANDING_ORDER_PURPOSES, required: true },
    recipientBank: text,
    recipientAccount: text,
    sourceCodes: codes,
  },
  transaction: {
    key: reqText,
    accountKey: reqText,
    bookedAt: { kind: 'timestamp', required: true },
    amount: { kind: 'decimal', required: true },
    currency: { kind: 'currency' },
    channel: { kind: 'enum', values: CHANNELS, required: true },
    counterpartyKind: { kind: 'enum', values: COUNTERPARTY_KINDS, required: true },
    counterpartyName: text,
    merchantCategoryCode: { kind: 'mcc' },
    description: text,
    sourceCodes: codes,
  },
  enrolment: {
    key: reqText,
    customerKey: reqText,
    enrolledAt: { kind: 'timestamp', required: true },
    activatedAt: { kind: 'timestamp' },
    transferLimit: { kind: 'decimal' },
    devices: { kind: 'list' },
  },
  session: {
    key: reqText,
    customerKey: reqText,
    startedAt: { kind: 'timestamp', required: true },
    durationSeconds: { kind: 'int', required: true, min: 0 },
    featuresUsed: { kind: 'list' },
  },
  purchase: {
    key: reqText,
    customerKey: reqText,
    purchasedAt: { kind: 'timestamp', required: true },
    amount: { kind: 'decimal', required: true },
    currency: { kind: 'currency' },
    category: text,
    merchantCategoryCode: { kind: 'mcc' },
    sourceCodes: codes,
  },
};

/** A validated record: canonical values (strings for decimals and times, never JS floats). */
export interface ValidRecord {
  type: RecordType;
  key: string;
  /** Field values after validation; absent optional fields are null. */
  values: Record<string, string | number | string[] | Record<string, unknown> | null>;
  /** Customer records and cards: normalised identifiers (hashes keyed). */
  identifiers?: IdentifierValues;
  file: string;
  line: number;
}

export interface Rejection {
  file: string;
  line: number;
  type?: string;
  key?: string;
  field?: string;
  reason: string;
}

/** One unit out of a format reader or adapter: a raw record to validate, or a line that could not be read. */
export interface SourceItem {
  file: string;
  line: number;
  raw?: Record<string, unknown>;
  rejection?: Rejection;
}

export function sourceSystemOf(kind: SourceKind, partnerCode?: string): string {
  if (kind === 'partner') {
    if (!partnerCode) throw new Error('a partner source needs --partner CODE');
    return `partner:${partnerCode}`;
  }
  return kind;
}
