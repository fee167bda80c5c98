import { Column, type ColumnOptions } from 'typeorm';

/**
 * Instants are stored in UTC with millisecond precision: DATETIME(3) on MySQL (connection timezone 'Z'),
 * ISO-like text on SQLite (TypeORM writes 'YYYY-MM-DD HH:MM:SS.SSS' in UTC, which sorts as time does).
 */
export function UtcDateColumn(options: Omit<ColumnOptions, 'type' | 'precision'> = {}): PropertyDecorator {
  return Column({ type: 'datetime', precision: 3, ...options });
}
