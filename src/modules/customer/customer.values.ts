/** Customer profile vocabularies, apart from the entity so that code which only checks values does not load TypeORM. */

export const GENDERS = ['FEMALE', 'MALE', 'OTHER', 'UNKNOWN'] as const;
export type Gender = (typeof GENDERS)[number];
export const INCOME_BANDS = ['LOW', 'LOWER_MIDDLE', 'MIDDLE', 'UPPER_MIDDLE', 'HIGH'] as const;
export type IncomeBand = (typeof INCOME_BANDS)[number];
