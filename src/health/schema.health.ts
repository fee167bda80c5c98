import { Injectable } from '@nestjs/common';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { DataSource } from 'typeorm';

/**
 * "The schema is there": every table of our entities exists and every migration this build ships is
 * applied. A database that answers `SELECT 1` may still have been dropped and re-created empty, or be
 * behind the code (a rollback of the database without the code): both are "down", not "up".
 */
@Injectable()
export class SchemaHealthIndicator {
  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key: 'schema'): Promise<HealthIndicatorResult<'schema'>> {
    const session = this.health.check(key);
    try {
      const tables = new Set(await this.tableNames());
      const missingTables = this.dataSource.entityMetadatas.map((m) => m.tableName).filter((name) => !tables.has(name));
      const applied = tables.has('migrations')
        ? new Set(((await this.dataSource.query('SELECT name FROM migrations')) as Array<{ name: string }>).map((r) => r.name))
        : new Set<string>();
      const pendingMigrations = this.dataSource.migrations
        .map((m) => m.name)
        .filter((name): name is string => !!name && !applied.has(name));
      if (missingTables.length || pendingMigrations.length) return session.down({ missingTables, pendingMigrations });
      return session.up();
    } catch (error) {
      return session.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }

  private async tableNames(): Promise<string[]> {
    const sql =
      this.dataSource.options.type === 'mysql'
        ? 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()'
        : "SELECT name FROM sqlite_master WHERE type = 'table'";
    return ((await this.dataSource.query(sql)) as Array<{ name: string }>).map((r) => r.name);
  }
}
