import { DomainException, ErrorCode } from '../../common/errors';
import { IdentifierRow, IdentityRepository, SqlRunner } from './identity.repository';
import {
  ALREADY_LINKED,
  IdentifierValues,
  IdentityKey,
  identityKeyId,
  identityKeys,
  MatchRule,
  placeholderName,
  planResolution,
  reconcileProfile,
  ResolveAssertion,
} from './match-rules';
import { keyedHash } from './normalise';

export interface IdentityOptions {
  rules: readonly MatchRule[];
  sourcePriority: readonly string[];
  hashKey: string;
}

export interface CustomerAssertion {
  key: string;
  /** Profile values and provenance as this source states them (stored in customer_source.attributes). */
  attributes: Record<string, unknown>;
  identifiers?: IdentifierValues;
}

export interface ResolveCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  customersCreated: number;
  customersMerged: number;
}

/** A connection that can run a transaction: the ingestion SqlSession. */
export interface TransactionalSql extends SqlRunner {
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  release(): Promise<void>;
}

/** Stable JSON for comparing attribute objects regardless of key order (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Links source records to customers with deterministic match rules, merges customers a record proves to be
 * one, keeps provenance per source, and reconciles profiles. Runs inside the caller's transaction: all of a
 * batch's identity work commits or rolls back with the batch.
 */
export class IdentityService {
  constructor(
    private readonly options: IdentityOptions,
    private readonly openSession?: () => Promise<TransactionalSql>,
  ) {}

  private hash = (kind: string, value: string) => keyedHash(this.options.hashKey, kind, value);

  async resolveCustomers(sql: SqlRunner, system: string, records: CustomerAssertion[], implicitKeys: string[] = []): Promise<ResolveCounts> {
    const repo = new IdentityRepository(sql);
    const existing = await repo.sourcesByKey(system, [...records.map((r) => r.key), ...implicitKeys]);
    const explicitKeys = new Set(records.map((r) => r.key));
    const changed = records.filter((r) => {
      const e = existing.get(r.key);
      return !e || canonicalJson(e.attributes) !== canonicalJson(r.attributes);
    });
    const implicit = [...new Set(implicitKeys)].filter((k) => !existing.has(k) && !explicitKeys.has(k)).map((key) => ({ key, attributes: {} }));
    const all: CustomerAssertion[] = [...changed, ...implicit];
    const unchanged = records.length - changed.length;
    if (all.length === 0) return { inserted: 0, updated: 0, unchanged, customersCreated: 0, customersMerged: 0 };

    const keysOf = all.map((a) => identityKeys(a.identifiers ?? {}, this.hash));
    const { plan, merged, survivors } = await this.plan(
      repo,
      system,
      all.map((a, i) => ({ linkedCustomerId: existing.get(a.key)?.customerId, keys: keysOf[i] })),
      all.map((a) => a.key),
    );

    const newGroups = [...new Set(plan.assertions.filter((a) => !a.customerId).map((a) => a.group))];
    const newIds = await repo.createCustomers(newGroups.map(() => 'unnamed customer'));
    const idOfGroup = new Map(newGroups.map((g, i) => [g, newIds[i]]));
    const rows = all.map((a, i) => {
      const p = plan.assertions[i];
      return {
        customerId: p.customerId ?? idOfGroup.get(p.group)!,
        sourceKey: a.key,
        matchRule: p.matchRule === ALREADY_LINKED ? existing.get(a.key)!.matchRule : p.matchRule,
        attributes: a.attributes,
      };
    });
    const explicitRows = rows.slice(0, changed.length);
    const counts = await repo.upsertSources(system, explicitRows);
    await repo.upsertSources(system, rows.slice(changed.length));
    const identifierRows: IdentifierRow[] = rows.flatMap((r, i) =>
      keysOf[i].map((k) => ({ customerId: r.customerId, kind: k.rule, valueHash: k.value, recordType: 'customer', sourceKey: r.sourceKey })),
    );
    await repo.replaceIdentifiers(system, 'customer', rows.map((r) => r.sourceKey), identifierRows);
    await this.reconcile(sql, [...new Set([...rows.map((r) => r.customerId), ...survivors])]);
    return { inserted: counts.inserted, updated: counts.updated, unchanged, customersCreated: newIds.length, customersMerged: merged };
  }

  /** Card numbers link the card's holder to whoever else holds the same card hash. */
  async registerCardIdentifiers(sql: SqlRunner, system: string, cards: { key: string; holderCustomerId: string; cardHash: string }[]): Promise<number> {
    if (cards.length === 0) return 0;
    const repo = new IdentityRepository(sql);
    const keys: IdentityKey[][] = cards.map((c) => [{ rule: 'CARD', value: c.cardHash }]);
    const { plan, merged, survivors } = await this.plan(
      repo,
      system,
      cards.map((c, i) => ({ linkedCustomerId: c.holderCustomerId, keys: keys[i] })),
      cards.map((c) => c.key),
    );
    await repo.replaceIdentifiers(
      system,
      'card',
      cards.map((c) => c.key),
      cards.map((c, i) => ({ customerId: plan.assertions[i].customerId!, kind: 'CARD', valueHash: c.cardHash, recordType: 'card', sourceKey: c.key })),
    );
    if (survivors.length) await this.reconcile(sql, survivors);
    return merged;
  }

  private async plan(repo: IdentityRepository, system: string, assertions: ResolveAssertion[], sourceKeys: string[]) {
    const enabled = new Set(this.options.rules);
    const lookup = new Map<string, IdentityKey>();
    for (const a of assertions) for (const k of a.keys) if (enabled.has(k.rule)) lookup.set(identityKeyId(k), k);
    const owners = await repo.keyOwners([...lookup.values()]);
    const candidates = new Set<string>();
    for (const a of assertions) if (a.linkedCustomerId) candidates.add(a.linkedCustomerId);
    for (const ids of owners.values()) ids.forEach((id) => candidates.add(id));
    const blocked = await repo.blockedPairs([...candidates]);
    const plan = planResolution(assertions, owners, this.options.rules, blocked);
    for (const m of plan.merges) {
      await repo.merge(m.survivorId, m.mergedId, m.rule, { system, key: sourceKeys[m.assertion] });
    }
    return { plan, merged: plan.merges.length, survivors: [...new Set(plan.merges.map((m) => m.survivorId))] };
  }

  /** Recomputes the profile of each customer from all its sources (priority, then recency). */
  async reconcile(sql: SqlRunner, customerIds: string[]): Promise<void> {
    if (customerIds.length === 0) return;
    const repo = new IdentityRepository(sql);
    const sources = await repo.sourceProfiles(customerIds);
    const updates = [...sources].map(([id, list]) => {
      const { profile } = reconcileProfile(list, this.options.sourcePriority);
      return { id, values: { ...profile, fullName: profile.fullName ?? placeholderName(list, this.options.sourcePriority) } };
    });
    await repo.updateProfiles(updates);
  }

  /**
   * Splits a merge back out exactly: the merged customer returns with its id, profile and every row the merge
   * moved. The pair is then never merged again automatically.
   */
  async unmergeCustomer(mergeId: string): Promise<{ survivorId: string; restoredCustomerId: string }> {
    if (!/^[0-9]+$/.test(mergeId)) throw new DomainException(`merge id ${mergeId} is not a number`, ErrorCode.BAD_USER_INPUT, { field: 'mergeId' });
    if (!this.openSession) throw new Error('IdentityService was built without a database session');
    const session = await this.openSession();
    try {
      return await session.transaction(async () => {
        const repo = new IdentityRepository(session);
        // The same lock as ingestion batches (INGESTION_LOCK): an unmerge never interleaves with a batch.
        await session.rows(`SELECT pg_advisory_xact_lock(${0x66747467})`);
        const merge = await repo.mergeById(mergeId);
        if (!merge) throw new DomainException(`merge ${mergeId} not found`, ErrorCode.NOT_FOUND, { id: mergeId });
        if (merge.unmergedAt) throw new DomainException(`merge ${mergeId} was already undone`, ErrorCode.CONFLICT, { id: mergeId });
        if (!(await repo.customerExists(merge.customerId))) {
          throw new DomainException(`customer ${merge.customerId} was merged again later; undo that merge first`, ErrorCode.CONFLICT, { id: mergeId });
        }
        if (await repo.customerExists(merge.mergedCustomerId)) {
          throw new DomainException(`customer ${merge.mergedCustomerId} exists again`, ErrorCode.CONFLICT, { id: mergeId });
        }
        await repo.unmerge(merge);
        await this.reconcile(session, [merge.customerId, merge.mergedCustomerId]);
        return { survivorId: merge.customerId, restoredCustomerId: merge.mergedCustomerId };
      });
    } finally {
      await session.release();
    }
  }
}
