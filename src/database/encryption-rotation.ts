import type { DataSource } from 'typeorm';
import type { TokenCipher } from '../common/token-cipher';
import { SqlDialect } from './sql-dialect';

/** Every column holding TokenCipher values (a table added with one must be listed here, or rotation misses it). */
export const ENCRYPTED_COLUMNS = [
  { table: 'pages', column: 'access_token_enc' },
  { table: 'pages', column: 'system_user_token_enc' },
  { table: 'subscriptions', column: 'token_enc' },
  // The signing secrets of the shops' HTTP endpoints (src/integrations).
  { table: 'integration_endpoints', column: 'secret_enc' },
  // Raw webhook bodies (opt-ins carry subscription tokens).
  { table: 'webhook_inbox', column: 'body' },
] as const;

export interface ColumnRotation {
  table: string;
  column: string;
  /** Values re-encrypted by this run. */
  reencrypted: number;
  /** Values still under another key when this run stopped (0: the column is done). */
  remaining: number;
}

/**
 * Re-encrypts every stored secret with the cipher's current key (ENCRYPTION_KEY), reading the old ones with
 * ENCRYPTION_KEY_PREVIOUS, in batches of `batchSize` rows, each batch one short transaction. The state of
 * the rotation is in the values themselves (each names its key id), so a run that stops (a crash, a
 * `maxBatches` limit) is resumed by running it again, from where the values say. Each row is written with
 * a compare-and-set on its old value: a secret the app rewrote meanwhile (a new Page token) is left as it is.
 */
export class EncryptionKeyRotation {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: TokenCipher,
  ) {}

  async rotate({ batchSize = 500, maxBatches = Infinity } = {}): Promise<ColumnRotation[]> {
    const results: ColumnRotation[] = [];
    let batches = 0;
    for (const { table, column } of ENCRYPTED_COLUMNS) {
      let reencrypted = 0;
      let after: string | number | null = null;
      while (batches < maxBatches) {
        const rows = await this.stale(table, column, after, batchSize);
        if (rows.length === 0) break;
        batches += 1;
        reencrypted += await this.dataSource.transaction(async (em) => {
          let changed = 0;
          for (const row of rows) {
            changed += await SqlDialect.execute(em, `UPDATE ${table} SET ${column} = ? WHERE id = ? AND ${column} = ?`, [
              this.cipher.encrypt(this.cipher.decrypt(row.value)),
              row.id,
              row.value,
            ]);
          }
          return changed;
        });
        after = rows.at(-1)!.id;
      }
      results.push({ table, column, reencrypted, remaining: await this.countStale(table, column) });
    }
    return results;
  }

  /** The next rows (keyset on the primary key) whose value is under another key than the current one. */
  private async stale(
    table: string,
    column: string,
    after: string | number | null,
    limit: number,
  ): Promise<Array<{ id: string | number; value: string }>> {
    const rows = (await this.dataSource.query(
      `SELECT id, ${column} AS value FROM ${table}
        WHERE ${column} IS NOT NULL AND ${column} NOT LIKE ? ${after === null ? '' : 'AND id > ?'}
        ORDER BY id LIMIT ${Number(limit)}`,
      after === null ? [this.currentPattern()] : [this.currentPattern(), after],
    )) as Array<{ id: string | number; value: string }>;
    return rows;
  }

  private async countStale(table: string, column: string): Promise<number> {
    const [row] = (await this.dataSource.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} IS NOT NULL AND ${column} NOT LIKE ?`, [
      this.currentPattern(),
    ])) as Array<{ n: number | string }>;
    return Number(row?.n ?? 0);
  }

  /** Values under the current key start with `v2.<keyId>.` (hex and dots: nothing LIKE treats specially). */
  private currentPattern(): string {
    return `v2.${this.cipher.keyId}.%`;
  }
}
