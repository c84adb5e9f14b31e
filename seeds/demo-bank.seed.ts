import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DataSource } from 'typeorm';
import { badInput, DomainException, ErrorCode } from '../src/common/errors';
import type { ProductType, AccountStatus } from '../src/modules/core-banking/account.entity';
import type { CardTier, CardType } from '../src/modules/core-banking/card.entity';
import type { LoanStatus } from '../src/modules/core-banking/loan.entity';
import type { StandingOrderPurpose } from '../src/modules/core-banking/standing-order.entity';
import type { Channel, CounterpartyKind } from '../src/modules/core-banking/transaction.entity';
import type { Gender, IncomeBand } from '../src/modules/customer/customer.entity';
import { identityKeys } from '../src/modules/identity/match-rules';
import { hashKeyFromEnv, keyedHash } from '../src/modules/identity/normalise';
import { Random, WeightedTable, weightedTable } from './random';
import { seedServiceHistory } from './service-history.seed';

/**
 * A deterministic long-tail retail bank: many small customers, a few holding most of the money.
 * Rows are generated per customer from a PRNG stream of their own (seed, customer id), so the content does
 * not depend on chunk size or write method, and written chunk by chunk (memory stays flat in N).
 * PostgreSQL gets COPY FROM STDIN; the embedded PGlite gets INSERT ... SELECT FROM unnest(...) because
 * pglite-socket cannot carry the COPY sub-protocol (the connection dies with "protocol synchronization
 * was lost"; electric-sql/pglite#1028).
 *
 * Conventions: money is a decimal string in CNY; transaction amounts are signed (credit +, debit -);
 * LOAN and CREDIT_CARD balances are negative (money owed); interest rates are annual fractions.
 */

// The same system names ingestion uses (src/ingestion/records.ts), so seeded and ingested rows line up.
export const SEED_SOURCE_SYSTEMS = {
  coreBanking: 'core-banking',
  mobileBanking: 'mobile-banking',
  partner: (code: string) => `partner:${code}`,
} as const;

export const DEFAULT_SEED = 1;

export const SEED_TABLES = [
  'branch',
  'partner',
  'customer',
  'customer_source',
  'customer_identifier',
  'account',
  'bank_transaction',
  'loan',
  'card',
  'standing_order',
  'mobile_enrolment',
  'mobile_session',
  'partner_purchase',
] as const;
export type SeedTable = (typeof SEED_TABLES)[number];

export type SeedWriteMethod = 'copy' | 'insert';

export interface SeedDemoBankOptions {
  customers: number;
  seed?: number;
  /** History ends here. Default: the start of the current UTC day, so same-day reruns are identical. */
  now?: Date;
  /** Empty the customer-owned tables first instead of refusing a database that already has customers. */
  replace?: boolean;
  /** Default: COPY on PostgreSQL, INSERT on PGlite (detected from version()). */
  method?: SeedWriteMethod;
  /** Customers generated and written per round; bounds memory. */
  chunkSize?: number;
  /** Keys the identifier hashes, as ingestion does; default FATTAIL_HASH_KEY (hashKeyFromEnv). */
  hashKey?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface SeedSummary {
  customers: number;
  seed: number;
  now: string;
  method: SeedWriteMethod;
  counts: Record<SeedTable, number>;
  elapsedMs: number;
}

export const MAX_SEED_CUSTOMERS = 10_000_000;

type Row = (string | null)[];

interface TableSpec {
  name: SeedTable;
  /** [column, SQL type]; the type is only needed by the unnest INSERT path. */
  columns: ReadonlyArray<readonly [string, string]>;
}

// Customer-owned tables in foreign-key order; reference tables are upserted separately.
const CUSTOMER_TABLES: readonly TableSpec[] = [
  {
    name: 'customer',
    columns: [
      ['id', 'bigint'],
      ['full_name', 'text'],
      ['birth_date', 'date'],
      ['gender', 'text'],
      ['occupation', 'text'],
      ['income_band', 'text'],
      ['city', 'text'],
      ['region', 'text'],
      ['interests', 'text[]'],
      ['home_branch_id', 'bigint'],
      ['email', 'text'],
      ['phone', 'text'],
      ['created_at', 'timestamptz'],
      ['updated_at', 'timestamptz'],
    ],
  },
  {
    name: 'customer_source',
    columns: [
      ['customer_id', 'bigint'],
      ['id', 'bigint'],
      ['source_system', 'text'],
      ['source_key', 'text'],
      ['match_rule', 'text'],
      ['first_seen_at', 'timestamptz'],
      ['last_seen_at', 'timestamptz'],
      ['attributes', 'jsonb'],
    ],
  },
  {
    name: 'customer_identifier',
    columns: [
      ['customer_id', 'bigint'],
      ['id', 'bigint'],
      ['kind', 'text'],
      ['value_hash', 'text'],
      ['source_system', 'text'],
      ['record_type', 'text'],
      ['source_key', 'text'],
    ],
  },
  {
    name: 'account',
    columns: [
      ['customer_id', 'bigint'],
      ['id', 'bigint'],
      ['source_system', 'text'],
      ['source_key', 'text'],
      ['product_type', 'text'],
      ['account_number', 'text'],
      ['status', 'text'],
      ['opened_at', 'timestamptz'],
      ['closed_at', 'timestamptz'],
      ['balance', 'numeric'],
      ['credit_limit', 'numeric'],
      ['interest_rate', 'numeric'],
      ['created_at', 'timestamptz'],
      ['updated_at', 'timestamptz'],
    ],
  },
  {
    name: 'bank_transaction',
    columns: [
      ['customer_id', 'bigint'],
      ['id', 'bigint'],
      ['account_id', 'bigint'],
      ['source_system', 'text'],
      ['source_key', 'text'],
      ['booked_at', 'timestamptz'],
      ['amount', 'numeric'],
      ['channel', 'text'],
      ['counterparty_kind', 'text'],
      ['counterparty_name', 'text'],
      ['merchant_category_code', 'text'],
      ['description', 'text'],
    ],
  },
  {
    name: 'loan',
    columns: [
      ['customer_id', 'bigint'],
      ['id', 'bigint'],
      ['account_id', 'bigint'],
      ['source_system', 'text'],
      ['source_key', 'text'],
      ['principal', 'numeric'],
      ['term_months', 'integer'],
      ['monthly_payment', 'numeric'],
      ['status', 'text'],
      ['granted_at', 'timestamptz'],
    ],
  },
  {
    name: 'card',
    columns: [
      ['customer_id', 'bigint'],
      ['id', 'bigint'],
      ['account_id', 'bigint'],
      ['source_system', 'text'],
      ['source_key', 'text'],
      ['card_type', 'text'],
      ['tier', 'text'],
      ['partner_id', 'bigint'],
      ['last_four', 'text'],
      ['issued_at', 'timestamptz'],
    ],
  },
  {
    name: 'standing_order',
    columns: [
      ['customer_id', 'bigint'],
      ['id', 'bigint'],
      ['account_id', 'bigint'],
      ['source_system', 'text'],
      ['source_key', 'text'],
      ['amount', 'numeric'],
      ['currency', 'text'],
      ['purpose', 'text'],
      ['recipient_bank', 'text'],
      ['recipient_account', 'text'],
    ],
  },
  {
    name: 'mobile_enrolment',
    columns: [
      ['customer_id', 'bigint'],
      ['id', 'bigint'],
      ['source_system', 'text'],
      ['source_key', 'text'],
      ['enrolled_at', 'timestamptz'],
      ['activated_at', 'timestamptz'],
      ['transfer_limit', 'numeric'],
      ['devices', 'text[]'],
    ],
  },
  {
    name: 'mobile_session',
    columns: [
      ['customer_id', 'bigint'],
      ['id', 'bigint'],
      ['source_system', 'text'],
      ['source_key', 'text'],
      ['started_at', 'timestamptz'],
      ['duration_seconds', 'integer'],
      ['features_used', 'text[]'],
    ],
  },
  {
    name: 'partner_purchase',
    columns: [
      ['customer_id', 'bigint'],
      ['id', 'bigint'],
      ['partner_id', 'bigint'],
      ['source_system', 'text'],
      ['source_key', 'text'],
      ['purchased_at', 'timestamptz'],
      ['amount', 'numeric'],
      ['category', 'text'],
      ['merchant_category_code', 'text'],
    ],
  },
];

type CustomerTable = Exclude<SeedTable, 'branch' | 'partner'>;

const DAY = 86_400_000;
const YEAR = 365.2425 * DAY;

// Reference data ---------------------------------------------------------------------------------------

interface BranchRef {
  code: string;
  name: string;
  city: string;
  region: string;
  /** Relative share of customers: the long tail lives in second- and third-tier cities. */
  weight: number;
}

const BRANCHES: readonly BranchRef[] = [
  { code: 'SH01', name: 'Shanghai Pudong Branch', city: 'Shanghai', region: 'Shanghai', weight: 6 },
  { code: 'SH02', name: 'Shanghai Xuhui Branch', city: 'Shanghai', region: 'Shanghai', weight: 4 },
  { code: 'BJ01', name: 'Beijing Chaoyang Branch', city: 'Beijing', region: 'Beijing', weight: 5 },
  { code: 'BJ02', name: 'Beijing Haidian Branch', city: 'Beijing', region: 'Beijing', weight: 4 },
  { code: 'GZ01', name: 'Guangzhou Tianhe Branch', city: 'Guangzhou', region: 'Guangdong', weight: 6 },
  { code: 'SZ01', name: 'Shenzhen Futian Branch', city: 'Shenzhen', region: 'Guangdong', weight: 6 },
  { code: 'DG01', name: 'Dongguan Nancheng Branch', city: 'Dongguan', region: 'Guangdong', weight: 5 },
  { code: 'HZ01', name: 'Hangzhou Xihu Branch', city: 'Hangzhou', region: 'Zhejiang', weight: 5 },
  { code: 'WZ01', name: 'Wenzhou Lucheng Branch', city: 'Wenzhou', region: 'Zhejiang', weight: 4 },
  { code: 'NJ01', name: 'Nanjing Xinjiekou Branch', city: 'Nanjing', region: 'Jiangsu', weight: 5 },
  { code: 'SU01', name: 'Suzhou Industrial Park Branch', city: 'Suzhou', region: 'Jiangsu', weight: 5 },
  { code: 'CD01', name: 'Chengdu Jinjiang Branch', city: 'Chengdu', region: 'Sichuan', weight: 6 },
  { code: 'CQ01', name: 'Chongqing Yuzhong Branch', city: 'Chongqing', region: 'Chongqing', weight: 6 },
  { code: 'WH01', name: 'Wuhan Jianghan Branch', city: 'Wuhan', region: 'Hubei', weight: 5 },
  { code: 'CS01', name: 'Changsha Furong Branch', city: 'Changsha', region: 'Hunan', weight: 5 },
  { code: 'ZZ01', name: 'Zhengzhou Jinshui Branch', city: 'Zhengzhou', region: 'Henan', weight: 5 },
  { code: 'XA01', name: "Xi'an Yanta Branch", city: "Xi'an", region: 'Shaanxi', weight: 4 },
  { code: 'JN01', name: 'Jinan Lixia Branch', city: 'Jinan', region: 'Shandong', weight: 4 },
  { code: 'QD01', name: 'Qingdao Shinan Branch', city: 'Qingdao', region: 'Shandong', weight: 4 },
  { code: 'HF01', name: 'Hefei Shushan Branch', city: 'Hefei', region: 'Anhui', weight: 4 },
  { code: 'KM01', name: 'Kunming Wuhua Branch', city: 'Kunming', region: 'Yunnan', weight: 3 },
];

// Where customers who moved away from their home branch's city now live.
const OTHER_CITIES: ReadonlyArray<readonly [string, string]> = [
  ['Foshan', 'Guangdong'],
  ['Xiamen', 'Fujian'],
  ['Fuzhou', 'Fujian'],
  ['Nanning', 'Guangxi'],
  ['Guiyang', 'Guizhou'],
  ['Shijiazhuang', 'Hebei'],
  ['Taiyuan', 'Shanxi'],
  ['Harbin', 'Heilongjiang'],
  ['Shenyang', 'Liaoning'],
  ['Nanchang', 'Jiangxi'],
  ['Lanzhou', 'Gansu'],
  ['Urumqi', 'Xinjiang'],
];

interface PartnerRef {
  code: string;
  name: string;
  industry: string;
  coBrandedProduct: string | null;
  categories: readonly string[];
  mcc: string;
  /** Median basket in CNY. */
  basket: number;
  /** Interests that make a customer likelier to buy here. */
  interests: readonly string[];
  /** Base appeal by age band (18-29, 30-44, 45-59, 60+). */
  appeal: readonly [number, number, number, number];
}

const PARTNERS: readonly PartnerRef[] = [
  {
    code: 'shopmall',
    name: 'ShopMall',
    industry: 'E_COMMERCE',
    coBrandedProduct: 'ShopMall Co-branded Credit Card',
    categories: ['electronics', 'apparel', 'home', 'beauty', 'groceries'],
    mcc: '5399',
    basket: 130,
    interests: ['shopping', 'technology', 'beauty'],
    appeal: [10, 9, 6, 3],
  },
  {
    code: 'dinewell',
    name: 'DineWell',
    industry: 'DINING',
    coBrandedProduct: 'DineWell Gourmet Card',
    categories: ['restaurant', 'delivery', 'coffee'],
    mcc: '5812',
    basket: 55,
    interests: ['dining', 'cooking'],
    appeal: [9, 8, 5, 2],
  },
  {
    code: 'streamly',
    name: 'Streamly',
    industry: 'STREAMING',
    coBrandedProduct: null,
    categories: ['subscription', 'pay-per-view'],
    mcc: '4899',
    basket: 25,
    interests: ['movies', 'music'],
    appeal: [8, 5, 3, 1],
  },
  {
    code: 'skyway',
    name: 'SkyWay Travel',
    industry: 'TRAVEL',
    coBrandedProduct: 'SkyWay Miles Credit Card',
    categories: ['flights', 'hotels', 'rail', 'packages'],
    mcc: '4722',
    basket: 850,
    interests: ['travel', 'outdoors'],
    appeal: [4, 5, 4, 3],
  },
  {
    code: 'zoomride',
    name: 'ZoomRide',
    industry: 'RIDE_HAILING',
    coBrandedProduct: null,
    categories: ['ride', 'carpool', 'bike'],
    mcc: '4121',
    basket: 24,
    interests: ['technology'],
    appeal: [9, 7, 4, 1],
  },
  {
    code: 'freshcart',
    name: 'FreshCart',
    industry: 'GROCERY_DELIVERY',
    coBrandedProduct: null,
    categories: ['fresh produce', 'household', 'snacks'],
    mcc: '5411',
    basket: 85,
    interests: ['cooking', 'parenting'],
    appeal: [5, 8, 6, 3],
  },
  {
    code: 'playverse',
    name: 'PlayVerse',
    industry: 'GAMING',
    coBrandedProduct: null,
    categories: ['in-game purchase', 'game', 'membership'],
    mcc: '5816',
    basket: 30,
    interests: ['gaming'],
    appeal: [8, 3, 1, 0.2],
  },
  {
    code: 'wellcare',
    name: 'WellCare Health',
    industry: 'HEALTH',
    coBrandedProduct: null,
    categories: ['pharmacy', 'consultation', 'check-up'],
    mcc: '5912',
    basket: 95,
    interests: ['fitness'],
    appeal: [2, 4, 6, 7],
  },
  {
    code: 'eduleap',
    name: 'EduLeap',
    industry: 'EDUCATION',
    coBrandedProduct: null,
    categories: ['online course', 'tutoring', 'exam prep'],
    mcc: '8299',
    basket: 380,
    interests: ['education', 'parenting', 'reading'],
    appeal: [5, 6, 2, 0.5],
  },
  {
    code: 'petpal',
    name: 'PetPal',
    industry: 'PETS',
    coBrandedProduct: null,
    categories: ['pet food', 'grooming', 'vet'],
    mcc: '5995',
    basket: 110,
    interests: ['pets'],
    appeal: [4, 4, 2, 1],
  },
];

// Pinyin surnames weighted roughly by their frequency in China.
const SURNAMES = weightedTable<string>([
  ['Wang', 7.1], ['Li', 7.0], ['Zhang', 6.7], ['Liu', 5.4], ['Chen', 4.5], ['Yang', 3.1], ['Huang', 2.2],
  ['Zhao', 2.0], ['Wu', 2.0], ['Zhou', 1.9], ['Xu', 1.3], ['Sun', 1.3], ['Ma', 1.2], ['Zhu', 1.1], ['Hu', 1.1],
  ['Guo', 1.0], ['He', 0.9], ['Gao', 0.8], ['Lin', 0.8], ['Luo', 0.8], ['Zheng', 0.7], ['Liang', 0.7],
  ['Xie', 0.6], ['Song', 0.5], ['Tang', 0.5], ['Han', 0.5], ['Feng', 0.4], ['Deng', 0.4], ['Cao', 0.4],
  ['Peng', 0.4], ['Zeng', 0.4], ['Xiao', 0.4], ['Tian', 0.3], ['Dong', 0.3], ['Pan', 0.3], ['Yuan', 0.3],
  ['Cai', 0.3], ['Jiang', 0.3], ['Yu', 0.3], ['Du', 0.3], ['Ye', 0.3], ['Cheng', 0.3], ['Wei', 0.3],
  ['Su', 0.3], ['Lyu', 0.3], ['Ding', 0.3], ['Ren', 0.3], ['Shen', 0.3], ['Yao', 0.3], ['Lu', 0.3],
  ['Ouyang', 0.05], ['Sima', 0.02],
]);
const FEMALE_SYLLABLES = [
  'xiu', 'ying', 'fang', 'na', 'min', 'jing', 'li', 'yan', 'juan', 'xia', 'ting', 'hui', 'lan', 'mei', 'qian',
  'yue', 'xin', 'yu', 'lin', 'wen', 'hong', 'dan', 'ling', 'qing', 'yun', 'shu', 'zhen', 'lu', 'xue', 'ya',
  'yi', 'han', 'xuan', 'zi', 'meng',
];
const MALE_SYLLABLES = [
  'wei', 'qiang', 'lei', 'jun', 'yong', 'jie', 'tao', 'ming', 'chao', 'hao', 'gang', 'ping', 'hui', 'peng',
  'hua', 'fei', 'bo', 'long', 'jian', 'bin', 'kai', 'feng', 'xin', 'yu', 'zhi', 'yang', 'tian', 'rui',
  'chen', 'jia', 'yi', 'hang', 'zhe', 'dong', 'sheng',
];
const EMAIL_DOMAINS = weightedTable<string>([
  ['qq.com', 40], ['163.com', 22], ['126.com', 10], ['sina.com', 6], ['foxmail.com', 6], ['139.com', 5],
  ['outlook.com', 6], ['gmail.com', 5],
]);
const MOBILE_PREFIXES = ['134', '135', '136', '137', '138', '139', '150', '151', '152', '157', '158', '159', '182', '183', '187', '188', '130', '131', '132', '155', '156', '185', '186', '133', '153', '180', '181', '189', '177', '199'];

const GENDER_TABLE = weightedTable<Gender>([['FEMALE', 49], ['MALE', 49], ['OTHER', 0.5], ['UNKNOWN', 1.5]]);

// [from, to] age bands with their share of the customer base.
const AGE_BANDS = weightedTable<readonly [number, number]>([
  [[18, 24], 12], [[25, 34], 22], [[35, 44], 20], [[45, 54], 18], [[55, 64], 15], [[65, 74], 9], [[75, 85], 4],
]);

interface Occupation {
  name: string;
  weight: number;
  minAge: number;
  maxAge: number;
  /** Shift applied to the base income band draw. */
  incomeShift: number;
}

const OCCUPATIONS: readonly Occupation[] = [
  { name: 'Student', weight: 30, minAge: 18, maxAge: 26, incomeShift: -2 },
  { name: 'Factory worker', weight: 14, minAge: 18, maxAge: 60, incomeShift: 0 },
  { name: 'Delivery rider', weight: 7, minAge: 18, maxAge: 50, incomeShift: 0 },
  { name: 'Retail assistant', weight: 8, minAge: 18, maxAge: 60, incomeShift: -1 },
  { name: 'Office clerk', weight: 10, minAge: 21, maxAge: 60, incomeShift: 0 },
  { name: 'Teacher', weight: 5, minAge: 22, maxAge: 62, incomeShift: 1 },
  { name: 'Nurse', weight: 4, minAge: 21, maxAge: 60, incomeShift: 1 },
  { name: 'Software engineer', weight: 3, minAge: 21, maxAge: 55, incomeShift: 2 },
  { name: 'Self-employed', weight: 8, minAge: 20, maxAge: 70, incomeShift: 0 },
  { name: 'Small business owner', weight: 5, minAge: 24, maxAge: 75, incomeShift: 1 },
  { name: 'Farmer', weight: 6, minAge: 18, maxAge: 80, incomeShift: -1 },
  { name: 'Driver', weight: 5, minAge: 21, maxAge: 62, incomeShift: 0 },
  { name: 'Civil servant', weight: 3, minAge: 22, maxAge: 60, incomeShift: 1 },
  { name: 'Construction worker', weight: 6, minAge: 18, maxAge: 60, incomeShift: 0 },
  { name: 'Chef', weight: 3, minAge: 18, maxAge: 60, incomeShift: 0 },
  { name: 'Accountant', weight: 3, minAge: 22, maxAge: 62, incomeShift: 1 },
  { name: 'Sales representative', weight: 5, minAge: 20, maxAge: 60, incomeShift: 0 },
  { name: 'Doctor', weight: 1, minAge: 26, maxAge: 70, incomeShift: 2 },
  { name: 'Manager', weight: 2, minAge: 28, maxAge: 62, incomeShift: 2 },
  { name: 'Homemaker', weight: 4, minAge: 22, maxAge: 80, incomeShift: -1 },
  { name: 'Unemployed', weight: 3, minAge: 18, maxAge: 64, incomeShift: -2 },
  { name: 'Retired', weight: 60, minAge: 58, maxAge: 85, incomeShift: -1 },
];
const OCCUPATIONS_BY_AGE: WeightedTable<Occupation>[] = Array.from({ length: 86 }, (_, age) =>
  age < 18 ? weightedTable([[OCCUPATIONS[0], 1]]) : weightedTable(OCCUPATIONS.filter((o) => age >= o.minAge && age <= o.maxAge).map((o) => [o, o.weight] as const)),
);

const INCOME_BANDS_ORDERED: readonly IncomeBand[] = ['LOW', 'LOWER_MIDDLE', 'MIDDLE', 'UPPER_MIDDLE', 'HIGH'];
const BASE_INCOME_INDEX = weightedTable<number>([[0, 40], [1, 33], [2, 17], [3, 7.5], [4, 2.5]]);
const INCOME_MULTIPLIER = [1, 1.6, 2.6, 4.2, 8];
const MONTHLY_INCOME = [2_800, 5_200, 8_800, 15_500, 38_000];

const INTERESTS = [
  'travel', 'dining', 'shopping', 'gaming', 'fitness', 'investing', 'movies', 'music', 'education', 'parenting',
  'automotive', 'pets', 'technology', 'reading', 'outdoors', 'beauty', 'sports', 'cooking',
] as const;
// Interest popularity by age band (18-29, 30-44, 45-59, 60+).
const INTEREST_WEIGHTS: Record<(typeof INTERESTS)[number], readonly [number, number, number, number]> = {
  travel: [6, 6, 5, 5], dining: [7, 6, 4, 3], shopping: [8, 6, 4, 2], gaming: [9, 3, 1, 0.3],
  fitness: [6, 5, 4, 3], investing: [2, 5, 6, 5], movies: [7, 5, 3, 2], music: [7, 4, 3, 3],
  education: [4, 6, 2, 1], parenting: [1, 8, 3, 1], automotive: [3, 5, 4, 1], pets: [5, 4, 3, 2],
  technology: [7, 5, 2, 1], reading: [3, 3, 4, 6], outdoors: [3, 4, 5, 4], beauty: [5, 4, 2, 1],
  sports: [6, 4, 3, 2], cooking: [2, 4, 6, 7],
};
const INTEREST_TABLES = [0, 1, 2, 3].map((band) => weightedTable(INTERESTS.map((name) => [name, INTEREST_WEIGHTS[name][band]] as const)));
const INTEREST_COUNT = weightedTable<number>([[0, 15], [1, 25], [2, 30], [3, 20], [4, 10]]);

interface MerchantCategory {
  mcc: string;
  names: readonly string[];
  /** Multiplies the customer's typical card spend. */
  scale: number;
}
const MERCHANT_CATEGORIES = weightedTable<MerchantCategory>([
  [{ mcc: '5411', names: ['Golden Harvest Supermarket', 'Sunrise Mart', 'Family Fresh Market', 'Harmony Grocery'], scale: 1 }, 22],
  [{ mcc: '5812', names: ['Lucky Dumpling House', 'Red Lantern Hotpot', 'Old Street Noodles', 'Jade Garden Restaurant'], scale: 2.2 }, 13],
  [{ mcc: '5814', names: ['Dragon Burger', 'Morning Bun Bakery', 'Cloud Tea House', 'Quick Wok'], scale: 0.6 }, 14],
  [{ mcc: '5541', names: ['Great Wall Petrol', 'Eastern Fuel Station'], scale: 5 }, 5],
  [{ mcc: '5912', names: ['Kindheart Pharmacy', 'Baicao Drugstore'], scale: 1.5 }, 4],
  [{ mcc: '5311', names: ['Oriental Plaza', 'Phoenix Department Store'], scale: 4 }, 5],
  [{ mcc: '5651', names: ['Silk Road Apparel', 'Urban Threads'], scale: 4 }, 6],
  [{ mcc: '5732', names: ['Bright Electronics', 'Digital City'], scale: 12 }, 3],
  [{ mcc: '4111', names: ['City Metro', 'Municipal Bus Company'], scale: 0.1 }, 8],
  [{ mcc: '4121', names: ['City Taxi Co.'], scale: 0.8 }, 3],
  [{ mcc: '7832', names: ['Star Cinema'], scale: 1.5 }, 2],
  [{ mcc: '5999', names: ['Corner Store', 'Lucky Convenience'], scale: 0.5 }, 10],
  [{ mcc: '8062', names: ["People's Hospital"], scale: 6 }, 2],
  [{ mcc: '8220', names: ['Bright Future Tutoring'], scale: 20 }, 1],
]);
const UTILITIES: readonly string[] = ['State Grid Electricity', 'City Water Supply', 'City Gas Company', 'China Mobile', 'China Unicom'];
const OTHER_BANKS = ['ICBC', 'China Construction Bank', 'Agricultural Bank of China', 'Bank of China', 'China Merchants Bank', 'Bank of Communications', 'Postal Savings Bank of China'];
const PLATFORMS = ['Alipay', 'WeChat Pay'] as const;

type TxKind =
  | 'POS'
  | 'ONLINE_MERCHANT'
  | 'PLATFORM'
  | 'ATM'
  | 'CASH_DEPOSIT'
  | 'TRANSFER_OUT'
  | 'TRANSFER_IN'
  | 'INCOME'
  | 'FEE'
  | 'INTEREST'
  | 'GOVERNMENT'
  | 'CARD_REPAYMENT'
  | 'LOAN_REPAYMENT'
  | 'BILL';

// Transaction mix by age band: the young pay through Alipay/WeChat Pay, the old use ATMs and branches.
const TX_KIND_WEIGHTS: Record<TxKind, readonly [number, number, number, number]> = {
  POS: [18, 24, 30, 32],
  ONLINE_MERCHANT: [12, 10, 6, 2],
  PLATFORM: [34, 24, 13, 5],
  ATM: [3, 5, 9, 14],
  CASH_DEPOSIT: [1, 2, 4, 8],
  TRANSFER_OUT: [8, 9, 9, 8],
  TRANSFER_IN: [7, 6, 6, 5],
  INCOME: [5, 5, 5, 5],
  FEE: [2, 2, 2, 2],
  INTEREST: [2, 3, 4, 6],
  GOVERNMENT: [1, 1, 2, 3],
  CARD_REPAYMENT: [3, 3, 3, 2],
  LOAN_REPAYMENT: [2, 3, 3, 1],
  BILL: [2, 3, 4, 6],
};
const TX_KIND_TABLES = [0, 1, 2, 3].map((band) =>
  weightedTable((Object.keys(TX_KIND_WEIGHTS) as TxKind[]).map((kind) => [kind, TX_KIND_WEIGHTS[kind][band]] as const)),
);
// Channel for person-initiated transfers and bill payments, by age band.
const TRANSFER_CHANNELS = [
  weightedTable<Channel>([['MOBILE', 72], ['ONLINE', 20], ['BRANCH', 8]]),
  weightedTable<Channel>([['MOBILE', 62], ['ONLINE', 22], ['BRANCH', 16]]),
  weightedTable<Channel>([['MOBILE', 42], ['ONLINE', 20], ['BRANCH', 38]]),
  weightedTable<Channel>([['MOBILE', 20], ['ONLINE', 12], ['BRANCH', 68]]),
];
const FEES: ReadonlyArray<readonly [number, string]> = [
  [2, 'SMS alert fee'],
  [10, 'Annual card fee'],
  [5, 'Account management fee'],
  [3, 'Cross-region withdrawal fee'],
];

const MOBILE_ENROLMENT_RATE = [0.86, 0.74, 0.5, 0.24];
const MOBILE_FEATURES = weightedTable<string>([
  ['balance', 40], ['transfer', 30], ['bill-pay', 12], ['statement', 8], ['wealth', 6], ['loan-apply', 3],
]);
const FEATURE_COUNT = weightedTable<number>([[1, 55], [2, 30], [3, 15]]);
const FEATURE_ORDER = ['balance', 'transfer', 'bill-pay', 'statement', 'wealth', 'loan-apply'];
const DEVICES = weightedTable<string>([
  ['Huawei Mate 60', 12], ['Huawei P60', 8], ['Honor 90', 8], ['Xiaomi 14', 10], ['Redmi Note 13', 12],
  ['OPPO Reno 11', 10], ['vivo X100', 9], ['vivo Y78', 7], ['iPhone 13', 8], ['iPhone 15', 8], ['iPad Air', 3],
  ['Huawei MatePad', 2],
]);
const DEVICE_COUNT = weightedTable<number>([[1, 70], [2, 25], [3, 5]]);
const TRANSFER_LIMITS = [
  weightedTable<number>([[5_000, 50], [20_000, 40], [50_000, 10]]),
  weightedTable<number>([[5_000, 25], [20_000, 50], [50_000, 25]]),
  weightedTable<number>([[20_000, 40], [50_000, 45], [100_000, 15]]),
  weightedTable<number>([[50_000, 40], [100_000, 45], [200_000, 15]]),
  weightedTable<number>([[100_000, 30], [200_000, 45], [500_000, 25]]),
];

const PARTNER_SHOPPER_RATE = [0.6, 0.45, 0.26, 0.1];

// Helpers -----------------------------------------------------------------------------------------------

/** Cents to a decimal string without float formatting surprises. */
function cents(value: number): string {
  const c = Math.round(value * 100);
  const abs = c < 0 ? -c : c;
  const whole = Math.floor(abs / 100);
  const frac = abs - whole * 100;
  return `${c < 0 ? '-' : ''}${whole}.${frac < 10 ? '0' : ''}${frac}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Timestamps are whole seconds: tidier to read and identical however they travel. */
function toSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function pgArray(items: readonly string[]): string {
  return `{${items.map((item) => `"${item.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}

function ageBand(age: number): 0 | 1 | 2 | 3 {
  return age < 30 ? 0 : age < 45 ? 1 : age < 60 ? 2 : 3;
}

/** Random times in [from, to), whole seconds, ascending. */
function sortedTimes(rng: Random, count: number, from: number, to: number): Float64Array {
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) times[i] = toSecond(rng.uniform(from, to));
  return times.sort();
}

function distinctWeighted<T>(rng: Random, table: WeightedTable<T>, k: number): T[] {
  const out: T[] = [];
  for (let tries = 0; out.length < k && tries < k * 8; tries++) {
    const value = rng.weighted(table);
    if (!out.includes(value)) out.push(value);
  }
  return out;
}

function annuityPayment(principal: number, annualRate: number, months: number): number {
  const r = annualRate / 12;
  return r === 0 ? principal / months : (principal * r) / (1 - Math.pow(1 + r, -months));
}

function outstandingAfter(principal: number, annualRate: number, payment: number, monthsPaid: number): number {
  const r = annualRate / 12;
  const growth = Math.pow(1 + r, monthsPaid);
  return Math.max(0, principal * growth - (r === 0 ? payment * monthsPaid : (payment * (growth - 1)) / r));
}

// Generation -------------------------------------------------------------------------------------------

interface IdCounters {
  identifier: number;
  account: number;
  transaction: number;
  loan: number;
  card: number;
  standingOrder: number;
  enrolment: number;
  session: number;
  purchase: number;
}

type SeededPartner = PartnerRef & { id: string; sourceSystem: string };

interface GeneratorContext {
  seed: number;
  nowMs: number;
  branches: ReadonlyArray<BranchRef & { id: string }>;
  branchTable: WeightedTable<BranchRef & { id: string }>;
  partners: ReadonlyArray<SeededPartner>;
  coBranded: ReadonlyArray<SeededPartner>;
  ids: IdCounters;
  /** The keyed hash ingestion uses for linking identifiers. */
  hash: (kind: string, value: string) => string;
  wealthBlock?: { index: number; order: number[] };
}

interface SeededAccount {
  id: string;
  type: ProductType;
  openedAt: number;
  closedAt: number | null;
}

type ChunkRows = Record<CustomerTable, Row[]>;

function emptyChunk(): ChunkRows {
  return {
    customer: [],
    customer_source: [],
    customer_identifier: [],
    account: [],
    bank_transaction: [],
    loan: [],
    card: [],
    standing_order: [],
    mobile_enrolment: [],
    mobile_session: [],
    partner_purchase: [],
  };
}

function isOpenAt(account: SeededAccount | undefined, t: number): account is SeededAccount {
  return !!account && account.openedAt <= t && (account.closedAt === null || t < account.closedAt);
}

const CORE = SEED_SOURCE_SYSTEMS.coreBanking;
const MOBILE = SEED_SOURCE_SYSTEMS.mobileBanking;

/** What standing orders pay: the share of current accounts that have one, and a typical monthly amount (CNY). */
const STANDING_ORDER_KINDS: ReadonlyArray<{ purpose: StandingOrderPurpose; share: number; amount: number }> = [
  { purpose: 'HOUSEHOLD_BILLS', share: 0.45, amount: 260 },
  { purpose: 'INSURANCE', share: 0.18, amount: 420 },
  { purpose: 'LOAN_REPAYMENT', share: 0.07, amount: 1800 }, // a loan held at another bank
  { purpose: 'LEASING', share: 0.03, amount: 2600 },
  { purpose: 'OTHER', share: 0.1, amount: 500 },
];

/**
 * Standing orders on a customer's open current account, to accounts at other banks. They come from a random
 * stream of their own, so adding them left every other seeded row as it was.
 */
function standingOrders(ctx: GeneratorContext, customerId: number, account: SeededAccount, incomeMult: number, out: ChunkRows): void {
  const rng = new Random(ctx.seed, 0x40000000 + customerId);
  for (const kind of STANDING_ORDER_KINDS) {
    if (!rng.bernoulli(kind.share)) continue;
    const id = ++ctx.ids.standingOrder;
    const amount = Math.max(10, rng.logNormal(kind.amount * Math.sqrt(incomeMult), 0.5));
    const recipientAccount = pad(rng.int(0, 99_999_999), 8) + pad(rng.int(0, 99_999_999), 8);
    out.standing_order.push([String(customerId), String(id), account.id, CORE, `ORDER-${pad(id, 9)}`, cents(amount), 'CNY', kind.purpose, rng.pick(OTHER_BANKS), recipientAccount]);
  }
}

/** Appends every row of one customer (id = customerId) to `out`. Pure: no I/O. */
function generateCustomer(ctx: GeneratorContext, customerId: number, out: ChunkRows): void {
  const rng = new Random(ctx.seed, customerId);
  const now = ctx.nowMs;
  const cid = String(customerId);
  const ids = ctx.ids;

  // Who they are.
  const [ageFrom, ageTo] = rng.weighted(AGE_BANDS);
  const age = rng.int(ageFrom, ageTo);
  const birthMs = now - age * YEAR - rng.uniform(DAY, YEAR - DAY);
  const band = ageBand(age);
  const gender = rng.weighted(GENDER_TABLE);
  const surname = rng.weighted(SURNAMES);
  const syllables = gender === 'MALE' ? MALE_SYLLABLES : gender === 'FEMALE' ? FEMALE_SYLLABLES : rng.bernoulli(0.5) ? MALE_SYLLABLES : FEMALE_SYLLABLES;
  const given = rng.bernoulli(0.7) ? rng.pick(syllables) + rng.pick(syllables) : rng.pick(syllables);
  const fullName = `${surname} ${capitalise(given)}`;
  const occupation = rng.weighted(OCCUPATIONS_BY_AGE[age]);
  const incomeIndex = Math.max(0, Math.min(4, rng.weighted(BASE_INCOME_INDEX) + (rng.bernoulli(0.6) ? occupation.incomeShift : 0)));
  const incomeBand = INCOME_BANDS_ORDERED[incomeIndex];
  const incomeMult = INCOME_MULTIPLIER[incomeIndex];
  const interests = distinctWeighted(rng, INTEREST_TABLES[band], rng.weighted(INTEREST_COUNT)).sort();
  const branch = rng.weighted(ctx.branchTable);
  const [city, region] = rng.bernoulli(0.9) ? [branch.city, branch.region] : rng.pick(OTHER_CITIES);
  const email = rng.bernoulli(0.82)
    ? `${(rng.bernoulli(0.5) ? `${given}.${surname}` : `${surname}${given}`).toLowerCase()}${customerId}@${rng.weighted(EMAIL_DOMAINS)}`
    : null;
  // An odd multiplier coprime with 10^8 permutes the ids: every customer gets a distinct number.
  const phone = rng.bernoulli(0.97) ? `+86${rng.pick(MOBILE_PREFIXES)}${pad((customerId * 7_654_321 + 13_579) % 100_000_000, 8)}` : null;

  // When they joined (the base grew over ~8 years) and, for the dormant, when they were last seen.
  const maxTenure = now - birthMs - 18 * YEAR;
  const tenure = Math.max(DAY, Math.min(8 * YEAR * Math.pow(rng.next(), 1.3), maxTenure));
  const createdAt = toSecond(now - tenure);
  const dormant = tenure > 420 * DAY && rng.bernoulli(0.14);
  const lastActive = dormant ? toSecond(now - rng.uniform(395 * DAY, Math.min(tenure - 30 * DAY, 4 * YEAR))) : now;
  const updatedAt = toSecond(createdAt + rng.next() * (lastActive - createdAt));
  const within = (from: number) => toSecond(rng.uniform(from, lastActive));

  out.customer.push([
    cid, fullName, isoDate(birthMs), gender, occupation.name, incomeBand, city, region, pgArray(interests),
    branch.id, email, phone, iso(createdAt), iso(updatedAt),
  ]);
  // Provenance as if core banking had sent the record through ingestion: the profile it states, and the
  // linking identifiers' keyed hashes, so that a record from another source links to this customer by the
  // same rules, and reconciling the profile afterwards keeps core banking's values.
  const sourceKey = `CIF-${pad(customerId, 7)}`;
  const attributes = { fullName, birthDate: isoDate(birthMs), gender, occupation: occupation.name, incomeBand, city, region, email, phone };
  const stated = Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== null));
  out.customer_source.push([cid, cid, CORE, sourceKey, 'NEW_CUSTOMER', iso(createdAt), iso(now), JSON.stringify(stated)]);
  for (const key of identityKeys({ phone: phone ?? undefined, email: email ?? undefined, birthDate: attributes.birthDate }, ctx.hash)) {
    out.customer_identifier.push([cid, String(++ids.identifier), key.rule, key.value, CORE, 'customer', sourceKey]);
  }

  // Accounts; deposits are shared out below once the customer's wealth is known.
  const accounts: SeededAccount[] = [];
  const accountRows: Row[] = [];
  const depositShares: Array<[number, number]> = [];
  const openAccount = (type: ProductType, openedAt: number, closedAt: number | null, interestRate: number | null) => {
    const id = ++ids.account;
    const account: SeededAccount = { id: String(id), type, openedAt, closedAt };
    accounts.push(account);
    accountRows.push([
      cid, account.id, CORE, `ACC-${pad(id, 10)}`, type, `622848${pad(id, 13)}`,
      closedAt !== null ? 'CLOSED' : 'OPEN', iso(openedAt), closedAt !== null ? iso(closedAt) : null, '0.00', null,
      interestRate === null ? null : interestRate.toFixed(6), iso(openedAt), iso(closedAt ?? Math.max(openedAt, updatedAt)),
    ]);
    return account;
  };
  const closeMaybe = (openedAt: number, p: number) => (rng.bernoulli(p) && lastActive - openedAt > 30 * DAY ? toSecond(rng.uniform(openedAt + 30 * DAY, lastActive)) : null);

  const primary = openAccount('CURRENT', createdAt, null, 0.002);
  depositShares.push([accountRows.length - 1, rng.gamma(1, 0.5)]);
  if (rng.bernoulli(0.1)) {
    const openedAt = within(createdAt);
    const closedAt = closeMaybe(openedAt, 0.3);
    openAccount('CURRENT', openedAt, closedAt, 0.002);
    if (closedAt === null) depositShares.push([accountRows.length - 1, rng.gamma(1, 0.3)]);
  }
  if (rng.bernoulli(0.72)) {
    const openedAt = rng.bernoulli(0.6) ? createdAt : within(createdAt);
    const closedAt = closeMaybe(openedAt, 0.05);
    openAccount('SAVINGS', openedAt, closedAt, rng.pick([0.0035, 0.005, 0.0065]));
    if (closedAt === null) depositShares.push([accountRows.length - 1, rng.gamma(2)]);
  }
  const timeDeposits = rng.bernoulli(0.26 + (band >= 2 ? 0.14 : 0) + incomeIndex * 0.05) ? 1 + rng.poisson(0.5) : 0;
  for (let i = 0; i < timeDeposits; i++) {
    const openedAt = within(createdAt);
    const termMonths = rng.pick([3, 6, 12, 24, 36, 60]);
    const matures = openedAt + termMonths * 30.44 * DAY;
    const closedAt = matures < lastActive && rng.bernoulli(0.6) ? toSecond(matures) : null;
    openAccount('TIME_DEPOSIT', openedAt, closedAt, termMonths <= 6 ? 0.0125 : termMonths <= 12 ? 0.0145 : termMonths <= 36 ? 0.0185 : 0.0205);
    if (closedAt === null) depositShares.push([accountRows.length - 1, rng.gamma(2.5)]);
  }
  if (rng.bernoulli(0.13 + (interests.includes('investing') ? 0.2 : 0) + incomeIndex * 0.05)) {
    const openedAt = within(createdAt);
    const closedAt = closeMaybe(openedAt, 0.15);
    openAccount('FUND', openedAt, closedAt, null);
    if (closedAt === null) depositShares.push([accountRows.length - 1, rng.gamma(1.5)]);
  }
  let creditCard: SeededAccount | undefined;
  if (age >= 20 && rng.bernoulli([0.16, 0.3, 0.42, 0.55, 0.6][incomeIndex] * (band === 3 ? 0.4 : 1))) {
    const openedAt = within(Math.min(Math.max(createdAt, birthMs + 20 * YEAR), lastActive));
    const closedAt = closeMaybe(openedAt, 0.08);
    creditCard = openAccount('CREDIT_CARD', openedAt, closedAt, 0.1825);
    const limit = Math.round(rng.uniform(0.5, 1.5) * [8_000, 15_000, 30_000, 60_000, 150_000][incomeIndex] / 1000) * 1000;
    const row = accountRows[accountRows.length - 1];
    row[10] = cents(limit);
    if (closedAt === null) row[9] = cents(rng.bernoulli(0.35) ? 0 : -limit * rng.uniform(0.02, 0.95));
  }
  let loanMonthlyPayment = 0;
  let loanAccount: SeededAccount | undefined;
  if (age >= 22 && age <= 70 && rng.bernoulli(band === 0 ? 0.08 : band === 3 ? 0.05 : 0.2)) {
    const entrepreneur = occupation.name === 'Self-employed' || occupation.name === 'Small business owner';
    const kind = entrepreneur && rng.bernoulli(0.6)
      ? 'business'
      : rng.weightedPick<'consumer' | 'car' | 'mortgage'>([['consumer', 6], ['car', 2], ['mortgage', incomeIndex >= 2 ? 4 : incomeIndex === 1 ? 1 : 0.2]]);
    const [principalRaw, termMonths, rate] =
      kind === 'mortgage'
        ? [rng.logNormal(700_000 * Math.pow(incomeMult, 0.6), 0.45), rng.pick([240, 300, 360]), rng.uniform(0.036, 0.049)]
        : kind === 'car'
          ? [rng.logNormal(110_000 * Math.pow(incomeMult, 0.5), 0.4), rng.pick([36, 48, 60]), rng.uniform(0.045, 0.065)]
          : kind === 'business'
            ? [rng.logNormal(80_000 * Math.pow(incomeMult, 0.6), 0.8), rng.pick([12, 24, 36]), rng.uniform(0.045, 0.08)]
            : [rng.logNormal(25_000 * Math.pow(incomeMult, 0.7), 0.6), rng.pick([12, 24, 36]), rng.uniform(0.055, 0.12)];
    const principal = Math.max(1000, Math.round(principalRaw / 1000) * 1000);
    const grantedAt = within(createdAt);
    const payment = annuityPayment(principal, rate, termMonths);
    const monthsElapsed = Math.floor((now - grantedAt) / (30.44 * DAY));
    const maturesAt = grantedAt + termMonths * 30.44 * DAY;
    let status: LoanStatus;
    let closedAt: number | null = null;
    let monthsPaid = Math.min(termMonths, monthsElapsed);
    const trouble = dormant ? rng.next() : rng.next() * 6;
    if (trouble < 0.3) {
      status = 'DEFAULTED';
      monthsPaid = Math.floor(monthsPaid * rng.uniform(0.1, 0.7));
    } else if (trouble < 0.6) {
      status = 'IN_ARREARS';
      monthsPaid = Math.max(0, monthsPaid - rng.int(1, 4));
    } else if (maturesAt <= lastActive) {
      status = 'REPAID';
      closedAt = toSecond(maturesAt);
    } else if (lastActive - grantedAt > 90 * DAY && rng.bernoulli(0.08)) {
      status = 'REPAID';
      closedAt = toSecond(rng.uniform(grantedAt + 60 * DAY, lastActive));
    } else {
      status = 'ACTIVE';
    }
    loanAccount = openAccount('LOAN', grantedAt, closedAt, rate);
    const row = accountRows[accountRows.length - 1];
    row[9] = status === 'REPAID' ? '0.00' : cents(-outstandingAfter(principal, rate, payment, monthsPaid));
    const loanId = ++ids.loan;
    out.loan.push([cid, String(loanId), loanAccount.id, CORE, `LOAN-${pad(loanId, 9)}`, cents(principal), String(termMonths), cents(payment), status, iso(grantedAt)]);
    if (status === 'ACTIVE' || status === 'IN_ARREARS') loanMonthlyPayment = payment;
  }

  // Wealth: a Pareto tail (alpha 1.15) times log-normal noise times the income band, so most customers
  // hold little and a few hold most of the deposits.
  const wealthQuantile = (wealthStratum(ctx, customerId) + rng.next()) / WEALTH_BLOCK;
  const wealth = Math.min((400 / Math.pow(1 - wealthQuantile, 1 / 1.15)) * rng.logNormal(1, 1.1) * incomeMult * (dormant ? 0.5 : 1), 60_000_000);
  const shareTotal = depositShares.reduce((sum, [, share]) => sum + share, 0);
  for (const [rowIndex, share] of depositShares) accountRows[rowIndex][9] = cents((wealth * share) / shareTotal);
  // Accounts of customers unseen for over a year are flagged dormant, as banks must do.
  if (dormant) for (const row of accountRows) if (row[6] === 'OPEN' && row[4] !== 'LOAN' && row[4] !== 'CREDIT_CARD') row[6] = 'DORMANT' satisfies AccountStatus;
  for (const row of accountRows) out.account.push(row);

  // Cards: a debit card on current accounts, a credit or co-branded card on credit-card accounts.
  for (const account of accounts) {
    let cardType: CardType;
    let partnerId: string | null = null;
    if (account.type === 'CURRENT' && rng.bernoulli(0.93)) cardType = 'DEBIT';
    else if (account.type === 'CREDIT_CARD') {
      const partner = rng.bernoulli(0.3) ? pickPartner(rng, ctx.coBranded, interests, band) : undefined;
      cardType = partner ? 'CO_BRANDED' : 'CREDIT';
      partnerId = partner?.id ?? null;
    } else continue;
    const tier: CardTier =
      cardType === 'DEBIT' && age < 23 && rng.bernoulli(0.4)
        ? 'JUNIOR'
        : incomeIndex >= 4 ? (rng.bernoulli(0.6) ? 'PLATINUM' : 'GOLD') : incomeIndex === 3 ? (rng.bernoulli(0.6) ? 'GOLD' : 'CLASSIC') : 'CLASSIC';
    const cardId = ++ids.card;
    const issuedAt = toSecond(Math.min(account.openedAt + rng.uniform(0, 10 * DAY), Math.max(account.openedAt, lastActive)));
    out.card.push([cid, String(cardId), account.id, CORE, `CARD-${pad(cardId, 9)}`, cardType, tier, partnerId, pad(rng.int(0, 9999), 4), iso(issuedAt)]);
  }

  if (isOpenAt(primary, now)) standingOrders(ctx, customerId, primary, incomeMult, out);

  // Transactions over the last two years, up to the last day they were active.
  const txFrom = Math.max(createdAt, now - 730 * DAY);
  const activityRate = rng.gamma(1.3, 45 / 1.3) * (band === 3 ? 0.75 : 1);
  if (lastActive > txFrom) {
    const count = rng.poisson((activityRate * (lastActive - txFrom)) / (730 * DAY));
    const times = sortedTimes(rng, count, txFrom, lastActive);
    const kinds = TX_KIND_TABLES[band];
    const spend = 38 * Math.sqrt(incomeMult);
    const savingsLike = accounts.filter((a) => a.type === 'SAVINGS' || a.type === 'TIME_DEPOSIT');
    for (let i = 0; i < count; i++) {
      const t = times[i];
      let kind = rng.weighted(kinds);
      if (kind === 'CARD_REPAYMENT' && !isOpenAt(creditCard, t)) kind = 'TRANSFER_OUT';
      if (kind === 'LOAN_REPAYMENT' && (!isOpenAt(loanAccount, t) || loanMonthlyPayment === 0)) kind = 'TRANSFER_OUT';
      let account = primary;
      let amount: number;
      let channel: Channel;
      let counterparty: CounterpartyKind;
      let name: string | null = null;
      let mcc: string | null = null;
      let description: string;
      switch (kind) {
        case 'POS':
        case 'ONLINE_MERCHANT': {
          const category = rng.weighted(MERCHANT_CATEGORIES);
          if (isOpenAt(creditCard, t) && rng.bernoulli(0.5)) account = creditCard;
          amount = -Math.max(1, rng.logNormal(spend * category.scale * (kind === 'POS' ? 1 : 1.8), 0.8));
          channel = kind === 'POS' ? 'POS' : rng.bernoulli(0.6) ? 'ONLINE' : 'MOBILE';
          counterparty = 'MERCHANT';
          name = rng.pick(category.names);
          mcc = category.mcc;
          description = kind === 'POS' ? `POS purchase ${name}` : `Online purchase ${name}`;
          break;
        }
        case 'PLATFORM': {
          const platform = rng.bernoulli(band === 0 ? 0.55 : 0.45) ? PLATFORMS[1] : PLATFORMS[0];
          if (isOpenAt(creditCard, t) && rng.bernoulli(0.2)) account = creditCard;
          const credit = account === primary && rng.bernoulli(0.15);
          amount = (credit ? 1 : -1) * Math.max(0.5, rng.logNormal(45 * Math.sqrt(incomeMult), 1.0));
          channel = rng.bernoulli(0.85) ? 'MOBILE' : 'ONLINE';
          counterparty = 'THIRD_PARTY_PLATFORM';
          name = platform;
          description = credit ? `${platform} withdrawal` : rng.bernoulli(0.7) ? `${platform} quick payment` : `${platform} top-up`;
          break;
        }
        case 'ATM':
          amount = -Math.max(100, Math.round(rng.logNormal(600 * Math.sqrt(incomeMult), 0.6) / 100) * 100);
          channel = 'ATM';
          counterparty = 'CASH';
          description = 'ATM cash withdrawal';
          break;
        case 'CASH_DEPOSIT':
          amount = Math.max(100, Math.round(rng.logNormal(1500 * incomeMult, 0.8) / 100) * 100);
          channel = 'BRANCH';
          counterparty = 'CASH';
          description = 'Cash deposit';
          break;
        case 'TRANSFER_OUT':
        case 'TRANSFER_IN': {
          const own = rng.bernoulli(0.35);
          const outgoing = kind === 'TRANSFER_OUT';
          amount = (outgoing ? -1 : 1) * Math.max(1, rng.logNormal((outgoing ? 450 : 550) * incomeMult, 1.1));
          channel = rng.weighted(TRANSFER_CHANNELS[band]);
          counterparty = own ? 'OWN_BANK' : 'OTHER_BANK';
          name = `${rng.weighted(SURNAMES)} ${capitalise(rng.pick(rng.bernoulli(0.5) ? MALE_SYLLABLES : FEMALE_SYLLABLES))}`;
          description = outgoing ? `Transfer to ${name}` : `Transfer from ${name}`;
          if (!own) name = `${name} (${rng.pick(OTHER_BANKS)})`;
          break;
        }
        case 'INCOME': {
          const retired = occupation.name === 'Retired';
          amount = MONTHLY_INCOME[incomeIndex] * rng.uniform(0.85, 1.15) * (retired ? 0.6 : occupation.name === 'Student' ? 0.3 : 1);
          channel = 'ONLINE';
          counterparty = retired ? 'GOVERNMENT' : occupation.name === 'Student' ? 'OWN_BANK' : 'OTHER_BANK';
          name = retired ? 'Social Security Bureau' : occupation.name === 'Student' ? 'Family transfer' : 'Employer payroll';
          description = retired ? 'Pension' : occupation.name === 'Student' ? 'Living allowance' : 'Salary';
          break;
        }
        case 'FEE': {
          const [fee, what] = rng.pick(FEES);
          amount = -fee;
          channel = 'ONLINE';
          counterparty = 'BANK_FEE';
          description = what;
          break;
        }
        case 'INTEREST': {
          const open = savingsLike.filter((a) => isOpenAt(a, t));
          if (open.length > 0) account = rng.pick(open);
          amount = 0.01 + rng.logNormal(3 * incomeMult, 1.0);
          channel = 'ONLINE';
          counterparty = 'INTEREST';
          description = 'Interest credited';
          break;
        }
        case 'GOVERNMENT': {
          const refund = rng.bernoulli(0.4);
          amount = (refund ? 1 : -1) * rng.logNormal(300 * incomeMult, 0.7);
          channel = 'ONLINE';
          counterparty = 'GOVERNMENT';
          name = refund ? 'Tax Bureau' : rng.pick(['Social Insurance Fund', 'Housing Provident Fund', 'Tax Bureau']);
          description = refund ? 'Tax refund' : 'Social insurance contribution';
          break;
        }
        case 'CARD_REPAYMENT':
          account = creditCard as SeededAccount;
          amount = rng.logNormal(800 * incomeMult, 0.9);
          channel = rng.weighted(TRANSFER_CHANNELS[band]);
          counterparty = 'OWN_BANK';
          description = 'Credit card repayment';
          break;
        case 'LOAN_REPAYMENT':
          account = loanAccount as SeededAccount;
          amount = loanMonthlyPayment;
          channel = 'ONLINE';
          counterparty = 'OWN_BANK';
          description = 'Loan instalment';
          break;
        case 'BILL':
          amount = -Math.max(5, rng.logNormal(120 * Math.sqrt(incomeMult), 0.6));
          channel = rng.weighted(TRANSFER_CHANNELS[band]);
          counterparty = 'MERCHANT';
          name = rng.pick(UTILITIES);
          mcc = '4900';
          description = `Bill payment ${name}`;
          break;
      }
      const txId = ++ids.transaction;
      out.bank_transaction.push([cid, String(txId), account.id, CORE, `TXN-${pad(txId, 12)}`, iso(t), cents(amount), channel, counterparty, name, mcc, description]);
    }
  }

  // Mobile banking: most young customers enrol, some never activate the app.
  if (rng.bernoulli(MOBILE_ENROLMENT_RATE[band])) {
    const appLaunch = now - 7 * YEAR;
    const from = Math.max(createdAt, appLaunch);
    const enrolledAt = toSecond(from + (lastActive - from) * Math.pow(rng.next(), 2));
    const activated = rng.bernoulli(0.85);
    const activatedAt = activated ? toSecond(Math.min(enrolledAt + rng.exponential(2 * DAY), lastActive)) : null;
    const devices = distinctWeighted(rng, DEVICES, rng.weighted(DEVICE_COUNT));
    const enrolmentId = ++ids.enrolment;
    out.mobile_enrolment.push([
      cid, String(enrolmentId), MOBILE, `MBU-${pad(enrolmentId, 8)}`, iso(enrolledAt), activatedAt === null ? null : iso(activatedAt),
      cents(rng.weighted(TRANSFER_LIMITS[incomeIndex])), pgArray(devices),
    ]);
    if (activatedAt !== null) {
      const sessionFrom = Math.max(activatedAt, now - 730 * DAY);
      if (lastActive > sessionFrom) {
        const rate = rng.gamma(1, [22, 18, 12, 7][band]);
        const count = rng.poisson((rate * (lastActive - sessionFrom)) / (730 * DAY));
        const times = sortedTimes(rng, count, sessionFrom, lastActive);
        for (let i = 0; i < count; i++) {
          const features = distinctWeighted(rng, MOBILE_FEATURES, rng.weighted(FEATURE_COUNT));
          features.sort((a, b) => FEATURE_ORDER.indexOf(a) - FEATURE_ORDER.indexOf(b));
          const duration = Math.round(Math.min(3600, Math.max(5, rng.logNormal(95 * features.length, 0.7))));
          const sessionId = ++ids.session;
          out.mobile_session.push([cid, String(sessionId), MOBILE, `SES-${pad(sessionId, 10)}`, iso(times[i]), String(duration), pgArray(features)]);
        }
      }
    }
  }

  // Partner purchases for a subset, shaped by interests and age.
  if (rng.bernoulli(PARTNER_SHOPPER_RATE[band] + (interests.includes('shopping') ? 0.1 : 0))) {
    const from = Math.max(createdAt, now - 730 * DAY);
    if (lastActive > from) {
      const count = 1 + rng.poisson(rng.gamma(1.2, 5));
      const times = sortedTimes(rng, count, from, lastActive);
      const favourite = pickPartner(rng, ctx.partners, interests, band);
      for (let i = 0; i < count; i++) {
        const partner = rng.bernoulli(0.5) ? favourite : pickPartner(rng, ctx.partners, interests, band);
        const purchaseId = ++ids.purchase;
        out.partner_purchase.push([
          cid, String(purchaseId), partner.id, partner.sourceSystem, `ORD-${pad(purchaseId, 10)}`, iso(times[i]),
          cents(Math.max(1, rng.logNormal(partner.basket * Math.pow(incomeMult, 0.4), 0.7))), rng.pick(partner.categories), partner.mcc,
        ]);
      }
    }
  }
}

/**
 * Latin-hypercube wealth: each block of WEALTH_BLOCK consecutive customers takes every percentile once
 * (in a seeded order). With independent draws, a bank of a few hundred customers often misses the tail
 * and looks egalitarian; stratified, its shape is far steadier, and still independent of chunking.
 */
const WEALTH_BLOCK = 100;

function wealthStratum(ctx: GeneratorContext, customerId: number): number {
  const block = Math.floor((customerId - 1) / WEALTH_BLOCK);
  if (ctx.wealthBlock?.index !== block) {
    // Streams from 2^31 up belong to no customer.
    const order = Array.from({ length: WEALTH_BLOCK }, (_, i) => i);
    ctx.wealthBlock = { index: block, order: new Random(ctx.seed, 0x80000000 + block).shuffle(order) };
  }
  return ctx.wealthBlock.order[(customerId - 1) % WEALTH_BLOCK];
}

function pickPartner<P extends PartnerRef>(rng: Random, partners: readonly P[], interests: readonly string[], band: 0 | 1 | 2 | 3): P {
  const weights = partners.map((p) => [p, p.appeal[band] * (p.interests.some((i) => interests.includes(i)) ? 4 : 1)] as const);
  return rng.weightedPick(weights);
}

// Writing ----------------------------------------------------------------------------------------------

const COPY_SPECIAL = /[\\\t\n\r]/;

function copyField(value: string | null): string {
  if (value === null) return '\\N';
  if (!COPY_SPECIAL.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function* copyText(rows: readonly Row[]): Generator<string> {
  let buffer = '';
  for (const row of rows) {
    let line = copyField(row[0]);
    for (let i = 1; i < row.length; i++) line += '\t' + copyField(row[i]);
    buffer += line + '\n';
    if (buffer.length >= 1 << 18) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

async function copyRows(client: PoolClient, spec: TableSpec, rows: readonly Row[]): Promise<void> {
  const columns = spec.columns.map(([name]) => name).join(', ');
  await pipeline(Readable.from(copyText(rows)), client.query(copyFrom(`COPY ${spec.name} (${columns}) FROM STDIN`)));
}

// One parameter per column (a text[] of all values), so the 65 535-parameter limit never bites.
const INSERT_BATCH_ROWS = 5_000;
const GENERATION_SLICE = 50;

async function insertRows(client: PoolClient, spec: TableSpec, rows: readonly Row[]): Promise<void> {
  const names = spec.columns.map(([name]) => name);
  const sql =
    `INSERT INTO ${spec.name} (${names.join(', ')}) ` +
    `SELECT ${spec.columns.map(([name, type], i) => `c${i}::${type}`).join(', ')} ` +
    `FROM unnest(${names.map((_, i) => `$${i + 1}::text[]`).join(', ')}) AS u(${names.map((_, i) => `c${i}`).join(', ')})`;
  for (let start = 0; start < rows.length; start += INSERT_BATCH_ROWS) {
    const batch = rows.slice(start, start + INSERT_BATCH_ROWS);
    const params = names.map((_, col) => batch.map((row) => row[col]));
    await client.query(sql, params);
  }
}

async function ensureReferenceData(client: PoolClient, nowMs: number): Promise<Pick<GeneratorContext, 'branches' | 'partners'>> {
  // Reference tables may already hold these rows (seeded before, or loaded by hand): keep theirs, map by code.
  await client.query(
    `INSERT INTO branch (code, name, city, region) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) ON CONFLICT (code) DO NOTHING`,
    [BRANCHES.map((b) => b.code), BRANCHES.map((b) => b.name), BRANCHES.map((b) => b.city), BRANCHES.map((b) => b.region)],
  );
  await client.query(
    `INSERT INTO partner (code, name, industry, co_branded_product, created_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) ON CONFLICT (code) DO NOTHING`,
    [
      PARTNERS.map((p) => p.code),
      PARTNERS.map((p) => p.name),
      PARTNERS.map((p) => p.industry),
      PARTNERS.map((p) => p.coBrandedProduct),
      PARTNERS.map((_, i) => iso(toSecond(nowMs - 6 * YEAR + i * 97 * DAY))),
    ],
  );
  const branchIds = new Map<string, string>(
    (await client.query<{ code: string; id: string }>(`SELECT code, id FROM branch WHERE code = ANY($1)`, [BRANCHES.map((b) => b.code)])).rows.map((r) => [r.code, r.id]),
  );
  const partnerIds = new Map<string, string>(
    (await client.query<{ code: string; id: string }>(`SELECT code, id FROM partner WHERE code = ANY($1)`, [PARTNERS.map((p) => p.code)])).rows.map((r) => [r.code, r.id]),
  );
  return {
    branches: BRANCHES.map((b) => ({ ...b, id: branchIds.get(b.code) as string })),
    partners: PARTNERS.map((p) => ({ ...p, id: partnerIds.get(p.code) as string, sourceSystem: SEED_SOURCE_SYSTEMS.partner(p.code) })),
  };
}

/**
 * What `replace` empties: the customer and every customer-owned table (each carries customer_id, by the
 * schema's rule), with CASCADE for anything else that references them. Reference tables (branch, partner)
 * stay, and so does whatever hangs off them alone: API keys, the audit log, segment and model definitions.
 */
async function customerOwnedTables(client: PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT quote_ident(c.table_name) AS name
     FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = current_schema() AND c.column_name = 'customer_id' AND t.table_type = 'BASE TABLE'
     ORDER BY 1`,
  );
  return ['customer', ...rows.map((r) => r.name)];
}

/**
 * Drops the customer tables' plain indexes (not those behind a key or constraint) and returns their
 * definitions. Building an index once over the loaded table is much cheaper than growing it row by row;
 * inside the seed's transaction, a failure rolls the drop back too.
 */
async function dropSecondaryIndexes(client: PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
     WHERE t.relname = ANY($1) AND t.relnamespace = current_schema()::regnamespace
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
     ORDER BY 1`,
    [CUSTOMER_TABLES.map((t) => t.name)],
  );
  for (const row of rows) await client.query(`DROP INDEX ${row.name}`);
  await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
  return rows.map((r) => r.definition);
}

async function detectMethod(client: PoolClient): Promise<SeedWriteMethod> {
  const { rows } = await client.query<{ version: string }>('SELECT version() AS version');
  return /pglite/i.test(rows[0].version) ? 'insert' : 'copy';
}

function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

export async function seedDemoBank(dataSource: DataSource, options: SeedDemoBankOptions): Promise<SeedSummary> {
  const started = Date.now();
  const total = options.customers;
  if (!Number.isInteger(total) || total < 1 || total > MAX_SEED_CUSTOMERS) {
    throw badInput('customers', `customers must be an integer between 1 and ${MAX_SEED_CUSTOMERS}, got ${total}`);
  }
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw badInput('seed', `seed must be an integer between 0 and 4294967295, got ${seed}`);
  const now = options.now ?? startOfUtcDay(new Date());
  if (Number.isNaN(now.getTime())) throw badInput('now', 'now is not a valid date');
  const nowMs = toSecond(now.getTime());
  const hashKey = options.hashKey ?? hashKeyFromEnv();

  // One connection for the whole seed: the embedded database has only one, and one transaction makes it all-or-nothing.
  const queryRunner = dataSource.createQueryRunner();
  const client = (await queryRunner.connect()) as PoolClient;
  try {
    await client.query('BEGIN');
    try {
      const method = options.method ?? (await detectMethod(client));
      const write = method === 'copy' ? copyRows : insertRows;
      const chunkSize = options.chunkSize ?? (method === 'copy' ? 2_000 : 1_000);
      if (!Number.isInteger(chunkSize) || chunkSize < 1) throw badInput('chunkSize', `chunkSize must be a positive integer, got ${chunkSize}`);
      if (options.replace) {
        await client.query(`TRUNCATE ${(await customerOwnedTables(client)).join(', ')} RESTART IDENTITY CASCADE`);
      } else {
        const { rows } = await client.query<{ present: boolean }>('SELECT EXISTS (SELECT 1 FROM customer) AS present');
        if (rows[0].present) {
          throw new DomainException('the database already has customers; seed an empty database or pass replace (--replace) to empty the customer tables first', ErrorCode.CONFLICT);
        }
      }
      const reference = await ensureReferenceData(client, nowMs);
      const rebuild = method === 'copy' ? await dropSecondaryIndexes(client) : [];
      const ctx: GeneratorContext = {
        seed,
        nowMs,
        ...reference,
        branchTable: weightedTable(reference.branches.map((b) => [b, b.weight] as const)),
        coBranded: reference.partners.filter((p) => p.coBrandedProduct !== null),
        ids: { identifier: 0, account: 0, transaction: 0, loan: 0, card: 0, standingOrder: 0, enrolment: 0, session: 0, purchase: 0 },
        hash: (kind, value) => keyedHash(hashKey, kind, value),
      };
      const counts = Object.fromEntries(SEED_TABLES.map((t) => [t, 0])) as Record<SeedTable, number>;
      counts.branch = reference.branches.length;
      counts.partner = reference.partners.length;

      const writeChunk = async (chunk: ChunkRows, last: number) => {
        for (const spec of CUSTOMER_TABLES) {
          const rows = chunk[spec.name as CustomerTable];
          if (rows.length === 0) continue;
          await write(client, spec, rows);
          counts[spec.name] += rows.length;
        }
        options.onProgress?.(last, total);
      };
      // Generate the next chunk while the database ingests the previous one (at most two in memory).
      let writing: Promise<void> = Promise.resolve();
      for (let first = 1; first <= total; first += chunkSize) {
        const last = Math.min(total, first + chunkSize - 1);
        const chunk = emptyChunk();
        for (let id = first; id <= last; id++) {
          generateCustomer(ctx, id, chunk);
          // Let the pending write make progress between slices of CPU-bound generation.
          if (id % GENERATION_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        }
        await writing;
        writing = writeChunk(chunk, last);
        // A failure is rethrown by the next `await writing`; until then it must not count as unhandled.
        writing.catch(() => undefined);
      }
      await writing;

      for (const definition of rebuild) await client.query(definition);
      // Ids were given explicitly; move each identity past them so later inserts do not collide.
      for (const spec of CUSTOMER_TABLES) {
        await client.query(`SELECT setval(pg_get_serial_sequence('${spec.name}', 'id'), max(id)) FROM ${spec.name}`);
      }
      await seedServiceHistory(client, { seed, nowMs }); // interactions and follow-ups, set-based over the rows above
      await client.query('COMMIT');
      return { customers: total, seed, now: iso(nowMs), method, counts, elapsedMs: Date.now() - started };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    await queryRunner.release();
  }
}
