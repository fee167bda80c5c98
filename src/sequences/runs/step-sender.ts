import { Injectable } from '@nestjs/common';
import { GraphApiClient, type GraphResult, type SendResult } from '../../../libs/graph-api/src';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/domain-error';
import { MessagingWindow } from '../../messenger/people/messaging-window';
import { OptinService } from '../../optins/optin.service';
import { PagesService, type PageCredentials } from '../../pages/pages.service';
import type { RunStepContent } from '../step-content';
import type { ClaimedStep } from './claimed-step';
import { FlowSteps } from './flow-steps';
import type { DataSource } from 'typeorm';
import { InjectPluginDataSource } from '../../database/plugin-data-source';
import { SqlDialect } from '../../database/sql-dialect';
import { outcomeOfSendError } from './graph-outcome';
import type { StepOutcome } from './step-outcome';

type MessageContent = Exclude<RunStepContent, { type: 'optin' | 'flow' }>;

/**
 * Sends one claimed step, outside any transaction, and says what happened. Ordinary messages go only
 * inside the 24-hour window (MessagingWindow; no tag can rescue them since 2026-04, docs/meta-platform.md §6).
 * The MM button step asks OptinService, which holds every opt-in rule: this class adds none of its own.
 */
@Injectable()
export class StepSender {
  constructor(
    private readonly graph: GraphApiClient,
    private readonly window: MessagingWindow,
    private readonly pages: PagesService,
    private readonly optins: OptinService,
    private readonly clock: Clock,
    private readonly flowSteps: FlowSteps,
    @InjectPluginDataSource() private readonly dataSource: DataSource,
  ) {}

  async send(step: ClaimedStep): Promise<StepOutcome> {
    if (step.content.type === 'optin') return this.requestOptin(step, step.content.topicId);
    if (step.content.type === 'flow') return this.handOver(step, step.content.flowId);
    const window = await this.window.state(step.pageId, step.psid, this.clock.now());
    // Not known yet (a delivery about the person is still unapplied): ask again, never skip on a guess.
    if (!window.open && window.reason === 'webhooks_pending')
      return { kind: 'retry', error: 'webhook deliveries still unapplied', retryAt: window.retryAt };
    if (!window.open) return { kind: 'skipped', rule: 'window_closed', detail: window.reason };
    let page: PageCredentials;
    try {
      page = await this.pages.credentials(step.pageId);
    } catch (error) {
      if (error instanceof DomainError) return { kind: 'failed', error: error.message };
      throw error;
    }
    let result: GraphResult<SendResult>;
    try {
      result = await this.sendMessage(page, step.psid, step.content);
    } catch (error) {
      // The Graph client answers platform and network failures as values: an exception means the message
      // was never sent (a builder refusing it, or a bug). Retrying would meet it again: failed, with the reason.
      return { kind: 'failed', error: `not sent, local error: ${error instanceof Error ? error.message : String(error)}`.slice(0, 1000) };
    }
    return result.ok ? { kind: 'sent', messageId: result.value.messageId } : outcomeOfSendError(result.error);
  }

  private async requestOptin(step: ClaimedStep, topicId: string): Promise<StepOutcome> {
    try {
      const source = step.nodeId ? 'flow' : 'sequence';
      const outcome = await this.optins.request({ pageId: step.pageId, psid: step.psid, topicId, source, sourceRef: step.id });
      if (outcome.sent) return { kind: 'sent', messageId: outcome.messageId };
      // Meta unreachable: trying again is safe, because the policy counts a request whose fate is unknown
      // as sent and will refuse to repeat it. Unapplied deliveries about the person: nothing was decided.
      if (outcome.rule === 'platform_unavailable' || outcome.rule === 'webhooks_pending') {
        return { kind: 'retry', error: outcome.message, retryAt: outcome.retryAt };
      }
      return { kind: 'skipped', rule: outcome.rule, detail: (outcome.graphError ?? outcome.message).slice(0, 1000) };
    } catch (error) {
      // A topic or Page that is gone will not come back by retrying.
      if (error instanceof DomainError) return { kind: 'failed', error: error.message };
      throw error;
    }
  }

  /**
   * A sequence's flow step: the person goes on in the flow (its current version), as a flow run of its
   * own whose id is this step's, so a repeated attempt finds it (duplicate key) instead of starting two.
   * Nothing is sent here: the flow's steps check the window and the opt-in policy themselves.
   */
  private async handOver(step: ClaimedStep, flowId: string): Promise<StepOutcome> {
    try {
      await this.dataSource.transaction(async (em) => {
        const [flow] = (await em.query('SELECT current_version FROM flows WHERE id = ? AND page_id = ?', [flowId, step.pageId])) as Array<{
          current_version: number | string;
        }>;
        if (!flow) throw new DomainError(404, 'not_found', 'Flow not found on this Page');
        await this.flowSteps.startRunIn(em, {
          runId: step.id,
          flowId,
          version: Number(flow.current_version),
          pageId: step.pageId,
          psid: step.psid,
          source: 'sequence',
        });
      });
    } catch (error) {
      if (error instanceof DomainError) return { kind: 'failed', error: error.message };
      if (!SqlDialect.isDuplicateKey(error)) throw error;
    }
    return { kind: 'sent', messageId: `flow-run:${step.id}` };
  }

  private sendMessage(page: PageCredentials, psid: string, content: MessageContent): Promise<GraphResult<SendResult>> {
    const options = { messagingType: 'UPDATE' } as const;
    switch (content.type) {
      case 'text':
        return this.graph.sendText(page.accessToken, page.pageId, psid, content.text, options);
      case 'image':
        return this.graph.sendImage(page.accessToken, page.pageId, psid, content.imageUrl, options);
      case 'quick_replies':
        return this.graph.sendQuickReplies(page.accessToken, page.pageId, psid, content.text, content.quickReplies, options);
      case 'button_template':
        return this.graph.sendButtonTemplate(page.accessToken, page.pageId, psid, content.text, content.buttons, options);
      case 'generic_template':
        return this.graph.sendGenericTemplate(page.accessToken, page.pageId, psid, content.elements, options);
    }
  }
}
