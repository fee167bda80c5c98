import { Injectable } from '@nestjs/common';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { Clock } from '../common/clock';
import { notFound } from '../common/domain-error';
import { ValidationFailed, type FieldProblem } from '../common/http-error.filter';
import { canonicalLocale } from '../common/locale';
import { isCurrencyCode } from '../common/money';
import { ApiKey } from './api-key.entity';
import type { UpdateShopDto } from './dto/shop.dto';
import { DEFAULT_SHOP_CURRENCY, DEFAULT_SHOP_LOCALE, Shop } from './shop.entity';

export interface CreatedShop {
  shop: Shop;
  /** Shown once, at creation; only its hash is kept. */
  apiKey: string;
}

const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');

@Injectable()
export class ShopsService {
  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * A shop and its first API key, in one transaction. `locale` (BCP 47) and `currency` (ISO 4217, in
   * capitals) default to en-PH and PHP; a bad one is a ValidationFailed naming it, and nothing is stored.
   */
  async createShop(name: string, settings: { locale?: string; currency?: string } = {}): Promise<CreatedShop> {
    const locale = settings.locale === undefined ? DEFAULT_SHOP_LOCALE : canonicalLocale(settings.locale);
    const currency = settings.currency ?? DEFAULT_SHOP_CURRENCY;
    const problems: FieldProblem[] = [];
    if (locale === undefined)
      problems.push({ field: 'locale', rule: 'isLocale', message: 'locale must be a BCP 47 language tag such as vi-VN' });
    if (!isCurrencyCode(currency))
      problems.push({ field: 'currency', rule: 'isCurrencyCode', message: 'currency must be an ISO 4217 code in capitals, such as VND' });
    if (problems.length > 0 || locale === undefined) throw new ValidationFailed(problems);
    return this.dataSource.transaction(async (em) => {
      const shop = em.create(Shop, { id: randomUUID(), name, locale, currency, createdAt: this.clock.now() });
      await em.insert(Shop, shop);
      const apiKey = await this.issueKey(shop.id, em.getRepository(ApiKey));
      return { shop, apiKey };
    });
  }

  /** Every shop, oldest first (for the operator's CLI; the API only ever shows the caller's own). */
  list(): Promise<Shop[]> {
    return this.dataSource.getRepository(Shop).find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The shop (locale and currency included), or a 404. */
  async get(shopId: string): Promise<Shop> {
    const shop = await this.dataSource.getRepository(Shop).findOne({ where: { id: shopId } });
    if (!shop) throw notFound('Shop');
    return shop;
  }

  /** Name, locale and currency; the DTO was validated (and the locale canonicalised) by the pipe. */
  async update(shopId: string, dto: UpdateShopDto): Promise<Shop> {
    const shop = await this.get(shopId);
    if (dto.name !== undefined) shop.name = dto.name;
    if (dto.locale !== undefined) shop.locale = dto.locale;
    if (dto.currency !== undefined) shop.currency = dto.currency;
    await this.dataSource.getRepository(Shop).update({ id: shopId }, { name: shop.name, locale: shop.locale, currency: shop.currency });
    return shop;
  }

  /** A new key for the shop: its secret (shown once) and its id. */
  async createKey(shopId: string): Promise<{ id: string; apiKey: string }> {
    const id = randomUUID();
    return { id, apiKey: await this.issueKey(shopId, this.dataSource.getRepository(ApiKey), id) };
  }

  /** The key (its id and shop) a presented secret is, or undefined for an unknown or revoked key. */
  async keyFor(key: string): Promise<{ id: string; shopId: string } | undefined> {
    const row = await this.dataSource
      .getRepository(ApiKey)
      .findOne({ select: { id: true, shopId: true }, where: { keyHash: hashKey(key), revokedAt: IsNull() } });
    return row ? { id: row.id, shopId: row.shopId } : undefined;
  }

  /** A shop's keys, revoked ones included (with `revokedAt`), oldest first. Never the secrets: only their hashes are kept. */
  listKeys(shopId: string): Promise<ApiKey[]> {
    return this.dataSource.getRepository(ApiKey).find({ where: { shopId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /**
   * Revokes a key of the shop (the row stays, with `revokedAt`, so the list shows it). Revoking a revoked
   * key changes nothing; a key of another shop, or none, is a 404 naming `keyId`.
   */
  async revokeKey(shopId: string, keyId: string): Promise<ApiKey> {
    const repo = this.dataSource.getRepository(ApiKey);
    await repo.update({ id: keyId, shopId, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
    const key = await repo.findOne({ where: { id: keyId, shopId } });
    if (!key) throw notFound('API key', 'keyId');
    return key;
  }

  /** For the CLI, which names a key by id only (the operator acts for every shop). */
  async shopOfKey(keyId: string): Promise<string> {
    const key = await this.dataSource.getRepository(ApiKey).findOne({ select: { shopId: true }, where: { id: keyId } });
    if (!key) throw notFound('API key', 'keyId');
    return key.shopId;
  }

  private async issueKey(shopId: string, repo: { insert(row: ApiKey): Promise<unknown> }, id = randomUUID()): Promise<string> {
    const key = `mmk_${randomBytes(32).toString('base64url')}`;
    await repo.insert({
      id,
      shopId,
      keyHash: hashKey(key),
      prefix: key.slice(0, 12),
      createdAt: this.clock.now(),
      revokedAt: null,
    });
    return key;
  }
}
