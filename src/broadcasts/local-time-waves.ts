import type { DataSource } from 'typeorm';
import { isValidTimeZone, wallTimeToInstant } from '../common/local-time';
import type { SqlPredicate } from '../audience/segment-sql';
import type { Campaign } from './entities/campaign.entity';

/** One wave of a campaign sent at each subscriber's local hour: the moment (UTC) and who goes then. */
export interface LocalTimeWave {
  /** ISO 8601 (UTC): `localTime` on `date` in these zones. */
  at: string;
  /** IANA zones whose subscribers go at `at` (the fallback zone stands for those with none or an unknown one). */
  timezones: string[];
  /** Subscribers still waiting for this wave (before the fan-out: the campaign's audience now, segment applied). */
  waiting: number;
}

/**
 * The plan of a `{localTime, date}` campaign: when each time zone's wave goes and how many wait for it,
 * earliest first. The moments are the scheduler's own
 * (`wallTimeToInstant`, a zone with no valid zone falling back to the campaign's fallback zone, then the
 * Page's, then UTC), so the plan and the sends agree. Before the fan-out it counts `audience` (the
 * campaign's audience now, as AudienceService.campaignAudience gives it: the segment applied) by zone; after it, the delivery rows still pending for their local hour (no other reason),
 * so a wave whose moment has passed shows while its rows are being sent.
 */
export async function localTimeWaves(
  dataSource: DataSource,
  campaign: Campaign,
  pageTimezone: string,
  audience: () => Promise<SqlPredicate>,
): Promise<LocalTimeWave[]> {
  if (campaign.scheduleType !== 'local_time' || !campaign.localDate || !campaign.localTime) return [];
  const fallbackZone = [campaign.fallbackTimezone, pageTimezone].find((z): z is string => !!z && isValidTimeZone(z)) ?? 'UTC';
  const rows = (
    campaign.fanoutDone || campaign.fanoutCursor
      ? await dataSource.query(
          `SELECT s.timezone AS timezone, COUNT(*) AS n FROM campaign_deliveries d JOIN subscriptions s ON s.id = d.subscription_id
            WHERE d.campaign_id = ? AND d.status = 'pending' AND d.reason IS NULL GROUP BY s.timezone`,
          [campaign.id],
        )
      : await audience().then((where) =>
          dataSource.query(`SELECT timezone, COUNT(*) AS n FROM subscriptions WHERE ${where.sql} GROUP BY timezone`, where.params),
        )
  ) as Array<{ timezone: string | null; n: string | number }>;
  const waves = new Map<number, LocalTimeWave>();
  for (const row of rows) {
    const zone = row.timezone && isValidTimeZone(row.timezone) ? row.timezone : fallbackZone;
    const at = wallTimeToInstant(campaign.localDate, campaign.localTime, zone);
    const wave = waves.get(at.getTime()) ?? { at: at.toISOString(), timezones: [], waiting: 0 };
    if (!wave.timezones.includes(zone)) wave.timezones.push(zone);
    wave.waiting += Number(row.n);
    waves.set(at.getTime(), wave);
  }
  return [...waves.entries()].sort(([a], [b]) => a - b).map(([, wave]) => ({ ...wave, timezones: wave.timezones.sort() }));
}
