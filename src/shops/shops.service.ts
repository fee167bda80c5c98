import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
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
    @InjectDataSource() private readonly dataSource: DataSource,
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
