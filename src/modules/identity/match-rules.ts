/**
 * Identity resolution as pure functions: which keys a record yields, how records and existing customers
 * fall into groups (union-find), which customer survives a merge, and how conflicting profile values are
 * reconciled. The service feeds them what the repository read and writes back what they decide.
 */
export const MATCH_RULES = ['NATIONAL_ID', 'CARD', 'PHONE_AND_BIRTH_DATE', 'EMAIL', 'PHONE'] as const;
export type MatchRule = (typeof MATCH_RULES)[number];

/** Email and phone alone are off by default: households share them. */
export const DEFAULT_MATCH_RULES: readonly MatchRule[] = ['NATIONAL_ID', 'CARD', 'PHONE_AND_BIRTH_DATE'];

export const NEW_CUSTOMER = 'NEW_CUSTOMER';
/** A record already linked keeps the rule that first linked it; the service reads it back. */
export const ALREADY_LINKED = 'ALREADY_LINKED';

export function parseMatchRules(spec: string | undefined): MatchRule[] {
  if (spec === undefined || spec.trim() === '') return [...DEFAULT_MATCH_RULES];
  const rules = spec.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  for (const rule of rules) {
    if (!(MATCH_RULES as readonly string[]).includes(rule)) {
      throw new Error(`unknown match rule ${rule}; known: ${MATCH_RULES.join(', ')}`);
    }
  }
  return [...new Set(rules)] as MatchRule[];
}

/** Normalised identifiers of one record (hashes already keyed; phone E.164; email lower-case). */
export interface IdentifierValues {
  nationalIdHash?: string;
  cardHash?: string;
  phone?: string;
  email?: string;
  birthDate?: string;
}

export interface IdentityKey {
  rule: MatchRule;
  value: string;
}

export function identityKeyId(key: IdentityKey): string {
  return `${key.rule}:${key.value}`;
}

/**
 * Every key the identifiers allow, whether or not its rule is enabled, so turning a rule on later
 * needs no re-ingestion. `hash` keys the clear-text ones (phone, email).
 */
export function identityKeys(ids: IdentifierValues, hash: (kind: string, value: string) => string): IdentityKey[] {
  const keys: IdentityKey[] = [];
  if (ids.nationalIdHash) keys.push({ rule: 'NATIONAL_ID', value: ids.nationalIdHash });
  if (ids.cardHash) keys.push({ rule: 'CARD', value: ids.cardHash });
  if (ids.phone && ids.birthDate) keys.push({ rule: 'PHONE_AND_BIRTH_DATE', value: hash('PHONE_AND_BIRTH_DATE', `${ids.phone}|${ids.birthDate}`) });
  if (ids.email) keys.push({ rule: 'EMAIL', value: hash('EMAIL', ids.email) });
  if (ids.phone) keys.push({ rule: 'PHONE', value: hash('PHONE', ids.phone) });
  return keys;
}

export interface ResolveAssertion {
  /** Customer this record's source is already linked to, if any. */
  linkedCustomerId?: string;
  keys: IdentityKey[];
}

export interface PlannedMerge {
  survivorId: string;
  mergedId: string;
  rule: MatchRule;
  /** Index of the assertion whose keys brought the two together. */
  assertion: number;
}

export interface ResolvedAssertion {
  /** Existing customer the record belongs to after merges; undefined: the group's new customer. */
  customerId?: string;
  /** Group index: assertions of one group with no customerId share one new customer. */
  group: number;
  matchRule: MatchRule | typeof NEW_CUSTOMER | typeof ALREADY_LINKED;
}

export interface ResolvePlan {
  assertions: ResolvedAssertion[];
  merges: PlannedMerge[];
  groupCount: number;
}

function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

class UnionFind {
  private parent = new Map<string, string>();
  find(x: string): string {
    let p = this.parent.get(x) ?? x;
    if (p === x) return x;
    p = this.find(p);
    this.parent.set(x, p);
    return p;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
}

/**
 * Groups a batch of assertions with the existing customers that own their keys. Only enabled rules link.
 * In a group with several existing customers the oldest (lowest id) survives and the others merge into it,
 * except pairs whose merge was undone (`blockedPairs`, "a:b" with a < b): those stay apart, and their own
 * records stay with them. Deterministic for a given batch and database state.
 */
export function planResolution(
  assertions: ResolveAssertion[],
  keyOwners: ReadonlyMap<string, readonly string[]>,
  enabledRules: readonly MatchRule[],
  blockedPairs: ReadonlySet<string> = new Set(),
): ResolvePlan {
  const enabled = new Set(enabledRules);
  const uf = new UnionFind();
  assertions.forEach((a, i) => {
    const node = `A:${i}`;
    uf.find(node);
    if (a.linkedCustomerId) uf.union(node, `C:${a.linkedCustomerId}`);
    for (const key of a.keys) {
      if (!enabled.has(key.rule)) continue;
      const k = `K:${identityKeyId(key)}`;
      uf.union(node, k);
      for (const owner of keyOwners.get(identityKeyId(key)) ?? []) uf.union(k, `C:${owner}`);
    }
  });

  // Existing customers per group root.
  const customersByRoot = new Map<string, Set<string>>();
  const addCustomer = (id: string) => {
    const root = uf.find(`C:${id}`);
    if (!customersByRoot.has(root)) customersByRoot.set(root, new Set());
    customersByRoot.get(root)!.add(id);
  };
  assertions.forEach((a) => {
    if (a.linkedCustomerId) addCustomer(a.linkedCustomerId);
    for (const key of a.keys) if (enabled.has(key.rule)) for (const owner of keyOwners.get(identityKeyId(key)) ?? []) addCustomer(owner);
  });

  const blocked = (a: string, b: string) => blockedPairs.has(compareIds(a, b) < 0 ? `${a}:${b}` : `${b}:${a}`);
  const survivorOf = new Map<string, string>(); // existing customer -> customer it ends up in
  const merges: PlannedMerge[] = [];
  const survivorByRoot = new Map<string, string>();
  for (const [root, set] of customersByRoot) {
    const ids = [...set].sort(compareIds);
    const survivor = ids[0];
    survivorByRoot.set(root, survivor);
    const absorbed = [survivor];
    survivorOf.set(survivor, survivor);
    for (const id of ids.slice(1)) {
      if (absorbed.some((other) => blocked(other, id))) {
        survivorOf.set(id, id);
        continue;
      }
      absorbed.push(id);
      survivorOf.set(id, survivor);
      merges.push({ survivorId: survivor, mergedId: id, ...mergeCause(assertions, keyOwners, enabled, id) });
    }
  }

  const groupOfRoot = new Map<string, number>();
  const seenKeysByGroup = new Map<number, Set<string>>();
  const resolved: ResolvedAssertion[] = assertions.map((a, i) => {
    const root = uf.find(`A:${i}`);
    if (!groupOfRoot.has(root)) groupOfRoot.set(root, groupOfRoot.size);
    const group = groupOfRoot.get(root)!;
    const seen = seenKeysByGroup.get(group) ?? new Set<string>();
    seenKeysByGroup.set(group, seen);
    const enabledKeys = a.keys.filter((k) => enabled.has(k.rule));
    let result: ResolvedAssertion;
    if (a.linkedCustomerId) {
      result = { customerId: survivorOf.get(a.linkedCustomerId) ?? a.linkedCustomerId, group, matchRule: ALREADY_LINKED };
    } else {
      const survivor = survivorByRoot.get(root);
      const rule =
        enabledKeys.find((k) => (keyOwners.get(identityKeyId(k)) ?? []).length > 0)?.rule ??
        enabledKeys.find((k) => seen.has(identityKeyId(k)))?.rule;
      result = { customerId: survivor, group, matchRule: rule ?? NEW_CUSTOMER };
    }
    for (const k of enabledKeys) seen.add(identityKeyId(k));
    return result;
  });
  return { assertions: resolved, merges, groupCount: groupOfRoot.size };
}

function mergeCause(
  assertions: ResolveAssertion[],
  keyOwners: ReadonlyMap<string, readonly string[]>,
  enabled: ReadonlySet<MatchRule>,
  mergedId: string,
): { rule: MatchRule; assertion: number } {
  for (let i = 0; i < assertions.length; i++) {
    for (const key of assertions[i].keys) {
      if (enabled.has(key.rule) && (keyOwners.get(identityKeyId(key)) ?? []).includes(mergedId)) return { rule: key.rule, assertion: i };
    }
  }
  // Linked through its own record's source rather than a key it owns: the first enabled key of that record.
  const i = assertions.findIndex((a) => a.linkedCustomerId === mergedId);
  const rule = assertions[Math.max(i, 0)]?.keys.find((k) => enabled.has(k.rule))?.rule ?? [...enabled][0];
  return { rule, assertion: Math.max(i, 0) };
}

export const PROFILE_FIELDS = ['fullName', 'birthDate', 'gender', 'occupation', 'incomeBand', 'city', 'region', 'email', 'phone'] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];
export type Profile = Partial<Record<ProfileField, string>>;

export interface SourceProfile {
  sourceSystem: string;
  sourceKey: string;
  attributes: Record<string, unknown>;
  /** When the source asserted these values: the record's updatedAt if it had one, else when it was last seen. */
  observedAt: string;
}

export const DEFAULT_SOURCE_PRIORITY: readonly string[] = ['core-banking', 'mobile-banking', 'partner:*'];

/** Lower is stronger. "partner:*" matches every partner; a system not listed ranks last. */
export function sourceRank(system: string, priority: readonly string[]): number {
  const i = priority.findIndex((p) => (p.endsWith('*') ? system.startsWith(p.slice(0, -1)) : p === system));
  return i === -1 ? priority.length : i;
}

/**
 * For each field, the value of the strongest source that has one: source priority first, then the most
 * recent observation, then the smallest (system, key) so the answer never depends on read order.
 * Losing values are not discarded: they stay in each customer_source.attributes.
 */
export function reconcileProfile(sources: readonly SourceProfile[], priority: readonly string[] = DEFAULT_SOURCE_PRIORITY): {
  profile: Profile;
  chosenFrom: Partial<Record<ProfileField, string>>;
} {
  const ordered = [...sources].sort(
    (a, b) =>
      sourceRank(a.sourceSystem, priority) - sourceRank(b.sourceSystem, priority) ||
      (a.observedAt < b.observedAt ? 1 : a.observedAt > b.observedAt ? -1 : 0) ||
      (a.sourceSystem + '\u0000' + a.sourceKey < b.sourceSystem + '\u0000' + b.sourceKey ? -1 : 1),
  );
  const profile: Profile = {};
  const chosenFrom: Partial<Record<ProfileField, string>> = {};
  for (const field of PROFILE_FIELDS) {
    const winner = ordered.find((s) => typeof s.attributes[field] === 'string' && s.attributes[field] !== '');
    if (winner) {
      profile[field] = winner.attributes[field] as string;
      chosenFrom[field] = `${winner.sourceSystem}:${winner.sourceKey}`;
    }
  }
  return { profile, chosenFrom };
}

/** full_name is NOT NULL and some sources (Berka, CDNOW) carry no names: a stable placeholder from the strongest source. */
export function placeholderName(sources: readonly SourceProfile[], priority: readonly string[] = DEFAULT_SOURCE_PRIORITY): string {
  const best = [...sources].sort(
    (a, b) => sourceRank(a.sourceSystem, priority) - sourceRank(b.sourceSystem, priority) || (a.sourceKey < b.sourceKey ? -1 : 1),
  )[0];
  return best ? `${best.sourceSystem} customer ${best.sourceKey}` : 'unknown customer';
}
