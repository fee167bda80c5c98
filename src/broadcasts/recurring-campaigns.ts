import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { isValidTimeZone, type LocalDate } from '../common/local-time';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { SqlDialect } from '../database/sql-dialect';
import { PagesService } from '../pages/pages.service';
import { CampaignsService } from './campaigns.service';
import { CampaignWarmUp } from './campaign-warm-up';
import { Campaign, unstartedCampaignState } from './entities/campaign.entity';
import { nextSchedulableDate, occurrenceFirstSend, type SeriesTiming } from './series-dates';

/** An occurrence is made (and its Meta campaign created) this long before its first send. */
export const OCCURRENCE_LEAD_MS = 6 * 3_600_000;

/**
 * Makes the occurrences of recurring campaigns (series): each occurrence is a campaign of its own (its own
 * Meta campaign, budget, audience, progress and results), a copy of the series for one date of its rule,
 * scheduled OCCURRENCE_LEAD_MS before its first send, at the series' time of day either in each recipient's
 * zone (`local`: the local-time scheduling of any campaign) or in the Page's zone for everyone (`page`).
 *
 * Every process may tick: the unique (parent_campaign_id, occurrence_date) key lets one insert of an
 * occurrence win (a duplicate key is "already made"), and scheduling is CampaignsService.schedule's own
 * claim (draft → scheduled), so an occurrence left a draft by a crash is scheduled by the next tick,
 * once. A date whose first send is sooner than Meta's warm-up + SCHEDULE_MARGIN_MS (the series was made
 * too close to it, or the scheduler was down) is skipped and the series goes on with the next date; the
 * skip is logged once, by the process whose insert makes that next date (or completes the series).
 */
@Injectable()
export class RecurringCampaigns {
  private readonly logger = new Logger(RecurringCampaigns.name);
  private readonly repo: Repository<Campaign>;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly pages: PagesService,
    private readonly clock: Clock,
    private readonly warmUp: CampaignWarmUp,
  ) {
    this.repo = dataSource.getRepository(Campaign);
  }

  /** One pass over the live series: makes and schedules the occurrences now due. Returns the occurrences scheduled. */
  async tick(): Promise<string[]> {
    const series = await this.repo
      .createQueryBuilder('c')
      .where("c.recurrence_rule IS NOT NULL AND c.status IN ('scheduled', 'running')")
      .orderBy('c.created_at')
      .limit(100)
      .getMany();
    const scheduled: string[] = [];
    for (const s of series) {
      try {
        scheduled.push(...(await this.advance(s)));
      } catch (error) {
        this.logger.error({ msg: 'occurrence not made', seriesId: s.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return scheduled;
  }

  private async advance(series: Campaign): Promise<string[]> {
    const now = this.clock.now();
    const done: string[] = [];
    // Occurrences a crash left unscheduled first (schedule's claim makes a concurrent retry a 409).
    const drafts = await this.repo.find({ where: { parentCampaignId: series.id, status: 'draft' } });
    for (const d of drafts) if (await this.scheduleOccurrence(series, d)) done.push(d.id);

    const [last] = (await this.dataSource.query('SELECT MAX(occurrence_date) AS d FROM campaigns WHERE parent_campaign_id = ?', [
      series.id,
    ])) as Array<{ d: string | null }>;
    const timing = await this.timingOf(series);
    const { date: next, skipped } = nextSchedulableDate(timing, last?.d ?? undefined, now, this.warmUp.ms());
    if (next === undefined) {
      const ended = await this.repo.update(
        { id: series.id, status: series.status },
        { status: 'completed', finishedAt: now, updatedAt: now },
      );
      if (ended.affected === 1) this.logSkipped(series, timing, skipped);
      this.logger.log({ msg: 'series has no more dates', seriesId: series.id });
      return done;
    }
    if (occurrenceFirstSend(timing, next).getTime() - now.getTime() > OCCURRENCE_LEAD_MS) return done;
    const occurrence = this.occurrenceOf(series, next, now);
    try {
      await this.repo.insert(occurrence);
    } catch (error) {
      if (SqlDialect.isDuplicateKey(error)) return done; // another process made it (and logged the skipped dates)
      throw error;
    }
    this.logSkipped(series, timing, skipped);
    this.logger.log({ msg: 'occurrence made', seriesId: series.id, campaignId: occurrence.id, date: next });
    if (await this.scheduleOccurrence(series, occurrence)) done.push(occurrence.id);
    return done;
  }

  private async timingOf(series: Campaign): Promise<SeriesTiming> {
    return {
      rule: series.recurrenceRule!,
      from: series.recurrenceFrom!,
      time: series.recurrenceTime!,
      mode: series.recurrenceMode!,
      zone: await this.zoneOf(series),
    };
  }

  private async zoneOf(series: Campaign): Promise<string> {
    if (series.fallbackTimezone && isValidTimeZone(series.fallbackTimezone)) return series.fallbackTimezone;
    const page = await this.pages.findById(series.pageId);
    return page?.timezone && isValidTimeZone(page.timezone) ? page.timezone : 'UTC';
  }

  /** One line per skipped date; dates before the campaign was created were not skipped, the series did not exist yet. */
  private logSkipped(series: Campaign, timing: SeriesTiming, skipped: LocalDate[]): void {
    for (const date of skipped)
      if (occurrenceFirstSend(timing, date).getTime() > series.createdAt.getTime())
        this.logger.warn({ msg: 'occurrence skipped: too late for Meta warm-up', seriesId: series.id, date });
  }

  private async scheduleOccurrence(series: Campaign, occurrence: Campaign): Promise<boolean> {
    const date = occurrence.occurrenceDate!;
    try {
      await this.campaigns.schedule(
        series.shopId,
        series.pageId,
        occurrence.id,
        series.recurrenceMode === 'local'
          ? { localTime: series.recurrenceTime!, date, ...(series.fallbackTimezone && { fallbackTimezone: series.fallbackTimezone }) }
          : { at: occurrenceFirstSend(await this.timingOf(series), date).toISOString() },
      );
      return true;
    } catch (error) {
      if (error instanceof DomainError && error.status === 409) return false; // scheduled by another process
      if (error instanceof DomainError && error.code === 'warm_up_required') {
        await this.repo.update({ id: occurrence.id, status: 'draft' }, { status: 'canceled', updatedAt: this.clock.now() });
        this.logger.warn({ msg: 'occurrence skipped: too late for Meta warm-up', seriesId: series.id, campaignId: occurrence.id, date });
        return false;
      }
      throw error;
    }
  }

  private occurrenceOf(series: Campaign, date: LocalDate, now: Date): Campaign {
    return {
      ...series,
      ...unstartedCampaignState(now),
      id: randomUUID(),
      name: `${series.name.slice(0, 185)} (${date})`,
      recurrenceRule: null,
      recurrenceTime: null,
      recurrenceMode: null,
      recurrenceFrom: null,
      parentCampaignId: series.id,
      occurrenceDate: date,
    };
  }
}
