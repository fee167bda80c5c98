import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { Clock } from '../common/clock';
import { ApiKey } from './api-key.entity';
import { Shop } from './shop.entity';

export interface CreatedShop {
  shop: Shop;
  /** Shown once, at creation; only its hash is kept. */
  apiKey: string;
}

const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');

@Injectable()
export class ShopsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** A shop and its first API key, in one transaction. */
  async createShop(name: string): Promise<CreatedShop> {
    return this.dataSource.transaction(async (em) => {
      const shop = em.create(Shop, { id: randomUUID(), name, createdAt: this.clock.now() });
      await em.insert(Shop, shop);
      const apiKey = await this.issueKey(shop.id, em.getRepository(ApiKey));
      return { shop, apiKey };
    });
  }

  async createKey(shopId: string): Promise<string> {
    return this.issueKey(shopId, this.dataSource.getRepository(ApiKey));
  }

  /** The shop id a presented key belongs to, or undefined for an unknown or revoked key. */
  async shopIdForKey(key: string): Promise<string | undefined> {
    const row = await this.dataSource
      .getRepository(ApiKey)
      .findOne({ select: { shopId: true }, where: { keyHash: hashKey(key), revokedAt: IsNull() } });
    return row?.shopId;
  }

  private async issueKey(shopId: string, repo: { insert(row: ApiKey): Promise<unknown> }): Promise<string> {
    const key = `mmk_${randomBytes(32).toString('base64url')}`;
    await repo.insert({
      id: randomUUID(),
      shopId,
      keyHash: hashKey(key),
      prefix: key.slice(0, 12),
      createdAt: this.clock.now(),
      revokedAt: null,
    });
    return key;
  }
}
