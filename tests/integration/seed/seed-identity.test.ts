import { seedDemoBank } from '../../../seeds/demo-bank.seed';
import { IngestionService } from '../../../src/ingestion/ingestion.service';
import { createTestDatabase, TestDatabase, testDatabaseKind } from '../../helpers/test-database';

/**
 * The demo bank's customers carry the provenance ingestion would have written for them (core banking's stated
 * profile and its identifiers' keyed hashes), so records from other sources link to them by the same rules.
 */
describe(`seeded customers link like ingested ones (${testDatabaseKind()})`, () => {
  let db: TestDatabase;
  let seeded: { id: string; full_name: string; birth_date: string; phone: string; email: string | null; city: string };
  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDemoBank(db.dataSource, { customers: 30, seed: 7, now: new Date('2026-06-30T00:00:00Z') });
    [seeded] = await db.dataSource.query(
      `SELECT id::text, full_name, birth_date::text, phone, email, city FROM customer WHERE phone IS NOT NULL AND email IS NOT NULL ORDER BY id LIMIT 1`,
    );
  });
  afterAll(async () => {
    await db?.close();
  });

  it('states the profile in customer_source and asserts phone, e-mail and phone with birth date', async () => {
    const [source] = await db.dataSource.query(`SELECT source_key, attributes FROM customer_source WHERE customer_id = $1`, [seeded.id]);
    expect(source.attributes).toMatchObject({
      fullName: seeded.full_name,
      birthDate: seeded.birth_date,
      phone: seeded.phone,
      email: seeded.email,
      city: seeded.city,
    });
    const kinds = await db.dataSource.query(`SELECT kind, record_type, source_key FROM customer_identifier WHERE customer_id = $1 ORDER BY kind`, [
      seeded.id,
    ]);
    expect(kinds).toEqual(
      ['EMAIL', 'PHONE', 'PHONE_AND_BIRTH_DATE'].map((kind) => ({ kind, record_type: 'customer', source_key: source.source_key })),
    );
  });

  it('links a mobile-banking record with the same phone and birth date, and core banking keeps its profile', async () => {
    const customersBefore = Number((await db.dataSource.query(`SELECT count(*) AS n FROM customer`))[0].n);
    const local = seeded.phone.replace('+86', ''); // as a mobile app would send it
    const result = await new IngestionService(db).ingestRecords('mobile-banking', [
      { type: 'customer', key: 'M-LINK', fullName: 'Nickname From The App', phone: local, birthDate: seeded.birth_date, city: 'Somewhere Else' },
    ]);
    expect(result).toMatchObject({ rejected: 0, customersCreated: 0, customersMerged: 0, inserted: 1 });
    const [linked] = await db.dataSource.query(
      `SELECT customer_id::text AS id, match_rule FROM customer_source WHERE source_system = 'mobile-banking' AND source_key = 'M-LINK'`,
    );
    expect(linked).toEqual({ id: seeded.id, match_rule: 'PHONE_AND_BIRTH_DATE' });
    const [after] = await db.dataSource.query(`SELECT full_name, city, email FROM customer WHERE id = $1`, [seeded.id]);
    expect(after).toEqual({ full_name: seeded.full_name, city: seeded.city, email: seeded.email });
    expect(Number((await db.dataSource.query(`SELECT count(*) AS n FROM customer`))[0].n)).toBe(customersBefore);
  });
});
