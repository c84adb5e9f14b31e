// SQL expressions that produce, inside PostgreSQL, exactly the JSON values the resolvers produce in Node:
// global ids, cursors, ISO timestamps, masked identifiers. The compiled read path (compiler.ts) builds whole
// responses from them; its equivalence test compares every field against the resolver path.

/** base64url without padding, as Buffer#toString('base64url') (PostgreSQL's base64 also wraps lines). */
export const base64url = (text: string) => `translate(encode(convert_to(${text}, 'UTF8'), 'base64'), E'+/=\\n', '-_')`;

/** src/common/global-id.ts toGlobalId. `type` is a trusted GraphQL type name, never user text. */
export const globalId = (type: string, localId: string) => base64url(`'${type}:' || ${localId}`);

/** Customer-owned rows are addressed as "customerId.id". */
export const ownedGlobalId = (type: string, alias: string) => globalId(type, `${alias}.customer_id || '.' || ${alias}.id`);

/** graphql-scalars' DateTime: Date#toISOString(), millisecond precision, UTC. */
export const isoDateTime = (expr: string) => `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The Date scalar: a calendar day. */
export const isoDate = (expr: string) => `to_char(${expr}, 'YYYY-MM-DD')`;

/** src/common/pagination.ts encodeCursor: base64url(JSON [sortValue, id]); sortValue is text or null. */
export const cursor = (sortText: string, idText: string) =>
  base64url(`'[' || coalesce(to_json(${sortText}::text)::text, 'null') || ',' || to_json(${idText}::text)::text || ']'`);

/** src/modules/access/masking.ts maskEmail. */
export const maskEmail = (e: string) =>
  `CASE WHEN ${e} IS NULL THEN NULL WHEN strpos(reverse(${e}), '@') IN (0, length(${e})) THEN '****'
        ELSE left(${e}, 1) || '***' || right(${e}, strpos(reverse(${e}), '@')) END`;

/** src/modules/access/masking.ts maskPhone. */
export const maskPhone = (p: string) => {
  const digits = `regexp_replace(${p}, '\\D', '', 'g')`;
  return `CASE WHEN ${p} IS NULL THEN NULL WHEN length(${digits}) < 7 THEN repeat('*', length(${p}))
        ELSE CASE WHEN ${p} LIKE '+%' THEN '+' ELSE '' END
             || left(${digits}, CASE WHEN length(${digits}) > 11 THEN length(${digits}) - 8 ELSE 3 END) || '****' || right(${digits}, 4) END`;
};

/** A SQL string literal for trusted text (type and field names from the schema). */
export const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
