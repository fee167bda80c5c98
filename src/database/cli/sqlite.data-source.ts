import type { DataSource } from 'typeorm';
import { cliDataSource } from './cli-data-source';

/** For TypeORM's CLI: `npx typeorm migration:show -d dist/src/database/cli/sqlite.data-source.js` (DATABASE_URL=sqlite:…). */
export const sqliteDataSource: Promise<DataSource> = cliDataSource('sqlite');
