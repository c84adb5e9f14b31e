import { ApolloServerPlugin } from '@apollo/server';
import {
  DocumentNode,
  FieldNode,
  getNamedType,
  GraphQLError,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { ComplexityEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE } from '../../common/pagination';
import { GraphQLContext } from '../context';
import { DocumentCache, variantKey } from '../document-cache';

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
}

/** Connections cost their page size times what each item asks for, so cost grows with requested pages. */
const pagedEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (!getNamedType(field.type).name.endsWith('Connection')) return undefined;
  const size = Number(args.first ?? args.last ?? DEFAULT_PAGE_SIZE);
  return 1 + Math.max(1, Number.isFinite(size) ? size : DEFAULT_PAGE_SIZE) * childComplexity;
};

function depthOf(selectionSet: SelectionSetNode | undefined, fragments: Map<string, SelectionSetNode>, seen: Set<string>): number {
  if (!selectionSet) return 0;
  let max = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const field = selection as FieldNode;
      // Introspection (GraphiQL's schema request is ~15 levels) is bounded by the schema, not by data.
      if (field.name.value.startsWith('__')) continue;
      max = Math.max(max, 1 + depthOf(field.selectionSet, fragments, seen));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      max = Math.max(max, depthOf(selection.selectionSet, fragments, seen));
    } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      if (seen.has(name)) continue; // cycles are rejected by validation; never loop here
      max = Math.max(max, depthOf(fragments.get(name), fragments, new Set([...seen, name])));
    }
  }
  return max;
}

export function operationDepth(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = new Map<string, SelectionSetNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def.selectionSet);
  return depthOf(operation.selectionSet, fragments, new Set());
}

function usesIntrospection(document: DocumentNode): boolean {
  let found = false;
  const visit = (set: SelectionSetNode | undefined) => {
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD && (s.name.value === '__schema' || s.name.value === '__type')) found = true;
      if ('selectionSet' in s) visit(s.selectionSet);
    }
  };
  for (const def of document.definitions) if ('selectionSet' in def) visit(def.selectionSet);
  return found;
}

const reject = (message: string, code: string, extra: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code, ...extra, http: { status: 400 } } });

/** Depth and cost limits for everyone; no introspection for partner keys. */
export function limitsPlugin(schema: GraphQLSchema, limits: QueryLimits): ApolloServerPlugin<GraphQLContext> {
  // The cost walks the whole document with its variables on every request; the same request costs the same.
  const costs = new DocumentCache<number | null>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, contextValue }) {
          if (!operation) return;
          if (contextValue.principal.role === 'PARTNER' && usesIntrospection(document)) {
            throw reject('Introspection is not available to partner keys.', 'FORBIDDEN');
          }
          const depth = operationDepth(document, operation);
          if (depth > limits.maxDepth) {
            throw reject(`The query is ${depth} levels deep; the limit is ${limits.maxDepth}.`, 'QUERY_TOO_DEEP', { depth, maxDepth: limits.maxDepth });
          }
          const cost = costs.get(document, variantKey(request.operationName, request.variables), () => {
            try {
              return getComplexity({
                schema,
                query: document,
                operationName: request.operationName ?? undefined,
                variables: request.variables ?? {},
                estimators: [pagedEstimator, simpleEstimator({ defaultComplexity: 1 })],
              });
            } catch {
              // Variables that do not coerce: execution reports them as BAD_USER_INPUT with the details.
              return null;
            }
          });
          if (cost === null) return;
          if (cost > limits.maxCost) {
            throw reject(`The query would cost ${cost}; the limit is ${limits.maxCost}. Ask for smaller pages.`, 'QUERY_TOO_COMPLEX', {
              cost,
              maxCost: limits.maxCost,
            });
          }
        },
      };
    },
  };
}
