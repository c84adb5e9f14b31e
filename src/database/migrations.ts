import { InitialSchema1764460800000 } from '../../migrations/1764460800000-initial-schema';

/** Listed explicitly (not globbed) so the same list works from TypeScript sources in tests and from dist/. */
export const MIGRATIONS = [InitialSchema1764460800000];
