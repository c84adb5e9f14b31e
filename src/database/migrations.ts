import { InitialSchema1764460800000 } from '../../migrations/1764460800000-initial-schema';
import { IngestionIdentity1764547200000 } from '../../migrations/1764547200000-ingestion-identity';
import { ServiceHistory1764633600000 } from '../../migrations/1764633600000-service-history';
import { AccessControl1764720000000 } from '../../migrations/1764720000000-access-control';
import { LifetimeValue1764900000000 } from '../../migrations/1764900000000-lifetime-value';
import { Segments1764986400000 } from '../../migrations/1764986400000-segments';
import { SourceKeyFirst1765072800000 } from '../../migrations/1765072800000-source-key-first';
import { StandingOrders1765159200000 } from '../../migrations/1765159200000-standing-orders';

/** Listed explicitly (not globbed) so the same list works from TypeScript sources in tests and from dist/. */
// In timestamp order, the order TypeORM applies them in.
export const MIGRATIONS = [
  InitialSchema1764460800000,
  IngestionIdentity1764547200000,
  ServiceHistory1764633600000,
  AccessControl1764720000000,
  LifetimeValue1764900000000,
  Segments1764986400000,
  SourceKeyFirst1765072800000,
  StandingOrders1765159200000,
];
