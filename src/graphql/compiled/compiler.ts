import {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  getArgumentValues,
  GraphQLField,
  GraphQLObjectType,
  GraphQLSchema,
  isInterfaceType,
  Kind,
  OperationDefinitionNode,
  SelectionNode,
  SelectionSetNode,
} from 'graphql';
import { decodeCursor, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, CursorKey } from '../../common/pagination';
import { SqlParams } from '../../database/sql';
import { rolesFor } from '../../modules/access/access-rules';
import { Principal, seesPii } from '../../modules/access/principal';
import { cursor, literal } from './sql-json';

/**
 * The compiled read path: a query whose every field this module knows how to express in SQL becomes ONE
 * statement in which PostgreSQL builds the whole `data` object as JSON (json_build_object / json_agg over
 * keyset-limited subqueries), instead of a resolver per field and a statement per nesting level.
 *
 * It is an optimisation, never a second source of truth: anything it does not know (a field, an argument,
 * a directive, a fragment on another type, a partner caller, a value out of range) makes it decline, and the
 * request runs through the resolvers as before, errors included. The read model (read-model.ts) says which
 * fields it knows; a test compares every one of them with the resolver path.
 */

/** Raised while compiling to give up on this request; the reason is for logs and tests. */
export class Decline extends Error {}

export const decline = (reason: string): never => {
  throw new Decline(reason);
};

export interface FieldRequest {
  /** "Type.field", for the audit trail. */
  coordinate: string;
  args: Record<string, unknown>;
  /** The merged sub-selection of every node asking for this response key. */
  selectionSet: SelectionSetNode | undefined;
}

/** Builds the SQL expression of one field, given the SQL alias of the row its parent object was built from. */
export type FieldBuilder = (ctx: CompileContext, parent: string, field: FieldRequest) => string;

export interface TypeModel {
  fields: Record<string, FieldBuilder>;
  /** For an interface: the SQL expression giving each row's concrete type name. */
  typename?: (alias: string) => string;
}

export type ReadModel = Record<string, TypeModel>;

/** A keyset-paginated list: the connection types' edges, pageInfo and totalCount, in SQL. */
export interface ConnectionSpec {
  /** GraphQL type of the nodes. */
  node: string;
  /** The FROM item for the rows (aliased `x`) and the conditions tying them to the parent row. */
  source: (ctx: CompileContext, parent: string, x: string) => { from: string; where: string[] };
  /** Sort expressions (the keyset), row id last; `sortText` is the cursor's sort value as text, or null. */
  order: (x: string) => { columns: string[]; descending: boolean; sortText: string | null; id: string; sortCast: string | null };
  /** Arguments accepted besides first/after, with the values that keep the default behaviour. */
  defaults?: Record<string, unknown>;
  /** Turns a cursor's sort value into keyset values, or declines. Default: [sortValue cast to sortCast]. */
  cursorValues?: (key: CursorKey) => unknown[];
}

export class CompileContext {
  readonly params = new SqlParams();
  /** Every "Type.field" the response contains, as the resolver path records them for the audit trail. */
  readonly coordinates = new Set<string>();
  piiSelected = false;
  private aliases = 0;

  constructor(
    readonly schema: GraphQLSchema,
    readonly model: ReadModel,
    readonly fragments: Record<string, FragmentDefinitionNode>,
    readonly variables: Record<string, unknown>,
    readonly seesPii: boolean,
  ) {}

  alias(prefix: string): string {
    this.aliases += 1;
    return `${prefix}${this.aliases}`;
  }

  /** `json_build_object(...)` of the selection on a row of `typeName` aliased `row`. */
  object(typeName: string, row: string, selectionSet: SelectionSetNode | undefined): string {
    if (!selectionSet) return decline(`${typeName} needs a selection`);
    const model = this.model[typeName] ?? decline(`${typeName} is not compiled`);
    const type = this.schema.getType(typeName) ?? decline(`${typeName} is not in the schema`);
    const fields = this.collect(typeName, selectionSet);
    const pairs: string[] = [];
    for (const [key, nodes] of fields) {
      const node = nodes[0];
      const name = node.name.value;
      let value: string;
      if (name === '__typename') {
        value = model.typename ? model.typename(row) : literal(typeName);
      } else {
        const build = model.fields[name] ?? decline(`${typeName}.${name} is not compiled`);
        const def = (type as GraphQLObjectType).getFields()[name] as GraphQLField<unknown, unknown> | undefined;
        if (!def) return decline(`${typeName}.${name} is not in the schema`);
        const args = getArgumentValues(def, node, this.variables);
        const coordinate = `${typeName}.${name}`;
        this.coordinates.add(coordinate);
        value = build(this, row, { coordinate, args, selectionSet: mergeSelections(nodes) });
      }
      pairs.push(`${literal(key)}, ${value}`);
    }
    // json_build_object takes at most 100 arguments.
    if (pairs.length > 50) return decline(`more than 50 fields on one ${typeName}`);
    return `json_build_object(${pairs.join(', ')})`;
  }

  /** Response keys in selection order with the field nodes behind each (fragments flattened). */
  private collect(typeName: string, selectionSet: SelectionSetNode, into = new Map<string, FieldNode[]>()): Map<string, FieldNode[]> {
    for (const selection of selectionSet.selections) {
      if (!this.included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const list = into.get(key);
        if (list) list.push(selection);
        else into.set(key, [selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!selection.typeCondition || this.applies(typeName, selection.typeCondition.name.value)) this.collect(typeName, selection.selectionSet, into);
      } else {
        const fragment = this.fragments[selection.name.value] ?? decline(`unknown fragment ${selection.name.value}`);
        if (this.applies(typeName, fragment.typeCondition.name.value)) this.collect(typeName, fragment.selectionSet, into);
      }
    }
    return into;
  }

  /** A fragment applies to the type itself or an interface it implements; one on another type declines. */
  private applies(typeName: string, condition: string): boolean {
    if (condition === typeName) return true;
    const type = this.schema.getType(typeName);
    if (type instanceof GraphQLObjectType && type.getInterfaces().some((i) => i.name === condition)) return true;
    if (isInterfaceType(type)) return decline(`a fragment on ${condition} inside ${typeName}`);
    const other = this.schema.getType(condition);
    // On a concrete type, a fragment on an unrelated type never applies (validation guarantees it could).
    return other ? false : decline(`unknown type ${condition}`);
  }

  private included(selection: SelectionNode): boolean {
    let keep = true;
    for (const directive of selection.directives ?? []) {
      const name = directive.name.value;
      if (name !== 'skip' && name !== 'include') return decline(`directive @${name}`);
      const arg = directive.arguments?.find((a) => a.name.value === 'if');
      if (!arg) return decline(`@${name} without if`);
      const value = arg.value.kind === Kind.VARIABLE ? this.variables[arg.value.name.value] : arg.value.kind === Kind.BOOLEAN ? arg.value.value : undefined;
      if (typeof value !== 'boolean') return decline(`@${name} condition`);
      if ((name === 'skip' && value) || (name === 'include' && !value)) keep = false;
    }
    return keep;
  }

  /** Arguments other than the allowed ones must be absent or at their default. */
  onlyArgs(field: FieldRequest, allowed: Record<string, unknown> = {}): void {
    for (const [name, value] of Object.entries(field.args)) {
      if (value === undefined || value === null) continue;
      if (name in allowed && JSON.stringify(allowed[name]) === JSON.stringify(value)) continue;
      decline(`argument ${field.coordinate}(${name})`);
    }
  }
}

function mergeSelections(nodes: readonly FieldNode[]): SelectionSetNode | undefined {
  const sets = nodes.map((n) => n.selectionSet).filter((s): s is SelectionSetNode => !!s);
  if (sets.length <= 1) return sets[0];
  return { kind: Kind.SELECTION_SET, selections: sets.flatMap((s) => s.selections) };
}

// ---- field builders ---------------------------------------------------------------------------------

/** A scalar column or expression of the parent row. */
export const column =
  (expr: (row: string) => string): FieldBuilder =>
  (ctx, parent, field) => {
    ctx.onlyArgs(field);
    return expr(parent);
  };

/** A nested object from at most one row: `from` is a FROM item (alias `x`) with its own WHERE/LIMIT. */
export const one =
  (typeName: string, from: (parent: string, x: string) => string): FieldBuilder =>
  (ctx, parent, field) => {
    ctx.onlyArgs(field);
    const x = ctx.alias('o');
    return `(SELECT ${ctx.object(typeName, x, field.selectionSet)} FROM ${from(parent, x)})`;
  };

/** A plain list (no pagination), as a JSON array, never null. */
export const many =
  (typeName: string, from: (parent: string, x: string) => string, order: (x: string) => string): FieldBuilder =>
  (ctx, parent, field) => {
    ctx.onlyArgs(field);
    const x = ctx.alias('l');
    return `(SELECT coalesce(json_agg(${ctx.object(typeName, x, field.selectionSet)} ORDER BY ${order(x)}), '[]'::json) FROM ${from(parent, x)})`;
  };

/** A Relay connection over a keyset: first/after only (last/before and other arguments decline). */
export const connection =
  (spec: ConnectionSpec): FieldBuilder =>
  (ctx, parent, field) => connectionSql(ctx, parent, field, spec).json;

export interface ConnectionSql {
  json: string;
  /** SQL for the ids of the page's rows (bigint[]), over the same FROM item; the audit trail uses it. */
  ids: string;
}

export function connectionSql(ctx: CompileContext, parent: string, field: FieldRequest, spec: ConnectionSpec): ConnectionSql {
  const { first, after, ...rest } = field.args as { first?: number | null; after?: string | null };
  ctx.onlyArgs({ ...field, args: rest }, spec.defaults);
  if (first != null && (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE)) decline('first out of range');
  const limit = first ?? DEFAULT_PAGE_SIZE;
  const x = ctx.alias('c');
  const order = spec.order(x);
  const dir = order.descending ? 'DESC' : 'ASC';
  const orderBy = [...order.columns, order.id].map((c) => `${c} ${dir}`).join(', ');
  const { from, where } = spec.source(ctx, parent, x);
  const conditions = [...where];
  if (after != null) {
    let key: CursorKey;
    try {
      key = decodeCursor(after, 'after');
    } catch {
      return decline('cursor');
    }
    const cmp = order.descending ? '<' : '>';
    const id = ctx.params.add(key[1], 'bigint');
    if (spec.cursorValues) {
      const values = spec.cursorValues(key);
      conditions.push(`(${order.columns.join(', ')}, ${order.id}) ${cmp} (${values.join(', ')}, ${id})`);
    } else if (order.columns.length === 0 || key[0] === null) {
      conditions.push(`${order.id} ${cmp} ${id}`);
    } else {
      const values = [ctx.params.add(key[0], order.sortCast ?? 'text')];
      conditions.push(`(${order.columns.join(', ')}, ${order.id}) ${cmp} (${values.join(', ')}, ${id})`);
    }
  }
  const rows = `(SELECT ${x}.*, row_number() OVER (ORDER BY ${orderBy}) AS "__n" FROM ${from}
     WHERE ${conditions.length ? conditions.join(' AND ') : 'TRUE'} ORDER BY ${orderBy} LIMIT ${limit + 1}) ${x}`;
  const cursorExpr = cursor(order.sortText ?? 'NULL', order.id);
  const kept = `FILTER (WHERE ${x}."__n" <= ${limit})`;

  const parts: string[] = [];
  const connectionType = ctx.schema.getType(`${spec.node}Connection`) ? `${spec.node}Connection` : decline(`no ${spec.node}Connection`);
  for (const [key, nodes] of collectPlain(field.selectionSet)) {
    const name = nodes[0].name.value;
    const sub = mergeSelections(nodes);
    if (name === '__typename') parts.push(`${literal(key)}, ${literal(connectionType)}`);
    else if (name === 'edges') {
      const edgePairs: string[] = [];
      for (const [edgeKey, edgeNodes] of collectPlain(sub)) {
        const edgeField = edgeNodes[0].name.value;
        if (edgeField === '__typename') edgePairs.push(`${literal(edgeKey)}, ${literal(`${spec.node}Edge`)}`);
        else if (edgeField === 'cursor') edgePairs.push(`${literal(edgeKey)}, ${cursorExpr}`);
        else if (edgeField === 'node') edgePairs.push(`${literal(edgeKey)}, ${ctx.object(spec.node, x, mergeSelections(edgeNodes))}`);
        else decline(`edge field ${edgeField}`);
      }
      parts.push(`${literal(key)}, coalesce(json_agg(json_build_object(${edgePairs.join(', ')}) ORDER BY ${x}."__n") ${kept}, '[]'::json)`);
    } else if (name === 'pageInfo') {
      const infoPairs: string[] = [];
      for (const [infoKey, infoNodes] of collectPlain(sub)) {
        const info = infoNodes[0].name.value;
        const value =
          info === 'hasNextPage'
            ? `count(*) > ${limit}`
            : info === 'hasPreviousPage'
              ? String(after != null)
              : info === 'startCursor'
                ? `(array_agg(${cursorExpr} ORDER BY ${x}."__n") ${kept})[1]`
                : info === 'endCursor'
                  ? `(array_agg(${cursorExpr} ORDER BY ${x}."__n" DESC) ${kept})[1]`
                  : info === '__typename'
                    ? `'PageInfo'`
                    : decline(`pageInfo.${info}`);
        infoPairs.push(`${literal(infoKey)}, ${value}`);
      }
      parts.push(`${literal(key)}, json_build_object(${infoPairs.join(', ')})`);
    } else if (name === 'totalCount') {
      const c = ctx.alias('n');
      const counted = spec.source(ctx, parent, c);
      parts.push(`${literal(key)}, (SELECT count(*)::int FROM ${counted.from} WHERE ${counted.where.length ? counted.where.join(' AND ') : 'TRUE'})`);
    } else decline(`connection field ${name}`);
  }
  if (parts.length === 0) decline('empty connection selection');
  return {
    // HAVING makes it one group, so an empty page still gives one row (totalCount alone has no aggregate).
    json: `(SELECT json_build_object(${parts.join(', ')}) FROM ${rows} HAVING true)`,
    ids: `(SELECT array_agg(${x}.id ORDER BY ${x}."__n") ${kept} FROM ${rows})`,
  };
}

/** Connection and edge selections: plain fields only (no fragments or directives: decline those). */
function collectPlain(selectionSet: SelectionSetNode | undefined): Map<string, FieldNode[]> {
  const out = new Map<string, FieldNode[]>();
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind !== Kind.FIELD || selection.directives?.length) return decline('fragment or directive in a connection');
    const key = selection.alias?.value ?? selection.name.value;
    out.set(key, [...(out.get(key) ?? []), selection]);
  }
  return out;
}

// ---- operations ------------------------------------------------------------------------------------

/** A root field: its JSON and, for the audit trail, the customers it returns (bigint[] SQL or none). */
export interface RootResult {
  json: string;
  customerIds?: string;
}

export type RootBuilder = (ctx: CompileContext, field: FieldRequest) => RootResult;

export interface CompiledOperation {
  text: string;
  values: unknown[];
  /** Root and Customer coordinates the response contains (the audit trail's `fields`). */
  coordinates: string[];
  /** Whether unmasked email/phone can be in the response. */
  piiSelected: boolean;
}

export type CompileOutcome = { compiled: CompiledOperation } | { declined: string };

export function compileOperation(
  schema: GraphQLSchema,
  model: ReadModel,
  roots: Record<string, RootBuilder>,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  principal: Principal,
): CompileOutcome {
  try {
    if (operation.operation !== 'query') return { declined: operation.operation };
    if (principal.role === 'PARTNER') return { declined: 'partner caller (consent is checked per field)' };
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
    const ctx = new CompileContext(schema, model, fragments, variables, seesPii(principal));
    const query = schema.getQueryType()!;
    const pairs: string[] = [];
    const idArrays: string[] = [];
    const rootFields = new Map<string, FieldNode[]>();
    for (const selection of operation.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD || selection.directives?.length) return { declined: 'fragment or directive at the root' };
      const key = selection.alias?.value ?? selection.name.value;
      rootFields.set(key, [...(rootFields.get(key) ?? []), selection]);
    }
    for (const [key, nodes] of rootFields) {
      const name = nodes[0].name.value;
      if (name === '__typename') {
        pairs.push(`${literal(key)}, 'Query'`);
        continue;
      }
      const build = roots[name] ?? decline(`Query.${name} is not compiled`);
      if (!rolesFor(`Query.${name}`).includes(principal.role)) decline('role may not use the field (the resolver path refuses it)');
      const def = query.getFields()[name] ?? decline(`Query.${name} is not in the schema`);
      const coordinate = `Query.${name}`;
      ctx.coordinates.add(coordinate);
      const result = build(ctx, { coordinate, args: getArgumentValues(def, nodes[0], variables), selectionSet: mergeSelections(nodes) });
      pairs.push(`${literal(key)}, ${result.json}`);
      if (result.customerIds) idArrays.push(result.customerIds);
    }
    if (pairs.length > 50) decline('more than 50 root fields');
    const ids = idArrays.length ? idArrays.map((a) => `coalesce(${a}, '{}')`).join(' || ') : `'{}'::bigint[]`;
    return {
      compiled: {
        // json::text costs PostgreSQL nothing and keeps node-postgres from parsing the response into objects.
        text: `SELECT json_build_object(${pairs.join(', ')})::text AS data, (${ids})::text[] AS customer_ids`,
        values: ctx.params.values,
        coordinates: [...ctx.coordinates],
        piiSelected: ctx.piiSelected,
      },
    };
  } catch (error) {
    if (error instanceof Decline) return { declined: error.message };
    throw error;
  }
}
