import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { isCustomers } from '../flows/flow-triggers.listener';
import { decodeTap } from '../flows/flow-graph';
import { MessageAnswers } from '../flows/message-answers';
import { MessengerEvents, type MessageReceivedEvent } from '../messenger/events/messenger-events';
import { OnMessengerEvent } from '../messenger/events/on-messenger-event';
import { PagesService } from '../pages/pages.service';
import { SequenceRuns } from '../sequences/runs/sequence-runs.service';
import { pickRule } from './keyword-match';
import { KeywordsService, type ActiveKeyword } from './keywords.service';

/**
 * Answers a customer's own text message with the one keyword rule it matches (or the default rule),
 * from the message webhook, in the inbox processor's transaction:
 * 1. the message is claimed (MessageAnswers: one answer per message, whatever replays it);
 * 2. the rule's cooldown for the customer is claimed (keyword_cooldowns), measured from the message's time;
 * 3. the run of the rule's flow (current version) or sequence is written; the worker's next poll sends it.
 * Echoes are another event; standby messages and quick-reply taps on flow buttons are left alone.
 */
@Injectable()
export class KeywordAnswerer {
  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly keywords: KeywordsService,
    private readonly answers: MessageAnswers,
    private readonly runs: SequenceRuns,
    private readonly pages: PagesService,
  ) {}

  @OnMessengerEvent(MessengerEvents.MessageReceived)
  async onMessage(event: MessageReceivedEvent): Promise<void> {
    if (!isCustomers(event) || !event.text || decodeTap(event.quickReplyPayload)) return;
    const rule = pickRule(await this.keywords.active(event.pageId), event.text);
    if (!rule) return;
    const runId = randomUUID();
    const claim = {
      pageId: event.pageId,
      messageKey: event.mid,
      psid: event.psid,
      kind: 'keyword' as const,
      ruleId: rule.id,
      runId,
      at: event.at,
    };
    if (!(await this.answers.claim(claim))) return;
    if (rule.cooldownSeconds > 0) {
      const until = new Date(event.at.getTime() + rule.cooldownSeconds * 1000);
      if (!(await this.keywords.claimCooldown(rule.id, event.psid, event.at, until))) {
        await this.answers.settle(event.pageId, event.mid, 'cooldown');
        return;
      }
    }
    if (!(await this.start(rule, event, runId))) await this.answers.settle(event.pageId, event.mid, 'ignored');
  }

  private async start(rule: ActiveKeyword, event: MessageReceivedEvent, runId: string): Promise<boolean> {
    const em = this.dataSource.manager;
    const person = { runId, pageId: event.pageId, psid: event.psid, source: 'keyword' as const };
    if (rule.flowId !== null) {
      if (rule.flowVersion === null) return false;
      await this.runs.startFlowIn(em, { ...person, flowId: rule.flowId, version: rule.flowVersion });
      return true;
    }
    if (rule.sequenceId === null) return false;
    await this.runs.startIn(em, { ...person, sequenceId: rule.sequenceId, moneyStyle: await this.pages.moneyStyle(event.pageId) });
    return true;
  }
}
