import { Injectable, Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { checkCampaignContent } from '../broadcasts/campaign-content';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { ValidationFailed } from '../common/http-error.filter';
import { SqlDialect } from '../database/sql-dialect';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { VOIDED_ORDER_STATUSES } from './attribution.service';
import type { AbTestResponse, AbVariantFigures, PutAbTestDto } from './dto/ab-test.dto';
import type { AbMetric } from './results-shapes';

const RELEASE_CHUNK = 5000;

/** A condition for a statement on campaign_ab_tests, its parameter the campaign id: the campaign is still a draft. */
const WHILE_DRAFT = "EXISTS (SELECT 1 FROM campaigns c WHERE c.id = ? AND c.status = 'draft')";

const notDraft = (verb: string): DomainError =>
  new DomainError(409, 'campaign_not_draft', `An A/B test can be ${verb} a draft campaign only`, { field: 'id' });

interface AbRow {
  campaign_id: string;
  variants: string;
  metric: AbMetric;
  test_share_percent: number;
  test_duration_minutes: number;
  split_at: unknown;
  decide_after: unknown;
  winner_variant: number | null;
  decided_at: unknown;
  decision: string | null;
}

/**
 * A/B tests. A campaign with a test fans its audience out `held` (BroadcastScheduler); when the fan-out
 * is done, split() moves `testSharePercent` of the rows (spread evenly in delivery-id order, which follows
 * the random subscription ids) to `pending` with a variant, in one transaction with the claim
 * `split_at IS NULL`, so it happens once. decideDue() picks the winner once per test: the
 * conditional UPDATE `WHERE decided_at IS NULL` is the atomic claim; only the process that wins it
 * records the decision. Then the held rows are released to the winner, in chunks, by whoever ticks
 * (idempotent: `WHERE status = 'held'`). A worker never claims a held row (DeliveryClaimer takes `pending`).
 */
@Injectable()
export class AbTestsService {
  private readonly logger = new Logger(AbTestsService.name);
  private readonly dialect: SqlDialect;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    this.dialect = new SqlDialect(dataSource);
  }

  /**
   * Sets the campaign's test (drafts only: the audience is split at fan-out). Like remove(), the statements
   * hold the draft condition themselves, so a campaign scheduled at the same moment keeps what it had; the
   * test read back tells whether this one was written. Errors: 400 naming `variants.<i>…`; 409
   * `campaign_not_draft`.
   */
  async put(campaignId: string, status: string, dto: PutAbTestDto): Promise<AbTestResponse> {
    if (status !== 'draft') throw notDraft('set on');
    const problems = [];
    const contents = [];
    for (const [i, variant] of dto.variants.entries()) {
      const checked = checkCampaignContent(variant, `variants.${i}`);
      if ('problems' in checked) problems.push(...checked.problems);
      else contents.push(checked.content);
    }
    if (problems.length > 0) throw new ValidationFailed(problems);
    const now = this.dialect.time(this.clock.now());
    const metric = dto.metric ?? 'click_rate';
    const variants = JSON.stringify(contents);
    await this.dataSource.query(
      `${this.dialect.insertIgnore()} INTO campaign_ab_tests (campaign_id, variants, metric, test_share_percent, test_duration_minutes, created_at, updated_at)
       SELECT ?, ?, ?, ?, ?, ?, ? FROM campaigns WHERE id = ? AND status = 'draft'`,
      [campaignId, variants, metric, dto.testSharePercent, dto.testDurationMinutes, now, now, campaignId],
    );
    await this.dataSource.query(
      `UPDATE campaign_ab_tests SET variants = ?, metric = ?, test_share_percent = ?, test_duration_minutes = ?, updated_at = ?
        WHERE campaign_id = ? AND split_at IS NULL AND ${WHILE_DRAFT}`,
      [variants, metric, dto.testSharePercent, dto.testDurationMinutes, now, campaignId, campaignId],
    );
    const written = await this.row(campaignId);
    const ours =
      written?.variants === variants &&
      written.metric === metric &&
      Number(written.test_share_percent) === dto.testSharePercent &&
      Number(written.test_duration_minutes) === dto.testDurationMinutes;
    if (!ours) throw notDraft('set on');
    return (await this.get(campaignId))!;
  }

  /**
   * Removes the campaign's test while the campaign is a draft: it then goes to its whole audience with its
   * own content. The statement itself holds the draft condition, so a test cannot vanish from under a
   * campaign scheduled at the same moment (its audience would be fanned out `held`, waiting for a split
   * that never comes). Errors: 404 `not_found` (no test), 409 `campaign_not_draft`.
   */
  async remove(campaignId: string): Promise<void> {
    const removed = await SqlDialect.execute(
      this.dataSource,
      `DELETE FROM campaign_ab_tests WHERE campaign_id = ? AND split_at IS NULL AND ${WHILE_DRAFT}`,
      [campaignId, campaignId],
    );
    if (removed > 0) return;
    if (!(await this.hasTest(campaignId))) throw new DomainError(404, 'not_found', 'The campaign has no A/B test', { field: 'id' });
    throw notDraft('removed from');
  }

  async get(campaignId: string): Promise<AbTestResponse | undefined> {
    const row = await this.row(campaignId);
    if (!row) return undefined;
    const time = (v: unknown): string | null => SqlDialect.parseOptionalTime(v)?.toISOString() ?? null;
    return {
      variants: JSON.parse(row.variants) as unknown[],
      testSharePercent: Number(row.test_share_percent),
      testDurationMinutes: Number(row.test_duration_minutes),
      metric: row.metric,
      splitAt: time(row.split_at),
      decideAfter: time(row.decide_after),
      winner: row.winner_variant === null ? null : Number(row.winner_variant),
      decidedAt: time(row.decided_at),
      decision: row.decision ? (JSON.parse(row.decision) as AbVariantFigures[]) : null,
      figures: await this.figures(campaignId, 1 + (JSON.parse(row.variants) as unknown[]).length),
    };
  }

  /**
   * When the campaign's held rows can go: the test's decision time (`decideAfter`, set at the split). Before
   * the split (fan-out still running) it is not known yet; the soonest it can be is `now` plus the test's
   * duration. Undefined when the campaign has no test.
   */
  async decisionAt(campaignId: string, now: Date): Promise<Date | undefined> {
    const row = await this.row(campaignId);
    if (!row) return undefined;
    return SqlDialect.parseOptionalTime(row.decide_after) ?? new Date(now.getTime() + Number(row.test_duration_minutes) * 60_000);
  }

  /** Whether the campaign's audience is fanned out `held` (it has a test). */
  async hasTest(campaignId: string): Promise<boolean> {
    return (await this.row(campaignId)) !== undefined;
  }

  /** After the fan-out: the test share goes pending with its variants, once. Returns whether this call split it. */
  async split(campaignId: string): Promise<boolean> {
    const row = await this.row(campaignId);
    if (!row || row.split_at !== null) return false;
    const now = this.clock.now();
    const contents = 1 + (JSON.parse(row.variants) as unknown[]).length;
    const decideAfter = new Date(now.getTime() + Number(row.test_duration_minutes) * 60_000);
    const won = await this.dataSource.transaction(async (em) => {
      const claimed = await SqlDialect.execute(
        em,
        'UPDATE campaign_ab_tests SET split_at = ?, decide_after = ?, updated_at = ? WHERE campaign_id = ? AND split_at IS NULL',
        [this.dialect.time(now), this.dialect.time(decideAfter), this.dialect.time(now), campaignId],
      );
      if (claimed !== 1) return false;
      await this.assignTestShare(em, campaignId, contents, Number(row.test_share_percent));
      return true;
    });
    if (won) this.logger.log({ msg: 'A/B test split', campaignId, decideAfter: decideAfter.toISOString() });
    return won;
  }

  /**
   * Walks the held rows by id (keyset chunks) and takes `share` % of them, evenly spread (position p is
   * taken when floor((p+1)·share/100) grows), the n-th taken getting variant n mod contents: exactly
   * round-down(share % of the audience), split as evenly as it divides, whatever gaps the ids have.
   */
  private async assignTestShare(em: EntityManager, campaignId: string, contents: number, share: number): Promise<void> {
    const now = this.dialect.time(this.clock.now());
    let position = 0;
    let taken = 0;
    let after = 0;
    for (;;) {
      const rows = (await em.query(
        `SELECT id FROM campaign_deliveries WHERE campaign_id = ? AND status = 'held' AND id > ? ORDER BY id LIMIT ${RELEASE_CHUNK}`,
        [campaignId, after],
      )) as Array<{ id: string | number }>;
      if (rows.length === 0) return;
      const byVariant: string[][] = Array.from({ length: contents }, () => []);
      for (const r of rows) {
        if (Math.floor(((position + 1) * share) / 100) > Math.floor((position * share) / 100))
          byVariant[taken++ % contents]!.push(String(r.id));
        position++;
      }
      for (const [variant, ids] of byVariant.entries()) {
        if (ids.length === 0) continue;
        await em.query(
          `UPDATE campaign_deliveries SET status = 'pending', variant = ?, updated_at = ? WHERE id IN (${ids.map(() => '?').join(',')}) AND status = 'held'`,
          [variant, now, ...ids],
        );
      }
      after = Number(rows[rows.length - 1]!.id);
    }
  }

  /** Decides every test whose time has come (once each, across processes) and releases held rows to winners. */
  async decideDue(): Promise<string[]> {
    // A process that died between the end of a fan-out and its split: split it here.
    const unsplit = (await this.dataSource.query(
      `SELECT t.campaign_id FROM campaign_ab_tests t JOIN campaigns c ON c.id = t.campaign_id WHERE t.split_at IS NULL AND c.fanout_done = 1 LIMIT 50`,
    )) as Array<{ campaign_id: string }>;
    for (const t of unsplit) await this.split(t.campaign_id);
    const now = this.clock.now();
    const due = (await this.dataSource.query(
      'SELECT campaign_id, variants, metric FROM campaign_ab_tests WHERE decided_at IS NULL AND decide_after <= ? LIMIT 50',
      [this.dialect.time(now)],
    )) as Array<{ campaign_id: string; variants: string; metric: AbMetric }>;
    const decided: string[] = [];
    for (const t of due) {
      const figures = await this.figures(t.campaign_id, 1 + (JSON.parse(t.variants) as unknown[]).length);
      const rate = (f: AbVariantFigures): number => (t.metric === 'order_rate' ? f.orderRate : f.clickRate);
      const winner = figures.reduce((best, f) => (rate(f) > rate(best) ? f : best), figures[0]!);
      const claimed = await SqlDialect.execute(
        this.dataSource,
        'UPDATE campaign_ab_tests SET winner_variant = ?, decided_at = ?, decision = ?, updated_at = ? WHERE campaign_id = ? AND decided_at IS NULL',
        [winner.variant, this.dialect.time(now), JSON.stringify(figures), this.dialect.time(now), t.campaign_id],
      );
      if (claimed === 1) {
        decided.push(t.campaign_id);
        this.logger.log({ msg: 'A/B test decided', campaignId: t.campaign_id, winner: winner.variant, metric: t.metric });
      }
    }
    await this.releaseHeld();
    return decided;
  }

  /** Held rows of decided tests become pending with the winning variant, a chunk at a time. */
  private async releaseHeld(): Promise<void> {
    const tests = (await this.dataSource.query(
      `SELECT t.campaign_id, t.winner_variant FROM campaign_ab_tests t
        WHERE t.decided_at IS NOT NULL AND EXISTS (SELECT 1 FROM campaign_deliveries d WHERE d.campaign_id = t.campaign_id AND d.status = 'held')
        LIMIT 20`,
    )) as Array<{ campaign_id: string; winner_variant: number }>;
    for (const t of tests) {
      for (;;) {
        const rows = (await this.dataSource.query(
          `SELECT id FROM campaign_deliveries WHERE campaign_id = ? AND status = 'held' ORDER BY id LIMIT ${RELEASE_CHUNK}`,
          [t.campaign_id],
        )) as Array<{ id: string | number }>;
        if (rows.length === 0) break;
        await this.dataSource.query(
          `UPDATE campaign_deliveries SET status = 'pending', variant = ?, updated_at = ? WHERE id IN (${rows.map(() => '?').join(',')}) AND status = 'held'`,
          [Number(t.winner_variant), this.dialect.time(this.clock.now()), ...rows.map((r) => String(r.id))],
        );
      }
    }
  }

  /** Per variant: sent, clicked, attributed orders and the rates. */
  async figures(campaignId: string, contents: number): Promise<AbVariantFigures[]> {
    const sent = (await this.dataSource.query(
      `SELECT variant, COUNT(*) AS sent, SUM(CASE WHEN clicked_at IS NOT NULL THEN 1 ELSE 0 END) AS clicked
         FROM campaign_deliveries WHERE campaign_id = ? AND variant IS NOT NULL AND sent_at IS NOT NULL GROUP BY variant`,
      [campaignId],
    )) as Array<{ variant: number | string; sent: number | string; clicked: number | string | null }>;
    const orders = (await this.dataSource.query(
      `SELECT d.variant, COUNT(*) AS orders FROM campaign_attributions a JOIN campaign_deliveries d ON d.id = a.delivery_id
        WHERE a.campaign_id = ? AND d.variant IS NOT NULL AND a.order_status NOT IN (${VOIDED_ORDER_STATUSES.map(() => '?').join(', ')})
        GROUP BY d.variant`,
      [campaignId, ...VOIDED_ORDER_STATUSES],
    )) as Array<{ variant: number | string; orders: number | string }>;
    return Array.from({ length: contents }, (_, variant) => {
      const s = sent.find((r) => Number(r.variant) === variant);
      const o = orders.find((r) => Number(r.variant) === variant);
      const n = Number(s?.sent ?? 0);
      const clicked = Number(s?.clicked ?? 0);
      const orderCount = Number(o?.orders ?? 0);
      return {
        variant,
        sent: n,
        clicked,
        orders: orderCount,
        clickRate: n === 0 ? 0 : clicked / n,
        orderRate: n === 0 ? 0 : orderCount / n,
      };
    });
  }

  private async row(campaignId: string): Promise<AbRow | undefined> {
    const [row] = (await this.dataSource.query('SELECT * FROM campaign_ab_tests WHERE campaign_id = ?', [campaignId])) as AbRow[];
    return row;
  }
}
