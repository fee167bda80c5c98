import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import type { DataSource } from 'typeorm';
import { GraphEndpoint } from '../common/graph-endpoint';
import { minorPerMetaUnit } from '../common/money';
import { TokenCipher } from '../common/token-cipher';

/** What a shop tells us of a Page, as the bundled sandbox needs it to play Meta. */
export interface BundledPageFacts {
  id: string;
  name?: string;
  platform: 'facebook' | 'instagram';
  accessToken: string;
  /** Numeric id, without `act_`. */
  adAccountId?: string | null;
  systemUserToken?: string;
  /** Minor units per delivered marketing message (the sandbox bills with it). */
  pricePerMessage?: number;
  currency?: string;
}

interface StoredPage {
  id: string;
  name: string;
  platform: 'facebook' | 'instagram';
  access_token_enc: string;
  ad_account_id: string | null;
  system_user_token_enc: string | null;
  price_per_message: number | string | null;
  currency: string;
}

/** The price the sandbox charges for a Page with none set, in the currency's minor units (₱1.00). */
const DEFAULT_PRICE = 100;

/**
 * A Page's price per message (ISO 4217 minor units, as the API holds it) in Meta's integer units for the
 * currency, as the sandbox charges, budgets and estimates like Meta: Rp1,200.50 (120050) is 1201 rupiah.
 */
function metaPrice(minor: number | null | undefined, currency: string): number {
  return Math.round((minor ?? DEFAULT_PRICE) / minorPerMetaUnit(currency));
}

/**
 * In the local run with the bundled sandbox (`npm start` with no Meta credentials) there is no Meta
 * where the shop created its Page, so the FIRST registration of a Page id (and of an ad account) here
 * creates it in the sandbox with the tokens given. A Page or ad account this install already holds is
 * never re-created with a caller's tokens: the token check that follows (PageTokenVerifier) then asks the
 * sandbox, which knows the holder's tokens, so another shop cannot take a Page with a made-up token
 * (README, "Who holds a Page"). At boot the sandbox (in memory) is given back every Page and ad account we hold.
 * A no-op against Meta and in tests that do not ask for it (GraphEndpoint.bundledSandbox unset).
 */
@Injectable()
export class BundledSandbox implements OnApplicationBootstrap {
  constructor(
    private readonly endpoint: GraphEndpoint,
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly cipher: TokenCipher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.endpoint.bundledSandbox) return;
    const pages = await this.held();
    for (const page of pages) await this.registerPage(this.factsOf(page));
    for (const adAccountId of new Set(pages.flatMap((p) => (p.ad_account_id ? [p.ad_account_id] : [])))) {
      await this.registerAdAccount(adAccountId, pages);
    }
  }

  /**
   * Before a Page is registered (or its ad account set): creates at the bundled sandbox what this install
   * does not hold yet. A Page id or ad account already held keeps the tokens it has there.
   */
  async makeKnownIfNew(page: BundledPageFacts): Promise<void> {
    if (!this.endpoint.bundledSandbox) return;
    const pages = await this.held();
    if (!pages.some((p) => p.id === page.id)) await this.registerPage(page);
    if (!page.adAccountId || !page.systemUserToken) return;
    const onAccount = pages.filter((p) => p.ad_account_id === page.adAccountId);
    if (onAccount.length === 0) {
      await this.endpoint.bundledSandbox.registerAdAccount({
        id: page.adAccountId,
        systemUserToken: page.systemUserToken,
        pageIds: [page.id],
        pricePerMessage: metaPrice(page.pricePerMessage, page.currency ?? 'PHP'),
        currency: page.currency ?? 'PHP',
      });
      return;
    }
    // Held already: re-registered with the holder's token, this Page added to its list; the token the
    // caller gave is then checked against the holder's by PageTokenVerifier.
    await this.registerAdAccount(page.adAccountId, pages, page.id);
  }

  /** After a Page's price or currency changed: the sandbox charges the new one on its ad account. */
  async refreshAdAccount(adAccountId: string | null): Promise<void> {
    if (!this.endpoint.bundledSandbox || !adAccountId) return;
    await this.registerAdAccount(adAccountId, await this.held());
  }

  private held(): Promise<StoredPage[]> {
    return this.dataSource.query(
      `SELECT id, name, platform, access_token_enc, ad_account_id, system_user_token_enc, price_per_message, currency
         FROM pages WHERE transferred_at IS NULL`,
    ) as Promise<StoredPage[]>;
  }

  private factsOf(page: StoredPage): BundledPageFacts {
    return { id: page.id, name: page.name, platform: page.platform, accessToken: this.cipher.decrypt(page.access_token_enc) };
  }

  private async registerPage(page: BundledPageFacts): Promise<void> {
    await this.endpoint.bundledSandbox!.registerPage({
      id: page.id,
      name: page.name,
      platform: page.platform,
      accessToken: page.accessToken,
    });
  }

  /** The sandbox replaces an ad account's Page list: every Page of ours on it, plus `extraPageId`. */
  private async registerAdAccount(adAccountId: string, pages: StoredPage[], extraPageId?: string): Promise<void> {
    const onAccount = pages.filter((p) => p.ad_account_id === adAccountId);
    const holder = onAccount.find((p) => p.system_user_token_enc !== null);
    if (!holder) return;
    await this.endpoint.bundledSandbox!.registerAdAccount({
      id: adAccountId,
      systemUserToken: this.cipher.decrypt(holder.system_user_token_enc!),
      pageIds: [...new Set([...onAccount.map((p) => p.id), ...(extraPageId ? [extraPageId] : [])])],
      pricePerMessage: metaPrice(holder.price_per_message === null ? null : Number(holder.price_per_message), holder.currency),
      currency: holder.currency,
    });
  }
}
