import { BEHAVIOUR_FIELDS } from './behaviour.fields';
import { FilterField } from './filter-field';
import { HOLDINGS_FIELDS } from './holdings.fields';
import { LIFETIME_VALUE_FIELDS } from './lifetime-value.fields';
import { MEMBERSHIP_FIELDS } from './membership.fields';
import { PROFILE_FIELDS } from './profile.fields';
import { SERVICE_HISTORY_FIELDS } from './service-history.fields';

/**
 * Every field of the filter language, by its GraphQL name. Extension point: a module that adds customer
 * facts (lifetime value, service history) writes a `<area>.fields.ts` exporting a Record<string, FilterField>,
 * spreads it in here and adds the matching input field to CustomerFilter (dto/customer-filter.input.ts).
 * Nothing else changes: segments, explainMembership and customerStats pick the field up from this table.
 */
export const FILTER_FIELDS: ReadonlyMap<string, FilterField> = new Map(
  Object.entries({
    ...PROFILE_FIELDS,
    ...HOLDINGS_FIELDS,
    ...BEHAVIOUR_FIELDS,
    ...MEMBERSHIP_FIELDS,
    ...SERVICE_HISTORY_FIELDS,
    ...LIFETIME_VALUE_FIELDS,
  }),
);
