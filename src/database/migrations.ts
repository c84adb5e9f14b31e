import { InitialSchema1764460800000 } from '../../migrations/1764460800000-initial-schema';
import { IngestionIdentity1764547200000 } from '../../migrations/1764547200000-ingestion-identity';

/** Listed explicitly (not globbed) so the same list works from TypeScript sources in tests and from dist/. */
export const MIGRATIONS = [InitialSchema1764460800000, IngestionIdentity1764547200000];
