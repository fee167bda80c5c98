import type { DataSource, EntityManager } from 'typeorm';

/**
 * The few places where MySQL and SQLite need different SQL or values, kept in one class so that
 * services write one code path. Raw queries bind instants through `time()`: mysql2 formats a Date
 * itself (connection timezone 'Z'); better-sqlite3 cannot bind a Date, so SQLite gets the same UTC
 * text TypeORM writes for entities ('YYYY-MM-DD HH:MM:SS.SSS'), which sorts as time does.
 */
export class SqlDialect {
  readonly isMysql: boolean;

  constructor(source: DataSource | EntityManager) {
    const type = 'connection' in source ? source.connection.options.type : source.options.type;
    this.isMysql = type === 'mysql' || type === 'mariadb';
  }

  time(at: Date): Date | string {
    return this.isMysql ? at : at.toISOString().replace('T', ' ').replace('Z', '');
  }

  /** Reads an instant back from a raw row (a Date from mysql2, UTC text from SQLite). */
  static parseTime(value: unknown): Date {
    if (value instanceof Date) return value;
    if (typeof value === 'string') return new Date(value.includes('T') ? value : `${value.replace(' ', 'T')}Z`);
    if (typeof value === 'number') return new Date(value);
    throw new Error(`not a stored instant: ${String(value)}`);
  }

  static parseOptionalTime(value: unknown): Date | null {
    return value === null || value === undefined ? null : SqlDialect.parseTime(value);
  }

  /**
   * The table, to be read by the listed primary keys of the statement (`WHERE id IN (...) AND status = ?`).
   * SQLite has no statistics unless ANALYZE runs: it takes an equality on an indexed status column for
   * selective and walks every row of that status (a whole backlog) instead of looking up the listed ids.
   */
  byPrimaryKey(table: string): string {
    return this.isMysql ? table : `${table} NOT INDEXED`;
  }

  /** `INSERT IGNORE` / `INSERT OR IGNORE`: a duplicate key is "already done", not an error. */
  insertIgnore(): string {
    return this.isMysql ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
  }

  /**
   * Runs an INSERT/UPDATE/DELETE and returns the rows it changed. Plain `query()` reports that
   * differently per driver (and not at all on SQLite), so this asks for TypeORM's structured result.
   * Inside a transaction pass its EntityManager; the statement then runs on the transaction's connection.
   */
  static async execute(source: DataSource | EntityManager, sql: string, params: unknown[] = []): Promise<number> {
    const own =
      'queryRunner' in source && source.queryRunner
        ? undefined
        : ('createQueryRunner' in source ? source : source.connection).createQueryRunner();
    const runner = own ?? (source as EntityManager).queryRunner!;
    try {
      const result = await runner.query(sql, params, true);
      return result.affected ?? 0;
    } finally {
      if (own) await own.release();
    }
  }

  /** Runs an INSERT and returns the new row's auto-increment id (undefined when IGNORE skipped it). */
  static async insertReturningId(source: DataSource | EntityManager, sql: string, params: unknown[]): Promise<string | undefined> {
    const dataSource = 'createQueryRunner' in source ? source : source.connection;
    const runner = dataSource.createQueryRunner();
    try {
      const result = await runner.query(sql, params, true);
      if (!result.affected) return undefined;
      const raw = result.raw as { insertId?: number | string } | number | bigint;
      return String(typeof raw === 'object' ? raw.insertId : raw);
    } finally {
      await runner.release();
    }
  }

  /**
   * Runs a large write as a server-side prepared statement on MySQL: the values travel as binary
   * parameters instead of being escaped into the SQL text, which for a batch of webhook bodies is most
   * of the client's CPU and of the server's parsing. (mysql2 caches the statement per connection.) Not for
   * use inside a transaction: it takes a pool connection of its own. SQLite prepares every statement anyway.
   */
  static async executePrepared(dataSource: DataSource, sql: string, params: unknown[]): Promise<void> {
    const pool = (dataSource.driver as unknown as { pool?: MysqlPool }).pool;
    if (!pool) {
      await dataSource.query(sql, params);
      return;
    }
    await new Promise<void>((resolve, reject) => pool.execute(sql, params, (error) => (error ? reject(error) : resolve())));
  }

  /** A unique-key violation: the database saying "this was already done". */
  static isDuplicateKey(error: unknown): boolean {
    const e = error as { code?: string; errno?: number; driverError?: { code?: string } } | undefined;
    const code = e?.code ?? e?.driverError?.code;
    return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  }

  /** The database gave up on a transaction because another held what it needed (MySQL deadlock, SQLite busy): try again. */
  static isLockConflict(error: unknown): boolean {
    const e = error as { code?: string; driverError?: { code?: string } } | undefined;
    const code = e?.code ?? e?.driverError?.code;
    return code === 'ER_LOCK_DEADLOCK' || code === 'SQLITE_BUSY';
  }

  /** A row other rows still refer to: MySQL 1451; SQLite reports ON DELETE RESTRICT as a constraint "trigger". */
  static isForeignKeyViolation(error: unknown): boolean {
    const e = error as { code?: string; message?: string; driverError?: { code?: string } } | undefined;
    const code = e?.code ?? e?.driverError?.code;
    if (code === 'ER_ROW_IS_REFERENCED_2' || code === 'ER_ROW_IS_REFERENCED' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return true;
    return code === 'SQLITE_CONSTRAINT_TRIGGER' && /FOREIGN KEY/i.test(e?.message ?? '');
  }
}

/** The part of mysql2's callback pool (TypeORM's MysqlDriver.pool) used here. */
interface MysqlPool {
  execute(sql: string, params: unknown[], callback: (error: Error | null) => void): void;
}
