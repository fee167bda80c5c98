import type { DataSource } from 'typeorm';
import { cliDataSource } from './cli-data-source';

/** For TypeORM's CLI: `npx typeorm migration:show -d dist/src/database/cli/mysql.data-source.js` (DATABASE_URL=mysql://…). */
export const mysqlDataSource: Promise<DataSource> = cliDataSource('mysql');
