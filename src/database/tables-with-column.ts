import type { EntityManager } from 'typeorm';

/**
 * The tables that have a column of this name, read from the schema itself (information_schema on MySQL,
 * `pragma_table_info` on SQLite) so that a table added later is covered without a list to keep.
 * Used to move every row keyed by a Page id at once (PagesService's transfer).
 */
export async function tablesWithColumn(em: EntityManager, column: string): Promise<string[]> {
  const rows =
    em.connection.options.type === 'mysql'
      ? ((await em.query(
          `SELECT c.TABLE_NAME AS name FROM information_schema.COLUMNS c
             JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
            WHERE c.TABLE_SCHEMA = DATABASE() AND c.COLUMN_NAME = ? AND t.TABLE_TYPE = 'BASE TABLE'`,
          [column],
        )) as Array<{ name: string }>)
      : ((await em.query(
          `SELECT m.name AS name FROM sqlite_master m JOIN pragma_table_info(m.name) p
            WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND p.name = ?`,
          [column],
        )) as Array<{ name: string }>);
  return rows.map((r) => r.name).sort();
}
