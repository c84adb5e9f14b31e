import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/common/repo-root';
import { printSdl } from '../../src/graphql/schema';

describe('schema/schema.graphql', () => {
  it('matches the schema the code builds (run `npm run schema:emit` after changing the API)', async () => {
    const committed = readFileSync(join(repoRoot(), 'schema', 'schema.graphql'), 'utf8');
    expect(committed).toEqual(await printSdl());
  });
});
