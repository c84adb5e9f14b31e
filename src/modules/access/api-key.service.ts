import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { badInput, DomainException, ErrorCode, notFound } from '../../common/errors';
import { AccessRepository, ApiKeyRow } from './access.repository';
import { KEY_SCOPES, Principal, Role, ROLES } from './principal';

export interface CreateKeyInput {
  name: string;
  role: Role;
  partnerCode?: string | null;
  scopes?: string[] | null;
  expiresAt?: Date | null;
}

export interface CreatedKey {
  key: ApiKeyRow;
  /** The secret: shown once, never stored. */
  plaintext: string;
}

const KEY_PATTERN = /^ftk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** API keys: only an HMAC of the secret (keyed with the server's pepper) is stored; lookups go by a public prefix. */
export class ApiKeyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: AccessRepository,
    private readonly pepper: string,
    private readonly clock: () => Date = () => new Date(),
    private readonly onTouchError: (error: unknown) => void = () => undefined,
  ) {}

  hash(plaintext: string): string {
    return createHmac('sha256', this.pepper).update(plaintext).digest('hex');
  }

  async create(input: CreateKeyInput, rotatedFromId: string | null = null): Promise<CreatedKey> {
    const name = input.name?.trim();
    if (!name) throw badInput('name', 'a key needs a name');
    if (!ROLES.includes(input.role)) throw badInput('role', `role must be one of ${ROLES.join(', ')}`);
    const scopes = [...new Set(input.scopes ?? [])];
    const unknown = scopes.filter((s) => !(KEY_SCOPES as readonly string[]).includes(s));
    if (unknown.length) throw badInput('scopes', `unknown scope(s): ${unknown.join(', ')}; known: ${KEY_SCOPES.join(', ')}`);
    if (input.expiresAt && input.expiresAt <= this.clock()) throw badInput('expiresAt', 'expiresAt must be in the future');
    let partnerId: string | null = null;
    if (input.role === 'PARTNER') {
      if (!input.partnerCode) throw badInput('partnerCode', 'a PARTNER key needs the partner’s code');
      partnerId = await this.repo.partnerIdByCode(input.partnerCode);
      if (!partnerId) throw badInput('partnerCode', `no partner with code "${input.partnerCode}"`);
    } else if (input.partnerCode) {
      throw badInput('partnerCode', 'only PARTNER keys belong to a partner');
    }
    const prefix = randomBytes(8).toString('hex');
    const plaintext = `ftk_${prefix}_${randomBytes(32).toString('base64url')}`;
    const id = await this.repo.insertKey(this.dataSource, {
      name,
      role: input.role,
      partnerId,
      scopes,
      keyPrefix: prefix,
      keyHash: this.hash(plaintext),
      expiresAt: input.expiresAt ?? null,
      rotatedFromId,
    });
    return { key: (await this.repo.keyById(id))!, plaintext };
  }

  /** The principal for a presented key, or an UNAUTHENTICATED error that says why (never which part matched). */
  async authenticate(plaintext: string): Promise<Principal> {
    const match = KEY_PATTERN.exec(plaintext.trim());
    const fail = (why: string) => new DomainException(why, ErrorCode.UNAUTHENTICATED);
    if (!match) throw fail('malformed API key');
    const row = await this.repo.keyByPrefix(match[1]);
    const expected = row ? Buffer.from(row.keyHash, 'hex') : Buffer.alloc(32);
    const presented = Buffer.from(this.hash(plaintext.trim()), 'hex');
    if (!row || !timingSafeEqual(expected, presented)) throw fail('unknown API key');
    const now = this.clock();
    if (row.revokedAt && row.revokedAt <= now) throw fail('API key revoked');
    if (row.expiresAt && row.expiresAt <= now) throw fail('API key expired');
    this.touch(row.id, now);
    return { keyId: row.id, keyName: row.name, role: row.role, partnerId: row.partnerId, partnerCode: row.partnerCode, scopes: row.scopes };
  }

  private readonly lastTouched = new Map<string, number>();

  /**
   * lastUsedAt is for people ("is this key still in use?"), so a minute's precision is enough: one write
   * a minute per key and process, off the request's path. A failed write is only logged.
   */
  private touch(keyId: string, now: Date): void {
    const last = this.lastTouched.get(keyId) ?? 0;
    if (now.getTime() - last < 60_000) return;
    this.lastTouched.set(keyId, now.getTime());
    this.repo.touchKey(keyId, now).catch((error: unknown) => this.onTouchError(error));
  }

  async list(): Promise<ApiKeyRow[]> {
    return this.repo.listKeys();
  }

  async revoke(id: string): Promise<ApiKeyRow> {
    const key = await this.repo.keyById(id);
    if (!key) throw notFound('API key', id);
    await this.repo.revokeKey(this.dataSource, id, this.clock());
    return (await this.repo.keyById(id))!;
  }

  /** A new key with the same rights; the old one stays valid for the overlap, then expires. */
  async rotate(id: string, overlapSeconds = 24 * 3600): Promise<CreatedKey> {
    const old = await this.repo.keyById(id);
    if (!old) throw notFound('API key', id);
    if (old.revokedAt) throw new DomainException(`API key ${id} is revoked and cannot be rotated`, ErrorCode.CONFLICT);
    if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > 30 * 86400) {
      throw badInput('overlapSeconds', 'overlapSeconds must be between 0 and 2592000 (30 days)');
    }
    const created = await this.create(
      { name: old.name, role: old.role, partnerCode: old.partnerCode, scopes: old.scopes, expiresAt: old.expiresAt && old.expiresAt > this.clock() ? old.expiresAt : null },
      old.id,
    );
    await this.repo.expireKeyBy(this.dataSource, old.id, new Date(this.clock().getTime() + overlapSeconds * 1000));
    return created;
  }
}
