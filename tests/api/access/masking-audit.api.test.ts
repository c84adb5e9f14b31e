import { toGlobalId } from '../../../src/common/global-id';
import { maskEmail, maskIdentifier, maskPhone } from '../../../src/modules/access/masking';
import { createCustomer, createPartner } from '../../factories/bank.factory';
import { createTestApp, TestApp } from '../../helpers/test-app';

describe('masking helpers', () => {
  it.each([
    ['+8613812345678', '+86138****5678'],
    ['13812345678', '138****5678'],
    ['+12025550123', '+120****0123'],
    ['12345', '*****'],
  ])('maskPhone(%s) = %s', (phone, masked) => expect(maskPhone(phone)).toBe(masked));
  it('masks emails and identifiers', () => {
    expect(maskEmail('wang.fang@example.cn')).toBe('w***@example.cn');
    expect(maskEmail('nonsense')).toBe('****');
    expect(maskIdentifier('4111111111111111')).toBe('****1111');
    expect(maskIdentifier('123')).toBe('****');
  });
});

describe('PII masking and the audit trail', () => {
  let t: TestApp;
  let id: string;
  beforeAll(async () => {
    t = await createTestApp({ authMode: 'required' });
    const local = await createCustomer(t.db.dataSource, { fullName: 'Masked Ma', email: 'ma.li@example.cn', phone: '+8613812345678' });
    id = toGlobalId('Customer', local);
    await createPartner(t.db.dataSource, 'shopmall');
  });
  afterAll(async () => {
    await t?.close();
  });

  const Q = `query Contact($id: ID!) { customer(id: $id) { fullName email phone } }`;
  const audit = () => t.db.dataSource.query(`SELECT a.*, k.name AS key_name FROM audit_log a LEFT JOIN api_key k ON k.id = a.api_key_id ORDER BY a.id`);

  it('masks identifiers for every role but admin unless the key has the pii scope', async () => {
    const frontend = await t.createKey('FRONTEND', { name: 'fe' });
    const analyst = await t.createKey('ANALYST', { name: 'an' });
    const frontendPii = await t.createKey('FRONTEND', { name: 'fe-pii', scopes: ['pii'] });
    const admin = await t.createKey('ADMIN', { name: 'adm' });
    const masked = { fullName: 'Masked Ma', email: 'm***@example.cn', phone: '+86138****5678' };
    const clear = { fullName: 'Masked Ma', email: 'ma.li@example.cn', phone: '+8613812345678' };
    expect((await t.gql(Q, { id }, frontend)).body.data!.customer).toEqual(masked);
    expect((await t.gql(Q, { id }, analyst)).body.data!.customer).toEqual(masked);
    expect((await t.gql(Q, { id }, frontendPii)).body.data!.customer).toEqual(clear);
    expect((await t.gql(Q, { id }, admin)).body.data!.customer).toEqual(clear);
  });

  it('records analyst requests and every unmasked PII access, with key, operation, document hash, customers and fields', async () => {
    const rows = await audit();
    const byKey = (name: string) => rows.filter((r: any) => r.key_name === name);
    expect(byKey('fe')).toHaveLength(0); // front-end, masked: not audited
    const [an] = byKey('an');
    expect(an).toMatchObject({ role: 'ANALYST', operation_name: 'Contact', pii_accessed: false, outcome: 'SUCCESS' });
    expect(an.document_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(an.customer_ids).toEqual([expect.any(String)]);
    expect(an.fields).toEqual(expect.arrayContaining(['Customer.email', 'Customer.phone', 'Query.customer']));
    expect(byKey('fe-pii')[0]).toMatchObject({ role: 'FRONTEND', pii_accessed: true });
    expect(byKey('adm')[0]).toMatchObject({ role: 'ADMIN', pii_accessed: true });
  });

  it('shows the trail to admins only, filterable by customer', async () => {
    const admin = await t.createKey('ADMIN');
    const res = await t.gql(`query ($c: ID) { auditLog(customerId: $c, piiOnly: true) { role piiAccessed customerIds outcome } }`, { c: id }, admin);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.auditLog.length).toBeGreaterThanOrEqual(2);
    expect(res.body.data!.auditLog.every((e: any) => e.piiAccessed && e.customerIds.includes(id))).toBe(true);
    const analyst = await t.createKey('ANALYST');
    expect((await t.gql('{ auditLog { id } }', undefined, analyst)).body.errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  it('loses no audit record under concurrent load', async () => {
    const analyst = await t.createKey('ANALYST', { name: 'load' });
    const results = await Promise.all(Array.from({ length: 120 }, () => t.gql(Q, { id }, analyst)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const [{ n }] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM audit_log a JOIN api_key k ON k.id = a.api_key_id WHERE k.name = 'load'`);
    expect(n).toBe(120);
  });

  it('fails the request instead of serving it when its audit record cannot be written', async () => {
    const analyst = await t.createKey('ANALYST');
    await t.db.dataSource.query('ALTER TABLE audit_log RENAME TO audit_log_away');
    try {
      const res = await t.gql(Q, { id }, analyst);
      expect(res.status).toBe(503);
      expect(res.body.data).toBeUndefined();
      expect(res.body.errors![0].extensions!.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await t.db.dataSource.query('ALTER TABLE audit_log_away RENAME TO audit_log');
    }
  });
});
