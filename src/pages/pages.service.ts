import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/domain-error';
import { isMetaCurrency, type MoneyStyle } from '../common/money';
import { TokenCipher } from '../common/token-cipher';
import { foreignKeyHolders } from '../database/foreign-key-holders';
import { SqlDialect } from '../database/sql-dialect';
import { ShopsService } from '../shops/shops.service';
import type { CreatePageDto, UpdatePageDto } from './dto/page.dto';
import { Page } from './page.entity';

/** The credentials a Graph call needs for a Page, decrypted only for the call. */
export interface PageCredentials {
  pageId: string;
  platform: Page['platform'];
  accessToken: string;
}

export interface MarketingCredentials {
  pageId: string;
  adAccountId: string;
  systemUserToken: string;
}

const pageExists = (id: string): DomainError => new DomainError(409, 'page_exists', `Page ${id} is already registered`, { field: 'id' });

/** A Page's zone until the shop sets one: Vietnam's for a Page billed in VND, else the Philippines'. */
export function defaultPageTimeZone(currency: string): string {
  return currency === 'VND' ? 'Asia/Ho_Chi_Minh' : 'Asia/Manila';
}

const normaliseAdAccount = (id: string | undefined): string | null | undefined => (id === undefined ? undefined : id.replace(/^act_/, ''));

@Injectable()
export class PagesService {
  private readonly pages: Repository<Page>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cipher: TokenCipher,
    private readonly clock: Clock,
    private readonly shops: ShopsService,
  ) {
    this.pages = dataSource.getRepository(Page);
  }

  async create(shopId: string, dto: CreatePageDto): Promise<Page> {
    const now = this.clock.now();
    // A Vietnamese shop's Page is billed in VND unless told otherwise, and lives on Vietnam's clock.
    const shopCurrency = (await this.shops.get(shopId)).currency;
    const currency = dto.currency ?? (isMetaCurrency(shopCurrency) ? shopCurrency : 'PHP');
    const page = this.pages.create({
      id: dto.id,
      shopId,
      name: dto.name,
      platform: dto.platform,
      accessTokenEnc: this.cipher.encrypt(dto.accessToken),
      adAccountId: normaliseAdAccount(dto.adAccountId) ?? null,
      systemUserTokenEnc: dto.systemUserToken ? this.cipher.encrypt(dto.systemUserToken) : null,
      currency,
      pricePerMessage: dto.pricePerMessage ?? 0,
      locale: dto.locale ?? null,
      timezone: dto.timezone ?? defaultPageTimeZone(currency),
      createdAt: now,
      updatedAt: now,
    });
    // The primary key (Meta's Page id) is what makes a second registration of the same Page impossible.
    const existing = await this.pages.findOne({ select: { id: true }, where: { id: dto.id } });
    if (existing) throw pageExists(dto.id);
    // Two registrations at once both pass the check above: the primary key lets one in, the other is the same 409.
    await this.pages.insert(page).catch((error: unknown) => {
      throw SqlDialect.isDuplicateKey(error) ? pageExists(dto.id) : error;
    });
    return page;
  }

  list(shopId: string): Promise<Page[]> {
    return this.pages.find({ where: { shopId }, order: { createdAt: 'ASC' } });
  }

  /** A Page of this shop; another shop's Page is "not found" so that ids do not leak. */
  async getForShop(shopId: string, pageId: string): Promise<Page> {
    const page = await this.pages.findOne({ where: { id: pageId, shopId } });
    if (!page) throw notFound('Page', 'pageId');
    return page;
  }

  async update(shopId: string, pageId: string, dto: UpdatePageDto): Promise<Page> {
    const page = await this.getForShop(shopId, pageId);
    if (dto.name !== undefined) page.name = dto.name;
    if (dto.platform !== undefined) page.platform = dto.platform;
    if (dto.accessToken !== undefined) page.accessTokenEnc = this.cipher.encrypt(dto.accessToken);
    if (dto.adAccountId !== undefined) page.adAccountId = normaliseAdAccount(dto.adAccountId) ?? null;
    if (dto.systemUserToken !== undefined) page.systemUserTokenEnc = this.cipher.encrypt(dto.systemUserToken);
    if (dto.currency !== undefined) page.currency = dto.currency;
    if (dto.pricePerMessage !== undefined) page.pricePerMessage = dto.pricePerMessage;
    if (dto.locale !== undefined) page.locale = dto.locale;
    if (dto.timezone !== undefined) page.timezone = dto.timezone;
    page.updatedAt = this.clock.now();
    const { id, shopId: _shop, createdAt: _created, ...changes } = page;
    await this.pages.update({ id }, changes);
    return page;
  }

  async remove(shopId: string, pageId: string): Promise<void> {
    await this.getForShop(shopId, pageId);
    try {
      await this.pages.delete({ id: pageId, shopId });
    } catch (error) {
      if (!SqlDialect.isForeignKeyViolation(error)) throw error;
      // Opt-in requests and subscriptions are the Page's history with its customers: they are kept.
      const heldBy = await foreignKeyHolders(this.dataSource, 'pages', pageId);
      throw new DomainError(409, 'page_in_use', `The Page has history that is kept (${heldBy.join(', ')}); it cannot be deleted`, {
        field: 'pageId',
        heldBy,
      });
    }
  }

  /**
   * How money is written in this Page's messages: the Page's locale or else its shop's, and the shop's
   * currency (the currency of an order that names none).
   */
  async moneyStyle(pageId: string): Promise<MoneyStyle> {
    const page = await this.pages.findOne({ select: { shopId: true, locale: true }, where: { id: pageId } });
    if (!page) throw notFound('Page');
    const shop = await this.shops.get(page.shopId);
    return { locale: page.locale ?? shop.locale, currency: shop.currency };
  }

  /** For webhook processing, which knows the Page id but not the shop. */
  findById(pageId: string): Promise<Page | null> {
    return this.pages.findOne({ where: { id: pageId } });
  }

  async credentials(pageId: string): Promise<PageCredentials> {
    const page = await this.pages.findOne({ where: { id: pageId } });
    if (!page) throw notFound('Page', 'pageId');
    return { pageId: page.id, platform: page.platform, accessToken: this.cipher.decrypt(page.accessTokenEnc) };
  }

  /** Ad account and system-user token, or a 422 naming what the Page still lacks to broadcast. */
  async marketingCredentials(pageId: string): Promise<MarketingCredentials> {
    const page = await this.pages.findOne({ where: { id: pageId } });
    if (!page) throw notFound('Page', 'pageId');
    if (!page.adAccountId) throw new DomainError(422, 'page_not_ready', 'The Page has no ad account id', { field: 'adAccountId' });
    if (!page.systemUserTokenEnc) {
      throw new DomainError(422, 'page_not_ready', 'The Page has no system-user token', { field: 'systemUserToken' });
    }
    return { pageId: page.id, adAccountId: page.adAccountId, systemUserToken: this.cipher.decrypt(page.systemUserTokenEnc) };
  }
}
