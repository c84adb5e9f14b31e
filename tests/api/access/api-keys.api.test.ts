import request from 'supertest';
import { createKey } from '../../../src/cli/commands/keys.command';
import { createCustomer } from '../../factories/bank.factory';
import { createTestApp, TestApp } from '../../helpers/test-app';

describe('API keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ authMode: 'required' });
    await createCustomer(t.db.dataSource, { fullName: 'Key Holder' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const ask = (headers: Record<string, string>) =>
    request(t.app.app).post('/graphql').set(headers).send({ query: '{ customers(first: 1) { totalCount } }' });

  it('refuses a request without a key with 401 and says how to send one', async () => {
    const res = await ask({});
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/Bearer/);
    expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(res.body.errors[0].message).toMatch(/Authorization: Bearer/);
  });

  it('accepts a key as a Bearer token or as x-api-key, and records when it was last used', async () => {
    const key = await t.createKey('FRONTEND', { name: 'web app' });
    expect((await ask({ authorization: `Bearer ${key}` })).body.data.customers.totalCount).toBe(1);
    expect((await ask({ 'x-api-key': key })).body.data.customers.totalCount).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    const [row] = await t.db.dataSource.query(`SELECT last_used_at FROM api_key WHERE name = 'web app'`);
    expect(row.last_used_at).not.toBeNull();
  });

  it('stores only a keyed hash, never the key', async () => {
    const key = await t.createKey('ANALYST', { name: 'hash check' });
    const [row] = await t.db.dataSource.query(`SELECT to_jsonb(k)::text AS everything, key_hash FROM api_key k WHERE name = 'hash check'`);
    // ftk_<prefix>_<secret>; the base64url secret may itself contain '_'.
    expect(row.everything).not.toContain(key.split('_').slice(2).join('_'));
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects unknown, malformed, revoked and expired keys with 401', async () => {
    const key = await t.createKey('FRONTEND', { name: 'to revoke' });
    const forged = key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await ask({ authorization: `Bearer ${forged}` })).body.errors[0].message).toMatch(/unknown API key/);
    expect((await ask({ authorization: 'Bearer hello' })).body.errors[0].message).toMatch(/malformed/);
    const [{ id }] = await t.db.dataSource.query(`SELECT id FROM api_key WHERE name = 'to revoke'`);
    await t.app.access.apiKeys.revoke(id);
    const revoked = await ask({ authorization: `Bearer ${key}` });
    expect(revoked.status).toBe(401);
    expect(revoked.body.errors[0].message).toMatch(/revoked/);
    const old = await t.createKey('FRONTEND', { name: 'to expire' });
    await t.db.dataSource.query(`UPDATE api_key SET expires_at = now() - interval '1 second' WHERE name = 'to expire'`);
    expect((await ask({ authorization: `Bearer ${old}` })).body.errors[0].message).toMatch(/expired/);
  });

  it('rotates: old and new keys both work during the overlap, only the new one after it', async () => {
    const admin = await t.createKey('ADMIN');
    const old = await t.createKey('ANALYST', { name: 'rotating' });
    const [{ id }] = await t.db.dataSource.query(`SELECT id FROM api_key WHERE name = 'rotating'`);
    const rotated = await t.gql(`mutation ($id: ID!) { rotateApiKey(id: $id, overlapSeconds: 3600) { secret apiKey { role rotatedFromId } } }`, { id }, admin);
    expect(rotated.body.errors).toBeUndefined();
    const fresh = rotated.body.data!.rotateApiKey.secret;
    expect(rotated.body.data!.rotateApiKey.apiKey).toEqual({ role: 'ANALYST', rotatedFromId: id });
    expect((await ask({ authorization: `Bearer ${old}` })).status).toBe(200);
    expect((await ask({ authorization: `Bearer ${fresh}` })).status).toBe(200);
    // End the overlap: the old key has expired, the new one lives on.
    await t.db.dataSource.query(`UPDATE api_key SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    expect((await ask({ authorization: `Bearer ${old}` })).status).toBe(401);
    expect((await ask({ authorization: `Bearer ${fresh}` })).status).toBe(200);
  });

  it('lets admins, and only admins, manage keys through mutations', async () => {
    const admin = await t.createKey('ADMIN');
    const analyst = await t.createKey('ANALYST');
    const create = `mutation { createApiKey(input: { name: "partner app", role: PARTNER, partnerCode: "nobody" }) { secret } }`;
    const denied = await t.gql(create, undefined, analyst);
    expect(denied.body.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'createApiKey' });
    const badPartner = await t.gql(create, undefined, admin);
    expect(badPartner.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'partnerCode' });
    const listed = await t.gql('{ apiKeys { name role keyPrefix } }', undefined, admin);
    expect(listed.body.data!.apiKeys.length).toBeGreaterThan(3);
    expect(JSON.stringify(listed.body)).not.toMatch(/key_hash|keyHash/);
    expect((await t.gql('{ apiKeys { name } }', undefined, analyst)).body.errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  it('`fattail keys create` prints the key alone on its last line, and that key works', async () => {
    const lines: string[] = [];
    await createKey(t.app.access.apiKeys, { name: 'cli key', role: 'analyst', scopes: 'pii' }, (l) => lines.push(l));
    const key = lines[lines.length - 1];
    expect(key).toMatch(/^ftk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(lines[0]).toMatch(/role=ANALYST scopes=pii/);
    expect((await ask({ authorization: `Bearer ${key}` })).status).toBe(200);
    await expect(createKey(t.app.access.apiKeys, { name: 'x', role: 'superuser' }, () => undefined)).rejects.toThrow(/--role/);
  });
});
