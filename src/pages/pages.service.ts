import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/domain-error';
import { isMetaCurrency, type MoneyStyle } from '../common/money';
import { TokenCipher } from '../common/token-cipher';
import { foreignKeyHolders } from '../database/foreign-key-holders';
import { SqlDialect } from '../database/sql-dialect';
import { tablesWithColumn } from '../database/tables-with-column';
import { ShopsService } from '../shops/shops.service';
import type { CreatePageDto, UpdatePageDto } from './dto/page.dto';
import { Page } from './page.entity';
import { BundledSandbox } from './bundled-sandbox';
import { PageTokenVerifier } from './page-token-verifier';

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

/** Only ever said to the shop that holds the Page itself: another shop's hold is never revealed. */
const pageExists = (id: string): DomainError =>
  new DomainError(409, 'page_exists', `Page ${id} is already registered by this shop`, { field: 'id' });

/** Two registrations of the same Page raced and this one lost each retry: nothing was changed. */
const registrationRaced = (): DomainError =>
  new DomainError(503, 'page_registration_busy', 'The Page is being registered by another request; nothing was changed, try again', {
    field: 'id',
  });

/** Raised inside the transfer transaction when another registration changed the Page meanwhile; the transaction is retried. */
class RegistrationRace extends Error {}

const REGISTRATION_ATTEMPTS = 5;

/**
 * The id an earlier shop's Page row gets when another shop takes the Page: never a Meta id (the DTO
 * takes digits only), so no webhook and no new registration can ever name it.
 */
const archivedPageId = (pageId: string, at: Date): string =>
  `${pageId}-transferred-${at.getTime().toString(36)}${randomBytes(2).toString('hex')}`;

const transferred = (): DomainError =>
  new DomainError(409, 'page_transferred', 'The Page was registered by another shop; its history is kept but it can no longer call Meta', {
    field: 'pageId',
  });

/** A Page's zone until the shop sets one: Vietnam's for a Page billed in VND, else the Philippines'. */
export function defaultPageTimeZone(currency: string): string {
  return currency === 'VND' ? 'Asia/Ho_Chi_Minh' : 'Asia/Manila';
}

const normaliseAdAccount = (id: string | undefined): string | null | undefined => (id === undefined ? undefined : id.replace(/^act_/, ''));

@Injectable()
export class PagesService {
  private readonly pages: Repository<Page>;
  private readonly logger = new Logger(PagesService.name);

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly cipher: TokenCipher,
    private readonly clock: Clock,
    private readonly shops: ShopsService,
    private readonly verifier: PageTokenVerifier,
    private readonly bundledSandbox: BundledSandbox,
  ) {
    this.pages = dataSource.getRepository(Page);
  }

  /**
   * Registers a Page for the shop once Meta confirms the tokens (PageTokenVerifier): the access token is
   * this Page's, and the system-user token (when given with an ad account) can use that ad account.
   * 422 naming `accessToken` / `systemUserToken` otherwise; nothing is stored.
   *
   * Who holds a Page (README, "Who holds a Page"): the most recent shop that proves it with a verified token. When
   * another shop held it, that shop's row and everything keyed by the Page id move to an archived Page of
   * that shop (archiveHolder); the answer is the same 201 as for a Page nobody held, so no shop learns
   * about another. 409 `page_exists` only when this very shop already holds it.
   */
  async create(shopId: string, dto: CreatePageDto): Promise<Page> {
    const adAccountId = normaliseAdAccount(dto.adAccountId) ?? null;
    // A Vietnamese shop's Page is billed in VND unless told otherwise, and lives on Vietnam's clock.
    const shopCurrency = (await this.shops.get(shopId)).currency;
    const currency = dto.currency ?? (isMetaCurrency(shopCurrency) ? shopCurrency : 'PHP');
    await this.bundledSandbox.makeKnownIfNew({ ...dto, adAccountId, currency });
    await this.verifier.requirePageToken(dto.id, dto.accessToken);
    if (adAccountId && dto.systemUserToken) await this.verifier.requireAdAccountAccess(adAccountId, dto.systemUserToken);
    const now = this.clock.now();
    const page = this.pages.create({
      id: dto.id,
      shopId,
      name: dto.name,
      platform: dto.platform,
      accessTokenEnc: this.cipher.encrypt(dto.accessToken),
      adAccountId,
      systemUserTokenEnc: dto.systemUserToken ? this.cipher.encrypt(dto.systemUserToken) : null,
      currency,
      pricePerMessage: dto.pricePerMessage ?? 0,
      locale: dto.locale ?? null,
      timezone: dto.timezone ?? defaultPageTimeZone(currency),
      transferredAt: null,
      createdAt: now,
      updatedAt: now,
    });
    // Two registrations at once: the primary key lets one in; the other starts again and then sees it.
    for (let attempt = 0; attempt < REGISTRATION_ATTEMPTS; attempt++) {
      try {
        const archived = await this.dataSource.transaction(async (em) => {
          // MySQL: the holder's row is locked so racing takeovers queue behind each other (SQLite has one writer anyway).
          const lock = new SqlDialect(em).isMysql ? { lock: { mode: 'pessimistic_write' as const } } : {};
          const holder = await em.findOne(Page, { select: { id: true, shopId: true }, where: { id: dto.id }, ...lock });
          if (holder?.shopId === shopId) throw pageExists(dto.id);
          const archive = holder
            ? { fromShopId: holder.shopId, archivedAs: await this.archiveHolder(em, holder.shopId, dto.id, now) }
            : undefined;
          await em.insert(Page, page);
          return archive;
        });
        // The earlier shop sees its archived Page (transferredAt) in its list; operators see this line.
        if (archived) this.logger.warn({ msg: 'page_transferred', pageId: dto.id, toShopId: shopId, ...archived });
        return page;
      } catch (error) {
        if (!(error instanceof RegistrationRace) && !SqlDialect.isDuplicateKey(error) && !SqlDialect.isLockConflict(error)) throw error;
      }
    }
    throw registrationRaced();
  }

  /**
   * The earlier holder keeps its history, out of the new holder's sight: a copy of its Page row under
   * archivedPageId (transferredAt set), and every row of every table with a `page_id` column moved to
   * that id (topics, subscriptions, opt-in requests, people, sequences, campaigns, settings, ...), then
   * the original row removed so the new holder's row can take the Meta id. Returns the archived Page's id.
   */
  private async archiveHolder(em: EntityManager, holderShopId: string, pageId: string, now: Date): Promise<string> {
    const held = await em.findOneOrFail(Page, { where: { id: pageId, shopId: holderShopId } });
    const archiveId = archivedPageId(pageId, now);
    await em.insert(Page, { ...held, id: archiveId, transferredAt: now, updatedAt: now });
    for (const table of await tablesWithColumn(em, 'page_id')) {
      await SqlDialect.execute(em, `UPDATE ${table} SET page_id = ? WHERE page_id = ?`, [archiveId, pageId]);
    }
    const removed = await SqlDialect.execute(em, 'DELETE FROM pages WHERE id = ? AND shop_id = ?', [pageId, holderShopId]);
    if (removed !== 1) throw new RegistrationRace();
    return archiveId;
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

  /**
   * Changes a Page; a new access token, system-user token or ad account is first confirmed with Meta as
   * in `create` (422 naming the field, the stored tokens kept).
   */
  async update(shopId: string, pageId: string, dto: UpdatePageDto): Promise<Page> {
    const page = await this.getForShop(shopId, pageId);
    if (dto.accessToken !== undefined) await this.verifier.requirePageToken(page.id, dto.accessToken);
    if (dto.systemUserToken !== undefined || dto.adAccountId !== undefined) {
      const adAccountId = dto.adAccountId !== undefined ? normaliseAdAccount(dto.adAccountId) : page.adAccountId;
      const systemUserToken =
        dto.systemUserToken ?? (page.systemUserTokenEnc === null ? undefined : this.cipher.decrypt(page.systemUserTokenEnc));
      if (adAccountId && systemUserToken) {
        // Local run only: an ad account nobody here holds yet is created at the bundled sandbox first.
        await this.bundledSandbox.makeKnownIfNew({
          ...page,
          accessToken: '',
          adAccountId,
          systemUserToken,
          pricePerMessage: dto.pricePerMessage ?? page.pricePerMessage,
          currency: dto.currency ?? page.currency,
        });
        await this.verifier.requireAdAccountAccess(adAccountId, systemUserToken);
      }
    }
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
    const { id, shopId: _shop, createdAt: _created, transferredAt: _transferred, ...changes } = page;
    await this.pages.update({ id }, changes);
    // Local run only: the bundled sandbox charges, budgets and estimates with the Page's price, like Meta.
    if (dto.pricePerMessage !== undefined || dto.currency !== undefined) await this.bundledSandbox.refreshAdAccount(page.adAccountId);
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

  /** The Page token for a Graph call; 409 `page_transferred` for an archived Page (another shop holds it now). */
  async credentials(pageId: string): Promise<PageCredentials> {
    const page = await this.pages.findOne({ where: { id: pageId } });
    if (!page) throw notFound('Page', 'pageId');
    if (page.transferredAt) throw transferred();
    return { pageId: page.id, platform: page.platform, accessToken: this.cipher.decrypt(page.accessTokenEnc) };
  }

  /** Ad account and system-user token, or a 422 naming what the Page still lacks to broadcast (409 `page_transferred` when archived). */
  async marketingCredentials(pageId: string): Promise<MarketingCredentials> {
    const page = await this.pages.findOne({ where: { id: pageId } });
    if (!page) throw notFound('Page', 'pageId');
    if (page.transferredAt) throw transferred();
    if (!page.adAccountId) throw new DomainError(422, 'page_not_ready', 'The Page has no ad account id', { field: 'adAccountId' });
    if (!page.systemUserTokenEnc) {
      throw new DomainError(422, 'page_not_ready', 'The Page has no system-user token', { field: 'systemUserToken' });
    }
    return { pageId: page.id, adAccountId: page.adAccountId, systemUserToken: this.cipher.decrypt(page.systemUserTokenEnc) };
  }
}
