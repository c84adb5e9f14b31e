import { badInput } from '../../../common/errors';
import { GENDERS, INCOME_BANDS } from '../customer.entity';
import { and, compare, DATE_TIME, enumOperand, Operator, TEXT } from './comparisons';
import { FilterContext, isPresent, readBoolean, readInt, readList, readObject, readString } from './filter-context';
import { FilterField } from './filter-field';

/** Profile fields: columns of the customer row itself. */

function column(col: string, spec = TEXT): FilterField {
  return {
    condition: (value, ctx, at) => compare(col, value, spec, ctx, at),
    actual: () => `to_jsonb(${col})`,
  };
}

const ageYears = (ctx: FilterContext) => `date_part('year', age(${ctx.todaySql}, c.birth_date))::int`;

/** Age compiles to birth-date bounds, so it stays index-friendly and exact on birthdays. */
const age: FilterField = {
  condition(value, ctx, at) {
    const ops = readObject(value, at);
    const conds: string[] = [];
    const read = (op: string, v: unknown) => {
      const n = readInt(v, `${at}.${op}`);
      if (n < 0 || n > 200) throw badInput(`${at}.${op}`, 'age must be between 0 and 200');
      return n;
    };
    // age >= n  <=>  birth_date <= today - n years
    const atLeast = (n: number) => `c.birth_date <= (${ctx.todaySql} - make_interval(years => ${ctx.params.add(n, 'int')}))::date`;
    const below = (n: number) => `c.birth_date > (${ctx.todaySql} - make_interval(years => ${ctx.params.add(n, 'int')}))::date`;
    for (const [op, v] of Object.entries(ops)) {
      if (!isPresent(v)) continue;
      switch (op as Operator) {
        case '_is_null': conds.push(readBoolean(v, `${at}.${op}`) ? 'c.birth_date IS NULL' : 'c.birth_date IS NOT NULL'); break;
        case '_in':
        case '_nin': {
          const list = readList(v, `${at}.${op}`, (x) => read(op, x));
          const expr = `${ageYears(ctx)} = ANY(${ctx.params.add(list, 'int[]')})`;
          conds.push(op === '_in' ? expr : `c.birth_date IS NOT NULL AND NOT (${expr})`);
          break;
        }
        case '_eq': { const n = read(op, v); conds.push(`${atLeast(n)} AND ${below(n + 1)}`); break; }
        case '_neq': { const n = read(op, v); conds.push(`c.birth_date IS NOT NULL AND NOT (${atLeast(n)} AND ${below(n + 1)})`); break; }
        case '_gt': conds.push(atLeast(read(op, v) + 1)); break;
        case '_gte': conds.push(atLeast(read(op, v))); break;
        case '_lt': conds.push(below(read(op, v))); break;
        case '_lte': conds.push(below(read(op, v) + 1)); break;
        default: throw badInput(`${at}.${op}`, `operator ${op} does not apply to IntComparison`);
      }
    }
    return and(conds);
  },
  actual: (_value, ctx) => `to_jsonb(${ageYears(ctx)})`,
};

const interests: FilterField = {
  condition(value, ctx, at) {
    const ops = readObject(value, at);
    const conds: string[] = [];
    for (const [op, v] of Object.entries(ops)) {
      if (!isPresent(v)) continue;
      const where = `${at}.${op}`;
      switch (op) {
        case '_contains': conds.push(`c.interests @> ${ctx.params.add(readList(v, where, (x, w) => readString(x, w)), 'text[]')}`); break;
        case '_overlaps': conds.push(`c.interests && ${ctx.params.add(readList(v, where, (x, w) => readString(x, w)), 'text[]')}`); break;
        case '_is_empty': conds.push(readBoolean(v, where) ? 'cardinality(c.interests) = 0' : 'cardinality(c.interests) > 0'); break;
        default: throw badInput(where, `operator ${op} does not apply to TagsComparison`);
      }
    }
    return and(conds);
  },
  actual: () => 'to_jsonb(c.interests)',
};

const homeBranch: FilterField = {
  condition(value, ctx, at) {
    const { _is_null, ...rest } = readObject(value, at);
    const conds: string[] = [];
    if (isPresent(_is_null)) conds.push(readBoolean(_is_null, `${at}._is_null`) ? 'c.home_branch_id IS NULL' : 'c.home_branch_id IS NOT NULL');
    if (Object.values(rest).some(isPresent)) {
      conds.push(`EXISTS (SELECT 1 FROM branch fb WHERE fb.id = c.home_branch_id AND ${compare('fb.code', rest, TEXT, ctx, at)})`);
    }
    return and(conds);
  },
  actual: () => 'to_jsonb((SELECT fb.code FROM branch fb WHERE fb.id = c.home_branch_id))',
};

export const PROFILE_FIELDS: Record<string, FilterField> = {
  fullName: column('c.full_name'),
  age,
  gender: column('c.gender', enumOperand('GenderComparison', GENDERS)),
  occupation: column('c.occupation'),
  incomeBand: column('c.income_band', enumOperand('IncomeBandComparison', INCOME_BANDS)),
  city: column('c.city'),
  region: column('c.region'),
  interests,
  homeBranch,
  customerSince: column('c.created_at', DATE_TIME),
};
