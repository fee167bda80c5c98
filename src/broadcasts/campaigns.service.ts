import { Injectable, Logger } from '@nestjs/common';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { randomUUID } from 'node:crypto';
import type { DataSource, Repository } from 'typeorm';
import type { GraphApiClient, GraphError } from '../../libs/graph-api/src';
import { AudienceService } from '../audience/audience.service';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/domain-error';
import { ValidationFailed } from '../common/http-error.filter';
import { deliveriesChoiceProblems } from './dto/resolve-deliveries.dto';
import { formatMoney, fromMetaUnits, mainUnitsToMinor, minorPerMetaUnit, toMetaUnits } from '../common/money';
import { SqlDialect } from '../database/sql-dialect';
import { PagesService } from '../pages/pages.service';
import { TopicsService } from '../topics/topics.service';
import { CampaignSignals } from './campaign-signals';
import { CampaignEvents } from './campaign-events';
import { isValidLocalDate, isValidTimeZone, localDateOf } from '../common/local-time';
import { checkRecurrenceRule } from './recurrence';
import { nextSchedulableDate, occurrenceFirstSend, SCHEDULE_MARGIN_MS } from './series-dates';
import { earliestLocalInstant } from './broadcast-time';
import { MetaCampaignSync, metaCampaignTag, type MetaIntent, type MetaSyncOutcome } from './meta-campaign-sync';
import { checkCampaignContent } from './campaign-content';
import { localTimeWaves } from './local-time-waves';
import type {
  CampaignEstimate,
  CampaignProgress,
  CreateCampaignDto,
  EstimateMeta,
  MetaInsights,
  RepeatCampaignDto,
  ScheduleCampaignDto,
  UpdateCampaignDto,
} from './dto/campaign.dto';
import { Campaign, type CampaignStatus, unstartedCampaignState } from './entities/campaign.entity';
import { CampaignWarmUp, WARM_UP_MS } from './campaign-warm-up';
import { AbTestsService } from '../results/ab-tests.service';
import type { DeliveryStatus } from './entities/campaign-delivery.entity';

export interface DeliveryListItem {
  id: string;
  subscriptionId: string;
  status: DeliveryStatus;
  reason: string | null;
  errorCode: number | null;
  errorMessage: string | null;
  attempts: number;
  /** When a pending row goes next: the next allowed moment when it waits (`reason` says why). */
  sendAfter: string;
  /** The subscriber's local day (`YYYY-MM-DD`) the message counted for, once sent. */
  localDay: string | null;
  trackingId: string | null;
  sentAt: string | null;
  deliveredAt: string | null;
  readAt: string | null;
}

/** Campaign CRUD, scheduling (with Meta's campaign and warm-up), control, estimate and progress. */
@Injectable()
export class CampaignsService {
  private readonly logger = new Logger(CampaignsService.name);
  private readonly repo: Repository<Campaign>;
  private readonly dialect: SqlDialect;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly pages: PagesService,
    private readonly topics: TopicsService,
    private readonly signals: CampaignSignals,
    private readonly clock: Clock,
    private readonly metaSync: MetaCampaignSync,
    private readonly events: CampaignEvents,
    private readonly audience: AudienceService,
    private readonly warmUp: CampaignWarmUp,
    private readonly abTests: AbTestsService,
  ) {
    this.repo = dataSource.getRepository(Campaign);
    this.dialect = new SqlDialect(dataSource);
  }

  async create(shopId: string, pageId: string, dto: CreateCampaignDto): Promise<Campaign> {
    const page = await this.pages.getForShop(shopId, pageId);
    const checked = checkCampaignContent(dto.content);
    if ('problems' in checked) throw new ValidationFailed(checked.problems);
    await this.topics.getForPage(pageId, dto.topicId);
    if (dto.budget) metaBudget(dto.budget.amount, page.currency);
    const audience = await this.audience.resolve(shopId, pageId, dto);
    const now = this.clock.now();
    const campaign = this.repo.create({
      ...unstartedCampaignState(now),
      id: randomUUID(),
      shopId,
      pageId,
      topicId: dto.topicId,
      name: dto.name,
      content: JSON.stringify(checked.content),
      onAlreadyMessaged: dto.onAlreadyMessaged ?? 'defer',
      budgetType: dto.budget?.type ?? null,
      budgetAmount: dto.budget?.amount ?? null,
      fallbackTimezone: null,
      pricePerMessage: page.pricePerMessage,
      currency: page.currency,
      recurrenceRule: null,
      recurrenceTime: null,
      recurrenceMode: null,
      recurrenceFrom: null,
      parentCampaignId: null,
      occurrenceDate: null,
      segmentId: audience.segmentId,
      segmentDefinition: audience.segmentId === null && audience.definition ? JSON.stringify(audience.definition) : null,
    });
    await this.repo.insert(campaign);
    return campaign;
  }

  async list(shopId: string, pageId: string): Promise<Campaign[]> {
    await this.pages.getForShop(shopId, pageId);
    return this.repo.find({ where: { pageId, shopId }, order: { createdAt: 'DESC' }, take: 200 });
  }

  async get(shopId: string, pageId: string, id: string): Promise<Campaign> {
    const campaign = await this.repo.findOne({ where: { id, pageId, shopId } });
    if (!campaign) throw notFound('Campaign', 'id');
    return campaign;
  }

  /**
   * Changes a campaign. Everything is checked before Meta is asked; a budget change of a campaign that has
   * its message campaign at Meta is written here first, with the change recorded as a Meta intent in the
   * same UPDATE, then sent to Meta within the user wait: `metaSync` says `pending` (answer 202) when Meta's
   * answer did not come in time (the reconciler finishes it), and a refusal puts our budget back (502/503).
   */
  async update(
    shopId: string,
    pageId: string,
    id: string,
    dto: UpdateCampaignDto,
  ): Promise<{ campaign: Campaign; outcome?: MetaSyncOutcome }> {
    const graph = this.metaSync.userWait();
    const campaign = await this.settled(shopId, pageId, id, graph);
    const changesAudience = dto.segmentId !== undefined || dto.segment !== undefined;
    const editable: CampaignStatus[] =
      dto.content !== undefined || dto.onAlreadyMessaged !== undefined || changesAudience ? ['draft'] : ['draft', 'scheduled', 'paused'];
    if (!editable.includes(campaign.status)) {
      throw new DomainError(
        409,
        'campaign_not_editable',
        `A ${campaign.status} campaign cannot be changed that way (content only in drafts; budget until it runs or while paused)`,
      );
    }
    const before = { budgetType: campaign.budgetType, budgetAmount: campaign.budgetAmount };
    if (dto.content !== undefined) {
      const checked = checkCampaignContent(dto.content);
      if ('problems' in checked) throw new ValidationFailed(checked.problems);
      campaign.content = JSON.stringify(checked.content);
    }
    if (changesAudience) {
      const audience = await this.audience.resolve(shopId, pageId, dto);
      campaign.segmentId = audience.segmentId;
      campaign.segmentDefinition = audience.segmentId === null && audience.definition ? JSON.stringify(audience.definition) : null;
    }
    if (dto.name !== undefined) campaign.name = dto.name;
    if (dto.onAlreadyMessaged !== undefined) campaign.onAlreadyMessaged = dto.onAlreadyMessaged;
    let intent: MetaIntent | undefined;
    if (dto.budget !== undefined) {
      const inMetaUnits = metaBudget(dto.budget.amount, campaign.currency);
      if (campaign.metaCampaignId) {
        intent = {
          op: 'update',
          fields: dto.budget.type === 'daily' ? { dailyBudget: inMetaUnits } : { lifetimeBudget: inMetaUnits },
          undo: before,
          askedAt: this.clock.now().toISOString(),
        };
      }
      campaign.budgetType = dto.budget.type;
      campaign.budgetAmount = dto.budget.amount;
    }
    campaign.updatedAt = this.clock.now();
    const changed = await this.repo.update(
      // Only the row we read: same status, and no other Meta change in flight.
      { id, status: campaign.status, metaSync: 'synced' },
      {
        content: campaign.content,
        name: campaign.name,
        onAlreadyMessaged: campaign.onAlreadyMessaged,
        segmentId: campaign.segmentId,
        segmentDefinition: campaign.segmentDefinition,
        budgetType: campaign.budgetType,
        budgetAmount: campaign.budgetAmount,
        updatedAt: campaign.updatedAt,
        ...(intent && this.metaSync.intentColumns(intent, campaign.updatedAt)),
      },
    );
    if (changed.affected !== 1)
      throw new DomainError(409, 'campaign_changed', 'The campaign was changed by another request; read it again');
    if (!intent) return { campaign: await this.get(shopId, pageId, id) };
    const outcome = await this.metaSync.attempt(id, graph, 'recorder');
    if (outcome?.state === 'refused') throw metaRefused('Meta did not accept the new budget', outcome.error);
    return { campaign: await this.get(shopId, pageId, id), ...(outcome && { outcome }) };
  }

  /**
   * The campaign, after one attempt (within the user's wait) at a Meta change still pending on it; a
   * change still pending after that refuses any other change with 409 `meta_sync_pending`.
   */
  private async settled(shopId: string, pageId: string, id: string, graph: GraphApiClient): Promise<Campaign> {
    const campaign = await this.get(shopId, pageId, id);
    if (campaign.metaSync !== 'pending') return campaign;
    await this.metaSync.attempt(id, graph, 'user');
    const now = await this.get(shopId, pageId, id);
    if (now.metaSync === 'pending') {
      throw new DomainError(409, 'meta_sync_pending', 'An earlier change is still being confirmed with Meta; try again in a minute', {
        attempts: now.metaSyncAttempts,
        lastError: now.metaSyncError,
        nextAttemptAt: now.metaSyncNextAt?.toISOString() ?? null,
      });
    }
    return now;
  }

  /**
   * Deletes a draft. An occurrence of a series that has not started (draft or scheduled) is not deleted but
   * skipped: canceled like POST …/cancel (its Meta campaign paused), its row kept, because the unique
   * (parent_campaign_id, occurrence_date) row is what tells RecurringCampaigns the date was made: without it
   * the next tick would make the date again. Errors: 409 `campaign_not_draft` for anything else.
   */
  async remove(shopId: string, pageId: string, id: string): Promise<void> {
    const campaign = await this.get(shopId, pageId, id);
    if (campaign.parentCampaignId !== null) {
      if (campaign.status !== 'draft' && campaign.status !== 'scheduled')
        throw new DomainError(
          409,
          'campaign_not_draft',
          `The occurrence is ${campaign.status}; only one that has not started can be deleted (skipped); cancel a running one instead`,
        );
      await this.cancel(shopId, pageId, id);
      this.logger.log({ msg: 'occurrence skipped', campaignId: id, seriesId: campaign.parentCampaignId, date: campaign.occurrenceDate });
      return;
    }
    if (campaign.status !== 'draft')
      throw new DomainError(409, 'campaign_not_draft', 'Only a draft can be deleted; cancel a scheduled or running campaign instead');
    await this.repo.delete({ id, status: 'draft' });
  }

  /**
   * Fixes when the campaign starts, shows the estimate, and creates its message campaign at Meta now,
   * so the hour of warm-up Meta requires has passed before the first send. A start closer than one
   * hour is refused (and says when it could be); with no time at all it starts as soon as allowed.
   * The create is recorded on the row (a Meta intent, with a name tag holding our id) before Meta is asked,
   * and all Graph calls together take at most the user wait: when Meta's answer does not come in time the
   * campaign stays scheduled with `metaSync` pending (202) and the create is finished by looking it up at
   * Meta first, by the reconciler or by scheduling again, which never makes a second Meta campaign.
   */
  async schedule(
    shopId: string,
    pageId: string,
    id: string,
    dto: ScheduleCampaignDto,
  ): Promise<{ campaign: Campaign; notice?: string; outcome?: MetaSyncOutcome }> {
    const graph = this.metaSync.userWait();
    const campaign = await this.get(shopId, pageId, id);
    if (campaign.status === 'scheduled' && campaign.metaSync === 'pending' && campaign.metaIntent?.includes('"op":"create"') === true) {
      // Scheduling again while Meta's create is unconfirmed finishes that create (looked up first), as first asked.
      const outcome = await this.metaSync.attempt(id, graph, 'user');
      if (outcome?.state === 'refused') throw metaRefused('Meta did not create the message campaign', outcome.error);
      return { campaign: await this.get(shopId, pageId, id), ...(outcome && { outcome }) };
    }
    if (campaign.status !== 'draft')
      throw new DomainError(409, 'campaign_not_draft', `The campaign is ${campaign.status}; only a draft can be scheduled`);
    const now = this.clock.now();
    const earliest = new Date(now.getTime() + this.warmUp.ms());
    const when = this.resolveSchedule(dto, earliest);
    if (when.startAt.getTime() < earliest.getTime()) {
      throw new DomainError(
        422,
        'warm_up_required',
        `Meta needs ${this.warmUpWords()} between creating the campaign and its first send: start at ${earliest.toISOString()} or later`,
        {
          field: when.type === 'at' ? 'at' : 'date',
          earliestStart: earliest.toISOString(),
        },
      );
    }
    const creds = await this.pages.marketingCredentials(pageId);
    const page = await this.pages.getForShop(shopId, pageId);
    // In the Page's currency, which the campaign takes on below.
    const budgetInMetaUnits = campaign.budgetAmount === null ? undefined : metaBudget(campaign.budgetAmount, page.currency);
    const estimate = await this.estimateFor(campaign, creds.systemUserToken, creds.adAccountId, page.pricePerMessage, page.currency, graph);
    const tag = metaCampaignTag(campaign.id);
    const intent: MetaIntent = {
      op: 'create',
      tag,
      input: {
        name: `${campaign.name} [${tag}]`,
        pageId,
        ...(campaign.budgetType === 'daily' && budgetInMetaUnits !== undefined && { dailyBudget: budgetInMetaUnits }),
        ...(campaign.budgetType === 'lifetime' && budgetInMetaUnits !== undefined && { lifetimeBudget: budgetInMetaUnits }),
        startTime: when.startAt.getTime(),
      },
      askedAt: now.toISOString(),
    };

    // The conditional update is the claim: two concurrent schedule calls cannot both create a Meta campaign.
    const claimed = await this.repo.update(
      { id, status: 'draft', metaSync: 'synced' },
      {
        status: 'scheduled',
        scheduleType: when.type,
        scheduledAt: when.startAt,
        localDate: when.type === 'local_time' ? dto.date! : null,
        localTime: when.type === 'local_time' ? dto.localTime! : null,
        fallbackTimezone: when.type === 'local_time' ? (dto.fallbackTimezone ?? page.timezone) : null,
        estimate: JSON.stringify(estimate),
        pricePerMessage: page.pricePerMessage,
        currency: page.currency,
        updatedAt: now,
        ...this.metaSync.intentColumns(intent, now),
      },
    );
    if (claimed.affected !== 1) throw new DomainError(409, 'campaign_not_draft', 'The campaign was scheduled by another request');
    const outcome = await this.metaSync.attempt(id, graph, 'recorder');
    if (outcome?.state === 'refused') throw metaRefused('Meta did not create the message campaign', outcome.error);
    return { campaign: await this.get(shopId, pageId, id), notice: when.notice, ...(outcome && { outcome }) };
  }

  /**
   * Makes a draft a series: it repeats on `dto.rule` (RFC 5545, checkRecurrence), sends nothing itself, and
   * RecurringCampaigns makes each date a campaign of its own (an occurrence) some hours before its first send.
   * `notice`: said when the rule's first dates send too soon for Meta's warm-up + SCHEDULE_MARGIN_MS and are
   * skipped, naming them and the first date that will be made (the tick skips them the same way).
   * Errors: 400 naming `rule` (also when no date is far enough ahead), `from` or `fallbackTimezone`; 409
   * `campaign_not_draft` (also for an occurrence).
   */
  async repeat(shopId: string, pageId: string, id: string, dto: RepeatCampaignDto): Promise<{ campaign: Campaign; notice?: string }> {
    const campaign = await this.get(shopId, pageId, id);
    if (campaign.status !== 'draft' || campaign.parentCampaignId !== null)
      throw new DomainError(
        409,
        'campaign_not_draft',
        `The campaign is ${campaign.status}; only a draft that is not an occurrence can repeat`,
      );
    const page = await this.pages.getForShop(shopId, pageId);
    if (dto.fallbackTimezone !== undefined && !isValidTimeZone(dto.fallbackTimezone))
      throw new ValidationFailed([
        { field: 'fallbackTimezone', rule: 'isTimeZone', message: 'fallbackTimezone must be an IANA time zone such as Asia/Manila' },
      ]);
    const from = dto.from ?? localDateOf(this.clock.now(), isValidTimeZone(page.timezone) ? page.timezone : 'UTC');
    if (!isValidLocalDate(from))
      throw new ValidationFailed([{ field: 'from', rule: 'isDate', message: 'from must be a calendar date (YYYY-MM-DD)' }]);
    const checked = checkRecurrenceRule(dto.rule, from, 'rule');
    if ('problems' in checked) throw new ValidationFailed(checked.problems);
    const now = this.clock.now();
    const fallbackTimezone = dto.fallbackTimezone ?? page.timezone;
    // The zone RecurringCampaigns reads for `page` mode: the series' fallback zone, else UTC (an invalid Page zone).
    const timing = {
      rule: checked.rule,
      from,
      time: dto.time,
      mode: dto.mode ?? 'local',
      zone: isValidTimeZone(fallbackTimezone) ? fallbackTimezone : 'UTC',
    };
    const soonest = this.warmUp.ms() + SCHEDULE_MARGIN_MS;
    const { date: first, skipped } = nextSchedulableDate(timing, undefined, now, this.warmUp.ms());
    const ahead = `Meta's warm-up + ${SCHEDULE_MARGIN_MS / 60_000} minutes: ${Math.ceil(soonest / 60_000)} minutes from now`;
    if (first === undefined)
      throw new ValidationFailed([
        { field: 'rule', rule: 'isRRule', message: `rule has no date whose first send is far enough ahead (${ahead})` },
      ]);
    const tooSoon = skipped.filter((date) => occurrenceFirstSend(timing, date).getTime() >= now.getTime());
    const changed = await this.repo.update(
      { id, status: 'draft', metaSync: 'synced' },
      {
        status: 'scheduled',
        recurrenceRule: checked.rule,
        recurrenceTime: dto.time,
        recurrenceMode: timing.mode,
        recurrenceFrom: from,
        fallbackTimezone,
        // A series has nothing to fan out: no worker ever walks its topic.
        fanoutDone: true,
        pricePerMessage: page.pricePerMessage,
        currency: page.currency,
        updatedAt: now,
      },
    );
    if (changed.affected !== 1) throw new DomainError(409, 'campaign_not_draft', 'The campaign was changed by another request');
    if (tooSoon.length === 0) return { campaign: await this.get(shopId, pageId, id) };
    for (const date of tooSoon)
      this.logger.warn({ msg: 'series date skipped: too soon for Meta warm-up', seriesId: id, date, firstDate: first });
    return {
      campaign: await this.get(shopId, pageId, id),
      notice: `Skipped ${tooSoon.join(', ')}: an occurrence's first send must be at least ${ahead}. The first occurrence is ${first}`,
    };
  }

  /** The occurrences of a series, newest date first. */
  async occurrences(shopId: string, pageId: string, id: string): Promise<Campaign[]> {
    await this.get(shopId, pageId, id);
    return this.repo.find({ where: { parentCampaignId: id, shopId }, order: { occurrenceDate: 'DESC' }, take: 200 });
  }

  private resolveSchedule(dto: ScheduleCampaignDto, earliest: Date): { type: 'at' | 'local_time'; startAt: Date; notice?: string } {
    if (dto.localTime !== undefined || dto.date !== undefined) {
      const problems = [];
      if (dto.at !== undefined) problems.push({ field: 'at', rule: 'exclusive', message: 'give either at, or localTime with date' });
      if (dto.localTime === undefined)
        problems.push({ field: 'localTime', rule: 'isNotEmpty', message: 'localTime is required with date' });
      if (dto.date === undefined) problems.push({ field: 'date', rule: 'isNotEmpty', message: 'date is required with localTime' });
      else if (!isValidLocalDate(dto.date))
        problems.push({ field: 'date', rule: 'isDate', message: 'date must be a calendar date (YYYY-MM-DD)' });
      if (dto.fallbackTimezone !== undefined && !isValidTimeZone(dto.fallbackTimezone)) {
        problems.push({
          field: 'fallbackTimezone',
          rule: 'isTimeZone',
          message: 'fallbackTimezone must be an IANA time zone such as Asia/Manila',
        });
      }
      if (problems.length) throw new ValidationFailed(problems);
      return { type: 'local_time', startAt: earliestLocalInstant(dto.date!, dto.localTime!) };
    }
    if (dto.fallbackTimezone !== undefined)
      throw new ValidationFailed([{ field: 'fallbackTimezone', rule: 'localTimeOnly', message: 'fallbackTimezone goes with localTime' }]);
    if (dto.at !== undefined) return { type: 'at', startAt: new Date(dto.at) };
    return {
      type: 'at',
      startAt: earliest,
      notice: `Starts at ${earliest.toISOString()}: Meta needs ${this.warmUpWords()} between creating the campaign and its first send`,
    };
  }

  /** Meta's warm-up as the messages say it: one hour, or the sandbox's shorter demo warm-up when one is set. */
  private warmUpWords(): string {
    const ms = this.warmUp.ms();
    return ms === WARM_UP_MS ? 'one hour' : `${Math.round(ms / 1000)} s here (the sandbox's demo warm-up; Meta's is one hour)`;
  }

  async pause(shopId: string, pageId: string, id: string): Promise<Campaign> {
    await this.get(shopId, pageId, id);
    const changed = await this.dataSource.transaction(async (em) => {
      const paused = await SqlDialect.execute(
        em,
        `UPDATE campaigns SET status = 'paused', pause_reason = 'paused_by_shop', pause_message = NULL, resume_at = NULL, updated_at = ? WHERE id = ? AND status IN ('scheduled', 'running') AND recurrence_rule IS NULL`,
        [this.dialect.time(this.clock.now()), id],
      );
      if (paused === 1) await this.events.paused(em, id, 'paused_by_shop');
      return paused;
    });
    // A series is stopped by canceling it: paused and resumed it would look like a campaign that ran and ended.
    return this.afterControl(
      shopId,
      pageId,
      id,
      changed,
      'paused',
      'Only a scheduled or running campaign that is not a series can be paused',
    );
  }

  /** Back to running (or scheduled, if it had not started); a budget pause needs a higher budget first. */
  async resume(shopId: string, pageId: string, id: string): Promise<Campaign> {
    const campaign = await this.get(shopId, pageId, id);
    if (
      campaign.status === 'paused' &&
      campaign.pauseReason === 'budget_reached' &&
      campaign.budgetAmount !== null &&
      campaign.spend + campaign.pricePerMessage > campaign.budgetAmount
    ) {
      // Said the shop's way (its locale, the campaign's currency): this message is shown on the shop's screen.
      const { locale } = await this.pages.moneyStyle(pageId);
      const money = (minor: number): string => formatMoney(minor, { locale, currency: campaign.currency });
      throw new DomainError(
        409,
        'budget_reached',
        `The campaign spent ${money(campaign.spend)} of its ${money(campaign.budgetAmount)} budget: raise the budget (PATCH budget) before resuming`,
        { field: 'budget' },
      );
    }
    const changed = await SqlDialect.execute(
      this.dataSource,
      `UPDATE campaigns SET status = CASE WHEN started_at IS NULL THEN 'scheduled' ELSE 'running' END, pause_reason = NULL, pause_message = NULL,
         resume_at = NULL, hold_until = NULL, updated_at = ? WHERE id = ? AND status = 'paused'`,
      [this.dialect.time(this.clock.now()), id],
    );
    return this.afterControl(shopId, pageId, id, changed, 'resumed', 'Only a paused campaign can be resumed');
  }

  /**
   * Stops it for good: workers stop claiming at their next batch; pending recipients become canceled. Its
   * message campaign at Meta is paused through a Meta intent recorded with the cancel (a pending create is
   * kept: it then only looks the campaign up at Meta and pauses what it finds), within the user wait.
   */
  async cancel(shopId: string, pageId: string, id: string): Promise<{ campaign: Campaign; outcome?: MetaSyncOutcome }> {
    const now = this.clock.now();
    const before = await this.get(shopId, pageId, id);
    // A budget change still pending at Meta goes along with the pause, so the two sides end the same.
    const pending = before.metaSync === 'pending' && before.metaIntent !== null ? (JSON.parse(before.metaIntent) as MetaIntent) : undefined;
    const createPending = pending?.op === 'create';
    const pause: MetaIntent = {
      op: 'update',
      fields: { ...(pending?.op === 'update' && pending.fields), status: 'PAUSED' },
      askedAt: now.toISOString(),
    };
    const intent = !createPending && before.metaCampaignId ? this.metaSync.intentColumns(pause, now) : undefined;
    const changed = await SqlDialect.execute(
      this.dataSource,
      `UPDATE campaigns SET status = 'canceled', finished_at = ?, updated_at = ?${
        intent ? ', meta_sync = ?, meta_intent = ?, meta_sync_next_at = ?, meta_sync_attempts = 1, meta_sync_error = NULL' : ''
      } WHERE id = ? AND status IN ('draft', 'scheduled', 'running', 'paused')`,
      [
        this.dialect.time(now),
        this.dialect.time(now),
        ...(intent ? [intent.metaSync, intent.metaIntent, this.dialect.time(intent.metaSyncNextAt!)] : []),
        id,
      ],
    );
    const campaign = await this.afterControl(
      shopId,
      pageId,
      id,
      changed,
      'canceled',
      'A completed or canceled campaign cannot be canceled',
    );
    if (!intent && !createPending) return { campaign };
    // Our workers stop whatever Meta says; pausing it at Meta keeps Meta from holding an active campaign of ours.
    const outcome = await this.metaSync.attempt(id, this.metaSync.userWait(), intent ? 'recorder' : 'user');
    if (outcome?.state === 'refused')
      this.logger.warn({ msg: 'Meta refused to pause the canceled campaign', campaignId: id, kind: outcome.error.kind });
    return { campaign: await this.get(shopId, pageId, id), ...(outcome && { outcome }) };
  }

  private async afterControl(
    shopId: string,
    pageId: string,
    id: string,
    changed: number,
    what: string,
    refusal: string,
  ): Promise<Campaign> {
    const campaign = await this.get(shopId, pageId, id);
    if (changed !== 1) throw new DomainError(409, 'campaign_state', `${refusal} (it is ${campaign.status})`, { status: campaign.status });
    if (campaign.status === 'paused' || campaign.status === 'canceled') this.signals.stopped(id);
    this.logger.log({ msg: `campaign ${what}`, campaignId: id });
    return campaign;
  }

  /**
   * Meta's delivery/cost estimate beside ours (audience × the Page's price per message). Meta estimates for
   * the Page's subscribers within the campaign's budget; ours counts the topic's active subscribers in its segment.
   */
  async estimate(shopId: string, pageId: string, id: string): Promise<CampaignEstimate> {
    const campaign = await this.get(shopId, pageId, id);
    const page = await this.pages.getForShop(shopId, pageId);
    const creds = await this.pages.marketingCredentials(pageId);
    return this.estimateFor(
      campaign,
      creds.systemUserToken,
      creds.adAccountId,
      page.pricePerMessage,
      page.currency,
      this.metaSync.userWait(),
    );
  }

  private async estimateFor(
    campaign: Campaign,
    token: string,
    adAccountId: string,
    price: number,
    currency: string,
    graph: GraphApiClient,
  ): Promise<CampaignEstimate> {
    const now = this.clock.now();
    // The topic's active subscribers narrowed by the campaign's segment, as the fan-out would take them now.
    const audience = await this.audience.countCampaignAudience(campaign, now);
    // Budgets go to Meta in its unit for the currency; Meta states costs the same way, the API in minor units.
    const budget = campaign.budgetAmount === null ? undefined : metaBudget(campaign.budgetAmount, currency);
    const meta = await graph.getDeliveryEstimate(token, adAccountId, {
      pageId: campaign.pageId,
      ...(campaign.budgetType === 'daily' && budget !== undefined && { dailyBudget: budget }),
      ...(campaign.budgetType === 'lifetime' && budget !== undefined && { lifetimeBudget: budget }),
    });
    const inMinor = (n: number | undefined): number | undefined => (n === undefined ? undefined : fromMetaUnits(n, currency));
    return {
      audience,
      currency,
      ours: { pricePerMessage: price, cost: audience * price },
      meta: meta.ok
        ? withoutUndefined({
            deliveryLowerBound: meta.value.deliveryLowerBound,
            deliveryUpperBound: meta.value.deliveryUpperBound,
            costLowerBound: inMinor(meta.value.costLowerBound),
            costUpperBound: inMinor(meta.value.costUpperBound),
            status: meta.value.status,
          })
        : { error: meta.error.kind },
      at: now.toISOString(),
    };
  }

  /** Readable while it runs: one grouped count over the campaign's delivery rows. */
  async progress(shopId: string, pageId: string, id: string): Promise<CampaignProgress> {
    const campaign = await this.get(shopId, pageId, id);
    const now = this.clock.now();
    const rows = (await this.dataSource.query(
      `SELECT status, reason, COUNT(*) AS n,
              SUM(CASE WHEN delivered_at IS NULL THEN 0 ELSE 1 END) AS delivered,
              SUM(CASE WHEN read_at IS NULL THEN 0 ELSE 1 END) AS seen,
              SUM(CASE WHEN clicked_at IS NULL THEN 0 ELSE 1 END) AS clicked,
              MIN(send_after) AS next_at
         FROM campaign_deliveries WHERE campaign_id = ? GROUP BY status, reason`,
      [id],
    )) as Array<{
      status: DeliveryStatus;
      reason: string | null;
      n: string | number;
      delivered: string | number | null;
      seen: string | number | null;
      clicked: string | number | null;
      next_at: unknown;
    }>;
    const p: CampaignProgress = {
      campaignId: id,
      status: campaign.status,
      pause:
        campaign.status === 'paused'
          ? { reason: campaign.pauseReason, message: campaign.pauseMessage, resumeAt: campaign.resumeAt?.toISOString() ?? null }
          : null,
      fanoutDone: campaign.fanoutDone,
      audience: 0,
      pending: 0,
      sending: 0,
      sent: 0,
      delivered: 0,
      read: 0,
      clicked: 0,
      failed: 0,
      failedByReason: {},
      skipped: 0,
      skippedByReason: {},
      waitingByReason: {},
      waves: [],
      uncertain: 0,
      canceled: 0,
      cost: { currency: campaign.currency, spent: campaign.spend, budget: campaign.budgetAmount },
      ratePerSecond: 0,
      secondsLeft: null,
    };
    let held = 0;
    for (const r of rows) {
      const n = Number(r.n);
      p.audience += n;
      p.delivered += Number(r.delivered ?? 0);
      p.read += Number(r.seen ?? 0);
      p.clicked += Number(r.clicked ?? 0);
      switch (r.status) {
        case 'pending':
          p.pending += n;
          // A reason on a pending row means it waits for a later moment (already messaged today, Meta's 12 h, a retry…).
          if (r.reason) p.waitingByReason[r.reason] = { count: n, nextAt: SqlDialect.parseTime(r.next_at).toISOString() };
          break;
        case 'held':
          // An A/B test's rest: sent the winning content once the test is decided (src/results/ab-tests.service.ts).
          // Their send_after is the campaign's start, long past: they go at the decision (nextAt, below).
          p.pending += n;
          held = n;
          break;
        case 'sending':
          p.sending += n;
          break;
        case 'sent':
          p.sent += n;
          break;
        case 'skipped':
          p.skipped += n;
          p.skippedByReason[r.reason ?? 'unknown'] = (p.skippedByReason[r.reason ?? 'unknown'] ?? 0) + n;
          break;
        case 'failed':
          p.failed += n;
          p.failedByReason[r.reason ?? 'unknown'] = (p.failedByReason[r.reason ?? 'unknown'] ?? 0) + n;
          break;
        case 'uncertain':
          p.uncertain += n;
          break;
        case 'canceled':
          p.canceled += n;
          break;
      }
    }
    if (campaign.scheduleType === 'local_time' && (campaign.status === 'scheduled' || campaign.status === 'running')) {
      const page = await this.pages.getForShop(shopId, pageId);
      p.waves = await localTimeWaves(this.dataSource, campaign, page.timezone, () => this.audience.campaignAudience(campaign, now));
    }
    const decisionAt = held > 0 ? await this.abTests.decisionAt(id, now) : undefined;
    if (decisionAt) p.waitingByReason.ab_test_winner = { count: held, nextAt: decisionAt.toISOString() };
    // Neither the last local-time wave nor an A/B test's held rows can go before their moment: the later of
    // the two is the least time left.
    const secondsUntil = (at: number): number => Math.max(0, Math.ceil((at - now.getTime()) / 1000));
    const untilLastWave = p.waves.length > 0 ? secondsUntil(Date.parse(p.waves[p.waves.length - 1]!.at)) : null;
    const untilDecision = decisionAt ? secondsUntil(decisionAt.getTime()) : null;
    const leastLeft = untilLastWave === null && untilDecision === null ? null : Math.max(untilLastWave ?? 0, untilDecision ?? 0);
    if (campaign.status === 'scheduled') {
      p.secondsLeft = leastLeft;
    } else if (campaign.status === 'running') {
      const [recent] = (await this.dataSource.query(
        `SELECT COUNT(*) AS n FROM campaign_deliveries WHERE campaign_id = ? AND status = 'sent' AND sent_at >= ?`,
        [id, this.dialect.time(new Date(now.getTime() - 60_000))],
      )) as Array<{ n: string | number }>;
      p.ratePerSecond = Math.round((Number(recent?.n ?? 0) / 60) * 10) / 10;
      const left = p.pending + p.sending;
      p.secondsLeft = left === 0 ? 0 : p.ratePerSecond > 0 ? Math.max(Math.ceil(left / p.ratePerSecond), leastLeft ?? 0) : leastLeft;
    } else if (campaign.status === 'completed' || campaign.status === 'canceled') {
      p.secondsLeft = 0;
    }
    return p;
  }

  /** Meta's insights for the campaign's message campaign, beside our own counts. */
  async insights(
    shopId: string,
    pageId: string,
    id: string,
  ): Promise<{ meta: MetaInsights | { error: string } | null; ours: CampaignProgress }> {
    const campaign = await this.get(shopId, pageId, id);
    const ours = await this.progress(shopId, pageId, id);
    if (!campaign.metaCampaignId) return { meta: null, ours };
    const creds = await this.pages.marketingCredentials(pageId);
    const result = await this.metaSync
      .userWait()
      .getCampaignInsights(creds.systemUserToken, campaign.metaCampaignId, { datePreset: 'maximum' });
    if (!result.ok) return { meta: { error: result.error.kind }, ours };
    // Insights give money as main-unit decimals ("31.40"); the API states minor units.
    const { spend, costPerDelivered, ...counts } = result.value;
    return {
      meta: {
        ...counts,
        spend: mainUnitsToMinor(spend, campaign.currency),
        costPerDelivered: mainUnitsToMinor(costPerDelivered, campaign.currency),
      },
      ours,
    };
  }

  /**
   * The shop's decision on the campaign's `uncertain` deliveries (see ResolveDeliveriesDto): `resend`
   * makes them pending, due now (their daily_sends days stay theirs, as for a retry); a completed campaign
   * runs again to send them, a paused one sends them when resumed. `leave` marks them `left_by_shop`.
   * Errors: 400 naming `deliveryIds`/`all` unless exactly one is given; 409 `not_uncertain` naming
   * `deliveryIds` when a listed id is not an uncertain delivery of this campaign (nothing is changed);
   * 409 when a canceled campaign is asked to resend.
   */
  async resolveUncertain(
    shopId: string,
    pageId: string,
    id: string,
    dto: { action: 'resend' | 'leave'; deliveryIds?: string[]; all?: boolean },
  ): Promise<{ action: 'resend' | 'leave'; resolved: number }> {
    const campaign = await this.get(shopId, pageId, id);
    const ids = dto.deliveryIds;
    const choice = deliveriesChoiceProblems(ids, dto.all);
    if (choice.length) throw new ValidationFailed(choice);
    if (dto.action === 'resend' && campaign.status === 'canceled')
      throw new DomainError(409, 'campaign_canceled', 'A canceled campaign sends nothing more', { field: 'action' });
    const now = this.dialect.time(this.clock.now());
    return this.dataSource.transaction(async (manager) => {
      let where = `campaign_id = ? AND status = 'uncertain'`;
      const params: unknown[] = [id];
      if (ids) {
        const unique = [...new Set(ids)];
        const found = (await manager.query(
          `SELECT id FROM campaign_deliveries WHERE campaign_id = ? AND status = 'uncertain' AND id IN (${unique.map(() => '?').join(',')})`,
          [id, ...unique],
        )) as Array<{ id: string | number }>;
        const known = new Set(found.map((r) => String(r.id)));
        const missing = unique.filter((x) => !known.has(x));
        if (missing.length > 0)
          throw new DomainError(409, 'not_uncertain', `Not uncertain deliveries of this campaign: ${missing.slice(0, 20).join(', ')}`, {
            field: 'deliveryIds',
            ids: missing.slice(0, 100),
          });
        where += ` AND id IN (${unique.map(() => '?').join(',')})`;
        params.push(...unique);
      }
      const resolved =
        dto.action === 'resend'
          ? await SqlDialect.execute(
              manager,
              `UPDATE campaign_deliveries SET status = 'pending', send_after = ?, reason = 'resend_requested', error_code = NULL, error_message = NULL,
                 lease_owner = NULL, lease_until = NULL, attempted_at = NULL, updated_at = ? WHERE ${where}`,
              [now, now, ...params],
            )
          : await SqlDialect.execute(manager, `UPDATE campaign_deliveries SET reason = 'left_by_shop', updated_at = ? WHERE ${where}`, [
              now,
              ...params,
            ]);
      if (dto.action === 'resend' && resolved > 0)
        await manager.query(
          `UPDATE campaigns SET status = 'running', finished_at = NULL, updated_at = ? WHERE id = ? AND status = 'completed'`,
          [now, id],
        );
      if (resolved > 0) this.logger.log({ msg: 'uncertain deliveries resolved by the shop', campaignId: id, action: dto.action, resolved });
      return { action: dto.action, resolved };
    });
  }

  /** One keyset page of a campaign's delivery rows, e.g. the uncertain ones for the shop to look at. */
  async deliveries(
    shopId: string,
    pageId: string,
    id: string,
    status: DeliveryStatus | undefined,
    after: string | undefined,
    limit: number,
  ): Promise<{ items: DeliveryListItem[]; nextCursor: string | null }> {
    await this.get(shopId, pageId, id);
    const params: unknown[] = [id];
    let where = 'campaign_id = ?';
    if (status) {
      where += ' AND status = ?';
      params.push(status);
    }
    if (after) {
      where += ' AND id > ?';
      params.push(after);
    }
    const rows = (await this.dataSource.query(
      `SELECT id, subscription_id, status, reason, error_code, error_message, attempts, send_after, local_day, tracking_id, sent_at, delivered_at, read_at
         FROM campaign_deliveries WHERE ${where} ORDER BY id LIMIT ${limit + 1}`,
      params,
    )) as Array<Record<string, unknown>>;
    const iso = (v: unknown): string | null => SqlDialect.parseOptionalTime(v)?.toISOString() ?? null;
    const items = rows.slice(0, limit).map((r) => ({
      id: String(r.id),
      subscriptionId: String(r.subscription_id),
      status: r.status as DeliveryStatus,
      reason: (r.reason as string | null) ?? null,
      errorCode: r.error_code === null || r.error_code === undefined ? null : Number(r.error_code),
      errorMessage: (r.error_message as string | null) ?? null,
      attempts: Number(r.attempts),
      sendAfter: SqlDialect.parseTime(r.send_after).toISOString(),
      localDay: (r.local_day as string | null) ?? null,
      trackingId: (r.tracking_id as string | null) ?? null,
      sentAt: iso(r.sent_at),
      deliveredAt: iso(r.delivered_at),
      readAt: iso(r.read_at),
    }));
    return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
  }
}

/**
 * A budget in minor units as Meta's integer unit for the ad account's currency
 * (https://developers.facebook.com/docs/marketing-api/currencies), or a 400 on budget.amount when
 * Meta cannot hold it exactly (Meta counts HUF in whole forints: 12345 fillér has no equivalent).
 */
function metaBudget(amount: number, currency: string): number {
  const inMetaUnits = toMetaUnits(amount, currency);
  if (inMetaUnits !== undefined) return inMetaUnits;
  const step = minorPerMetaUnit(currency);
  throw new ValidationFailed([
    {
      field: 'budget.amount',
      rule: 'metaCurrencyUnit',
      message: `budget.amount must be a multiple of ${step}: Meta counts ${currency} budgets in units of ${step} minor units`,
    },
  ]);
}

const withoutUndefined = (estimate: EstimateMeta): EstimateMeta =>
  Object.fromEntries(Object.entries(estimate).filter(([, v]) => v !== undefined)) as EstimateMeta;

function metaRefused(what: string, error: GraphError): DomainError {
  return new DomainError(
    error.kind === 'transient' || error.kind === 'rate_limited' ? 503 : 502,
    'meta_refused',
    `${what}: ${error.message}`,
    { kind: error.kind, code: error.code },
  );
}
