import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { SqlDialect } from '../database/sql-dialect';

export type AnswerKind = 'keyword' | 'tap' | 'referral';
/** answered: a run was started or continued; cooldown: the rule had answered this customer too recently; ignored: nothing to answer with. */
export type AnswerOutcome = 'answered' | 'cooldown' | 'ignored';

export interface AnswerClaim {
  pageId: string;
  /** The incoming message's mid, or a key made from what identifies an event without one (a referral). */
  messageKey: string;
  psid: string;
  kind: AnswerKind;
  ruleId?: string;
  flowId?: string;
  runId?: string;
  at: Date;
}

/**
 * "One answer per incoming message", across processes and replays: the first listener to claim a
 * message's key (primary key (page_id, message_key) of message_answers) answers it; every later claim
 * (a redelivery, the inbox replaying a batch, a keyword and a referral in the same message) gets false.
 * Runs inside the inbox processor's transaction, so the claim and the run it starts commit together.
 */
@Injectable()
export class MessageAnswers {
  private readonly dialect: SqlDialect;

  constructor(@InjectPluginDataSource() private readonly dataSource: DataSource) {
    this.dialect = new SqlDialect(dataSource);
  }

  async claim(claim: AnswerClaim): Promise<boolean> {
    const changed = await SqlDialect.execute(
      this.dataSource,
      `${this.dialect.insertIgnore()} INTO message_answers (page_id, message_key, psid, kind, rule_id, flow_id, run_id, outcome, answered_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'answered', ?)`,
      [
        claim.pageId,
        claim.messageKey.slice(0, 255),
        claim.psid,
        claim.kind,
        claim.ruleId ?? null,
        claim.flowId ?? null,
        claim.runId ?? null,
        this.dialect.time(claim.at),
      ],
    );
    return changed === 1;
  }

  /** The claimed message got no run after all (cooldown, an unknown flow): say so and forget the run id. */
  async settle(pageId: string, messageKey: string, outcome: Exclude<AnswerOutcome, 'answered'>): Promise<void> {
    await this.dataSource.query(`UPDATE message_answers SET outcome = ?, run_id = NULL WHERE page_id = ? AND message_key = ?`, [
      outcome,
      pageId,
      messageKey.slice(0, 255),
    ]);
  }
}
