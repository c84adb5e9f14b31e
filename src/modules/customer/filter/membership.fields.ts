import { badInput } from '../../../common/errors';
import { and } from './comparisons';
import { FilterContext, isPresent, readBoolean, readList, readObject, readString } from './filter-context';
import { FilterField } from './filter-field';

/** Mobile banking as of `now`: enrolled (and activated) on or before the clock. */
function mobile(column: 'enrolled_at' | 'activated_at'): FilterField {
  const sql = (ctx: FilterContext) =>
    `EXISTS (SELECT 1 FROM mobile_enrolment fm WHERE fm.customer_id = c.id AND fm.${column} <= ${ctx.nowSql})`;
  return {
    condition: (value, ctx, at) => (readBoolean(value, at) ? sql(ctx) : `NOT ${sql(ctx)}`),
    actual: (_value, ctx) => `to_jsonb(${sql(ctx)})`,
  };
}

export const SEGMENT_KEY = /^[a-z][a-z0-9-]{0,62}$/;

function readKey(value: unknown, at: string): string {
  const key = readString(value, at, 63);
  if (!SEGMENT_KEY.test(key)) throw badInput(at, `"${key}" is not a segment key (lower-case letters, digits and dashes)`);
  return key;
}

function readSegmentOps(value: unknown, at: string): { op: string; keys: string[] }[] {
  const ops = readObject(value, at);
  const out: { op: string; keys: string[] }[] = [];
  for (const [op, v] of Object.entries(ops)) {
    if (!isPresent(v)) continue;
    const where = `${at}.${op}`;
    if (op === '_eq' || op === '_neq') out.push({ op, keys: [readKey(v, where)] });
    else if (op === '_in' || op === '_nin') out.push({ op, keys: readList(v, where, readKey) });
    else throw badInput(where, `operator ${op} does not apply to SegmentMembershipComparison`);
  }
  return out;
}

/**
 * Membership as of the last refresh (memberships are materialised). `_eq`/`_in`: member of that segment /
 * of at least one of them; `_neq`/`_nin`: member of none. An unknown key is a segment nobody is in.
 */
const segment: FilterField = {
  condition(value, ctx, at) {
    return and(
      readSegmentOps(value, at).map(({ op, keys }) => {
        const member = `EXISTS (SELECT 1 FROM segment_membership fsm WHERE fsm.customer_id = c.id
            AND fsm.segment_id = ANY(ARRAY(SELECT fsg.id FROM segment fsg WHERE fsg.key = ANY(${ctx.params.add(keys, 'text[]')}))))`;
        return op === '_eq' || op === '_in' ? member : `NOT ${member}`;
      }),
    );
  },
  actual: () => `(SELECT COALESCE(jsonb_agg(fsg.key ORDER BY fsg.key), '[]'::jsonb)
      FROM segment_membership fsm JOIN segment fsg ON fsg.id = fsm.segment_id WHERE fsm.customer_id = c.id)`,
  segmentKeys: (value) => readSegmentOps(value, 'segment').flatMap((o) => o.keys),
};

export const MEMBERSHIP_FIELDS: Record<string, FilterField> = {
  mobileEnrolled: mobile('enrolled_at'),
  mobileActivated: mobile('activated_at'),
  segment,
};
