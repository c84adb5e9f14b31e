import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedDemoBank } from '../../seeds/demo-bank.seed';
import { repoRoot } from '../../src/common/repo-root';
import { createTestApp, TestApp } from '../helpers/test-app';

/** Every GraphQL example in docs/service-history.md runs, in order, against a small seeded bank without errors. */
const DOC = readFileSync(join(repoRoot(), 'docs', 'service-history.md'), 'utf8');
const EXAMPLES = [...DOC.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);
const DOC_CUSTOMER = 'Q3VzdG9tZXI6NDI'; // Customer:42
const DOC_FOLLOW_UP = 'Rm9sbG93VXA6NDIuNw'; // FollowUp:42.7

describe('docs/service-history.md examples', () => {
  let t: TestApp;
  let followUp = DOC_FOLLOW_UP;
  beforeAll(async () => {
    t = await createTestApp();
    await seedDemoBank(t.db.dataSource, { customers: 60, seed: 3, now: new Date('2025-03-01T00:00:00Z') });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('has an example for every feature', () => {
    const all = EXAMPLES.join('\n');
    for (const field of ['recordInteraction', 'serviceHistory', 'createFollowUp', 'completeFollowUp', 'followUps(', 'overdueFollowUpCounts', 'contactPressure', 'canContact', 'annualStatement', 'paymentChannels', 'paymentChannelStats']) {
      expect({ field, documented: all.includes(field) }).toEqual({ field, documented: true });
    }
  });

  it.each(EXAMPLES.map((query, i) => [i + 1, query]))('example %i runs without errors', async (_n, query) => {
    const { body } = await t.gql(String(query).replaceAll(DOC_CUSTOMER, Buffer.from('Customer:42').toString('base64url')).replaceAll(DOC_FOLLOW_UP, followUp));
    expect(body.errors).toBeUndefined();
    if (body.data?.createFollowUp) followUp = body.data.createFollowUp.id;
  });
});
