import type { DataSource } from 'typeorm';

interface ForeignKey {
  child: string;
  column: string;
  parent: string;
  parentColumn: string;
  cascades: boolean;
}

/**
 * The tables whose rows keep `table`'s row `id` from being deleted: rows that refer to it (or to a row
 * that would go with it through ON DELETE CASCADE) by a foreign key that does not cascade. Read from the
 * schema itself (information_schema on MySQL, `PRAGMA foreign_key_list` on SQLite), so a new table's
 * foreign key is covered without a list to keep. Used to turn a delete's foreign-key failure into a 409
 * that names what holds the row.
 */
export async function foreignKeyHolders(dataSource: DataSource, table: string, id: string): Promise<string[]> {
  const keys = await foreignKeys(dataSource);
  const holders = new Set<string>();
  const visit = async (parent: string, ids: unknown[], depth: number): Promise<void> => {
    if (ids.length === 0 || depth > 5) return;
    for (const key of keys.filter((k) => k.parent === parent)) {
      const marks = ids.map(() => '?').join(', ');
      if (!key.cascades) {
        const rows = (await dataSource.query(`SELECT 1 FROM ${key.child} WHERE ${key.column} IN (${marks}) LIMIT 1`, ids)) as unknown[];
        if (rows.length) holders.add(key.child);
        continue;
      }
      // Rows deleted with this one: what refers to them holds this one too.
      for (const columnOfChild of new Set(keys.filter((k) => k.parent === key.child).map((k) => k.parentColumn))) {
        const rows = (await dataSource.query(
          `SELECT ${columnOfChild} AS v FROM ${key.child} WHERE ${key.column} IN (${marks})`,
          ids,
        )) as Array<{
          v: unknown;
        }>;
        await visit(
          key.child,
          rows.map((r) => r.v),
          depth + 1,
        );
      }
    }
  };
  await visit(table, [id], 0);
  return [...holders].sort();
}

async function foreignKeys(dataSource: DataSource): Promise<ForeignKey[]> {
  if (dataSource.options.type === 'mysql') {
    const rows = (await dataSource.query(
      `SELECT k.TABLE_NAME AS child, k.COLUMN_NAME AS col, k.REFERENCED_TABLE_NAME AS parent, k.REFERENCED_COLUMN_NAME AS parentCol,
              r.DELETE_RULE AS onDelete
         FROM information_schema.KEY_COLUMN_USAGE k
         JOIN information_schema.REFERENTIAL_CONSTRAINTS r
           ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
        WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL`,
    )) as Array<{ child: string; col: string; parent: string; parentCol: string; onDelete: string }>;
    return rows.map((r) => ({
      child: r.child,
      column: r.col,
      parent: r.parent,
      parentColumn: r.parentCol,
      cascades: r.onDelete === 'CASCADE',
    }));
  }
  const tables = (await dataSource.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)) as Array<{
    name: string;
  }>;
  const keys: ForeignKey[] = [];
  for (const { name } of tables) {
    const rows = (await dataSource.query(`SELECT * FROM pragma_foreign_key_list(?)`, [name])) as Array<{
      table: string;
      from: string;
      to: string | null;
      on_delete: string;
    }>;
    for (const r of rows)
      keys.push({ child: name, column: r.from, parent: r.table, parentColumn: r.to ?? 'id', cascades: r.on_delete === 'CASCADE' });
  }
  return keys;
}
