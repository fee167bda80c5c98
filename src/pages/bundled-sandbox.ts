import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { GraphEndpoint } from '../common/graph-endpoint';

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

/**
 * In the local run with the bundled sandbox (`npm start` with no Meta credentials) there is no Meta
 * where the shop created its Page: registering the Page (or an ad account) here makes it known to the
 * sandbox first, so the token check that follows (PageTokenVerifier) and every later Graph call find it.
 * A no-op against Meta and in tests (GraphEndpoint.bundledSandbox unset).
 */
@Injectable()
export class BundledSandbox {
  constructor(
    private readonly endpoint: GraphEndpoint,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** True in the local run with the bundled sandbox only. */
  get active(): boolean {
    return this.endpoint.bundledSandbox !== undefined;
  }

  /** Registers the Page (and its ad account, with every Page of ours on it) in the bundled sandbox. */
  async makeKnown(page: BundledPageFacts): Promise<void> {
    const sandbox = this.endpoint.bundledSandbox;
    if (!sandbox) return;
    await sandbox.registerPage({ id: page.id, name: page.name, platform: page.platform, accessToken: page.accessToken });
    if (!page.adAccountId || !page.systemUserToken) return;
    // The sandbox replaces an ad account's Page list: keep every Page already registered on it.
    const others = (await this.dataSource.query('SELECT id FROM pages WHERE ad_account_id = ? AND id <> ?', [
      page.adAccountId,
      page.id,
    ])) as Array<{
      id: string;
    }>;
    await sandbox.registerAdAccount({
      id: page.adAccountId,
      systemUserToken: page.systemUserToken,
      pageIds: [page.id, ...others.map((o) => o.id)],
      pricePerMessage: page.pricePerMessage ?? 100,
      ...(page.currency && { currency: page.currency }),
    });
  }
}
