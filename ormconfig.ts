import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './src/database/database';

// For the TypeORM CLI against a real PostgreSQL (e.g. `typeorm migration:show -d dist/ormconfig.js`).
// The application itself migrates with `fattail migrate`, which also handles the embedded database.
const url = process.env.DATABASE_URL;
if (!url) throw new Error('ormconfig: set DATABASE_URL (the embedded database is migrated by `fattail migrate`)');

export default new DataSource(dataSourceOptions(url, 2));
