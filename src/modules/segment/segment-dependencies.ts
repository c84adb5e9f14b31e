import { DomainException, ErrorCode } from '../../common/errors';
import { FilterInput, segmentReferences, validateCustomerFilter } from '../customer/filter/customer-filter.compiler';

/** Pure: orders segments so that a segment is refreshed after the segments its definition reads. */
export interface SegmentNode {
  id: string;
  key: string;
  definition: Record<string, unknown>;
}

/** Keys a segment depends on that exist (an unknown key is a segment nobody is in: no edge). */
export function dependenciesOf(segment: SegmentNode, known: ReadonlySet<string>): string[] {
  return [...new Set(segmentReferences(segment.definition as FilterInput).map((r) => r.key))].filter((k) => known.has(k));
}

/** A cycle as "a -> b -> a", or null. */
export function findCycle(segments: readonly SegmentNode[]): string | null {
  const known = new Set(segments.map((s) => s.key));
  const deps = new Map(segments.map((s) => [s.key, dependenciesOf(s, known)] as const));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (key: string): string | null => {
    if (state.get(key) === 'done') return null;
    if (state.get(key) === 'visiting') return [...stack.slice(stack.indexOf(key)), key].join(' -> ');
    state.set(key, 'visiting');
    stack.push(key);
    for (const dep of deps.get(key) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(key, 'done');
    return null;
  };
  for (const s of segments) {
    const cycle = visit(s.key);
    if (cycle) return cycle;
  }
  return null;
}

/**
 * Dependencies first, otherwise in the given order. Stored definitions are re-validated here: the language
 * may have changed since they were saved, and a refresh must fail before it writes anything.
 */
export function refreshOrder<T extends SegmentNode>(segments: readonly T[]): T[] {
  for (const s of segments) validateStoredDefinition(s);
  const cycle = findCycle(segments);
  if (cycle) throw new DomainException(`segments depend on each other: ${cycle}`, ErrorCode.CONFLICT, { cycle });
  const known = new Set(segments.map((s) => s.key));
  const byKey = new Map(segments.map((s) => [s.key, s] as const));
  const ordered: T[] = [];
  const placed = new Set<string>();
  const place = (s: T) => {
    if (placed.has(s.key)) return;
    placed.add(s.key);
    for (const dep of dependenciesOf(s, known)) place(byKey.get(dep)!);
    ordered.push(s);
  };
  segments.forEach(place);
  return ordered;
}

export function validateStoredDefinition(segment: Pick<SegmentNode, 'key' | 'definition'>): void {
  try {
    validateCustomerFilter(segment.definition as FilterInput, 'definition');
  } catch (error) {
    if (error instanceof DomainException) {
      throw new DomainException(`segment "${segment.key}" has a stored definition that no longer validates: ${error.message}`, ErrorCode.CONFLICT, {
        ...error.details,
        segment: segment.key,
      });
    }
    throw error;
  }
}
