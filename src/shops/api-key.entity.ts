import { Entity, PrimaryColumn, Column, Index } from 'typeorm';
import { UtcDateColumn } from '../database/columns';

/**
 * Keys are 32 random bytes, so a SHA-256 of the key is enough to store them (no slow hash needed);
 * the unique index on the hash is the lookup. `prefix` (the key's first characters) lets a shop tell keys apart.
 */
@Entity('api_keys')
export class ApiKey {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'shop_id', type: 'varchar', length: 36 })
  shopId!: string;

  @Index({ unique: true })
  @Column({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash!: string;

  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  @UtcDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UtcDateColumn({ name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;
}
