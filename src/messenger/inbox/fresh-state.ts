import { Injectable, Logger } from '@nestjs/common';
import { InjectPluginDataSource } from '../../database/plugin-data-source';
import type { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { SqlDialect } from '../../database/sql-dialect';
import { InboxProcessor, WANTED_AT } from './inbox-processor.service';
import { subjectProbe } from './webhook-subjects';

/**
 * How long (real time, ms) a decision waits at most for acknowledged deliveries about its people to be
 * applied. In a worker process the decision applies them itself and waits only for rows another process
 * holds mid-batch (milliseconds; a batch is one short transaction). An `api`-only process waits for a
 * worker to take the rows it marked wanted (a 100 ms poll, then one batch): 5 s leaves room for a busy
 * 2-core box and stays far inside a POS's HTTP timeout (commonly 30 s).
 */
export const FRESH_STATE_WAIT_MS = 5_000;
/** How soon (by the injected clock, ms) a caller that got `applied: false` should ask again. */
export const FRESH_STATE_RETRY_MS = 5_000;
/** Real time between two looks at rows other processes are applying. */
const POLL_MS = 25;
/** Rows applied per claim here: one short transaction each, like the processor's own batches. */
const APPLY_BATCH = 50;

export type Freshness =
  /** Nothing Meta was answered for concerns these people any more (`waited`: something had to be applied first). */
  | { applied: true; waited: boolean }
  /** Still unapplied after FRESH_STATE_WAIT_MS: decide nothing about `psids` before `retryAt`. */
  | { applied: false; waited: true; psids: Set<string>; retryAt: Date };

interface UnappliedRow {
  id: string;
  status: 'pending' | 'processing';
  leaseUntil: Date | null;
  subjects: string | null;
}

/**
 * Webhook intake answers Meta before it processes (durable first, InboxProcessor later), so state that
 * webhooks move (a person's messaging window, a subscription's status) can lag what Meta was already told
 * we have. A decision that reads such state asks here first: are there deliveries about this person that
 * are acknowledged but not yet applied? If so it applies them itself where it may (a `worker` process:
 * the processor's atomic claim, so each row is still processed once across processes, idempotently), or
 * marks them wanted and waits for a worker (an `api`-only process only stores), bounded by
 * FRESH_STATE_WAIT_MS.
 *
 * Which rows concern whom is `webhook_inbox.subjects`, written at intake (webhookSubjects). A row that
 * already failed in a listener and waits for its retry is not waited for: it is a logged fault the inbox
 * retries on its own schedule, and waiting cannot fix it.
 */
@Injectable()
export class FreshState {
  private readonly logger = new Logger(FreshState.name);
  private readonly dialect: SqlDialect;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly processor: InboxProcessor,
    private readonly clock: Clock,
  ) {
    this.dialect = new SqlDialect(dataSource);
  }

  /** For one person (PSID or IGSID) of a Page: see awaitApplied. */
  forPerson(pageId: string, psid: string): Promise<Freshness> {
    return this.awaitApplied(pageId, [psid]);
  }

  /**
   * Resolves once no acknowledged delivery naming any of `psids` (of the Page `pageId`) is left
   * unapplied, or after FRESH_STATE_WAIT_MS with the people still waiting on one. With no `psids`, every
   * delivery naming the Page counts (a fan-out over the Page's whole audience).
   */
  async awaitApplied(pageId: string, psids: readonly string[]): Promise<Freshness> {
    const deadline = performance.now() + FRESH_STATE_WAIT_MS;
    const wanted = new Set(psids);
    // One person: their own id is the selective probe. Several: the Page's rows, matched here.
    const probe = subjectProbe(psids.length === 1 ? psids[0]! : pageId);
    const concerns = (subjects: string | null): boolean =>
      subjects === null || wanted.size === 0 || subjects.split(',').some((id) => wanted.has(id));
    let waited = false;
    let marked = new Set<string>();
    for (;;) {
      const rows = (await this.unapplied(probe)).filter((row) => concerns(row.subjects));
      if (rows.length === 0) return { applied: true, waited };
      waited = true;
      if (performance.now() >= deadline) return this.gaveUp(pageId, rows, wanted);
      if (this.processor.processesHere) {
        const now = this.clock.now().getTime();
        const ours = rows.filter((row) => row.status === 'pending' || (row.leaseUntil !== null && row.leaseUntil.getTime() < now));
        if (ours.length > 0) {
          await this.processor.applyNow(ours.slice(0, APPLY_BATCH).map((row) => row.id));
          continue;
        }
      } else {
        marked = await this.markWanted(rows, marked);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async unapplied(probe: string): Promise<UnappliedRow[]> {
    // Walks the unapplied rows only (ix_webhook_inbox_due); the status IN is what keeps a week of done rows out.
    const rows = (await this.dataSource.query(
      `SELECT id, status, lease_until, subjects FROM webhook_inbox
       WHERE status IN ('pending', 'processing') AND (status = 'processing' OR last_error IS NULL)
         AND (subjects IS NULL OR INSTR(subjects, ?) > 0)`,
      [probe],
    )) as Array<{ id: string | number; status: UnappliedRow['status']; lease_until: unknown; subjects: string | null }>;
    return rows.map((r) => ({
      id: String(r.id),
      status: r.status,
      leaseUntil: SqlDialect.parseOptionalTime(r.lease_until),
      subjects: r.subjects,
    }));
  }

  /** Once per row: workers poll for WANTED_AT and take these ahead of everything else. */
  private async markWanted(rows: UnappliedRow[], marked: Set<string>): Promise<Set<string>> {
    const ids = rows.filter((row) => row.status === 'pending' && !marked.has(row.id)).map((row) => row.id);
    if (ids.length === 0) return marked;
    await this.dataSource.query(
      `UPDATE ${this.dialect.byPrimaryKey('webhook_inbox')} SET next_attempt_at = ?
       WHERE id IN (${ids.map(() => '?').join(', ')}) AND status = 'pending' AND last_error IS NULL`,
      [this.dialect.time(WANTED_AT), ...ids],
    );
    return new Set([...marked, ...ids]);
  }

  private gaveUp(pageId: string, rows: UnappliedRow[], wanted: Set<string>): Freshness {
    // The people still waiting on one of the rows (all of them if a row predates `subjects`).
    const named = rows.some((row) => row.subjects === null) ? wanted : new Set(rows.flatMap((row) => row.subjects!.split(',')));
    const psids = new Set([...wanted].filter((psid) => named.has(psid)));
    this.logger.warn({
      msg: 'acknowledged webhook deliveries still unapplied: decision deferred',
      pageId,
      inboxIds: rows.slice(0, 20).map((row) => row.id),
      waitedMs: FRESH_STATE_WAIT_MS,
    });
    return { applied: false, waited: true, psids, retryAt: new Date(this.clock.now().getTime() + FRESH_STATE_RETRY_MS) };
  }
}
