import { DocumentNode } from 'graphql';

/**
 * Values derived from a parsed document and the request's variables (a query's cost, its compiled SQL),
 * kept as long as Apollo keeps the document in its own cache (the same query text gives the same
 * DocumentNode). Repeated requests then skip the walk over the document and the garbage it leaves. Each
 * document keeps its first `maxPerDocument` variants: a document sent with ever new variables (one id
 * per request) is computed every time rather than filling memory.
 */
export class DocumentCache<T> {
  private readonly byDocument = new WeakMap<DocumentNode, Map<string, T>>();

  constructor(private readonly maxPerDocument = 32) {}

  get(document: DocumentNode, key: string, compute: () => T): T {
    let entries = this.byDocument.get(document);
    if (!entries) {
      entries = new Map();
      this.byDocument.set(document, entries);
    }
    const cached = entries.get(key);
    if (cached !== undefined) return cached;
    const value = compute();
    if (entries.size < this.maxPerDocument) entries.set(key, value);
    return value;
  }
}

/** The part of a request a derived value depends on besides the document. */
export const variantKey = (operationName: string | null | undefined, variables: Record<string, unknown> | undefined, ...extra: string[]) =>
  [operationName ?? '', JSON.stringify(variables ?? {}), ...extra].join('\u0000');
