import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import {
  MessengerEvents,
  type MessageReceivedEvent,
  type PostbackEvent,
  type ReferralEvent,
  type ReferralInfo,
} from '../messenger/events/messenger-events';
import { OnMessengerEvent } from '../messenger/events/on-messenger-event';
import { FlowSteps } from '../sequences/runs/flow-steps';
import { SequenceRuns } from '../sequences/runs/sequence-runs.service';
import { Flow } from './entities/flow.entity';
import { decodeTap, type TapTarget } from './flow-graph';
import { MessageAnswers } from './message-answers';

type PersonEvent = Pick<MessageReceivedEvent, 'pageId' | 'psid' | 'at' | 'channel'>;

/**
 * The customer's side of flows, from the message webhook: a tap on a flow's quick reply (a message
 * with `quick_reply.payload`) or postback button (`messaging_postbacks`) moves their run to the node the
 * button names, in the version that sent it; an m.me link or ad with a `ref` (`messaging_referrals`, a
 * Get Started postback's `referral`, or a message's `referral`) starts the flow with that ref.
 * Standby events (another app owns the thread) and the Page's own messages never move a flow.
 * Everything is written in the inbox processor's transaction; the worker's next poll sends the steps.
 * (No nudge from here: it would run the worker inside that transaction's async context, on its connection.)
 */
@Injectable()
export class FlowTriggers {
  private readonly logger = new Logger(FlowTriggers.name);

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly answers: MessageAnswers,
    private readonly runs: SequenceRuns,
    private readonly flowSteps: FlowSteps,
    private readonly clock: Clock,
  ) {}

  @OnMessengerEvent(MessengerEvents.MessageReceived)
  async onMessage(event: MessageReceivedEvent): Promise<void> {
    if (!isCustomers(event)) return;
    const tap = decodeTap(event.quickReplyPayload);
    if (tap) return this.follow(event, event.mid, tap);
    if (event.referral?.ref) await this.startByRef(event, event.mid, event.referral);
  }

  @OnMessengerEvent(MessengerEvents.Postback)
  async onPostback(event: PostbackEvent): Promise<void> {
    if (!isCustomers(event)) return;
    const key = event.mid ?? `postback:${event.psid}:${event.at.getTime()}`;
    const tap = decodeTap(event.payload);
    if (tap) return this.follow(event, key, tap);
    if (event.referral?.ref) await this.startByRef(event, key, event.referral);
  }

  @OnMessengerEvent(MessengerEvents.Referral)
  async onReferral(event: ReferralEvent): Promise<void> {
    if (!isCustomers(event) || !event.ref) return;
    await this.startByRef(event, `referral:${event.psid}:${event.at.getTime()}`, event);
  }

  /** The tap continues the run the button was sent in; if that run is gone (or not this person's), a new run of the same version starts at the node. */
  private async follow(event: PersonEvent, messageKey: string, tap: TapTarget): Promise<void> {
    const em = this.dataSource.manager;
    const [version] = (await em.query(
      `SELECT 1 AS yes FROM flows f JOIN flow_versions v ON v.flow_id = f.id WHERE f.id = ? AND f.page_id = ? AND v.version = ?`,
      [tap.flowId, event.pageId, tap.version],
    )) as unknown[];
    const graph = version ? await this.flowSteps.graph(em, tap.flowId, tap.version) : undefined;
    if (!graph || !graph.nodes.some((n) => n.id === tap.nodeId)) {
      this.logger.warn({ msg: 'a tap names no node of this Page’s flows: ignored', pageId: event.pageId, flowId: tap.flowId });
      return;
    }
    const [run] = (await em.query(
      'SELECT id FROM sequence_runs WHERE id = ? AND page_id = ? AND psid = ? AND sequence_id = ? AND flow_version = ?',
      [tap.runId, event.pageId, event.psid, tap.flowId, tap.version],
    )) as Array<{ id: string }>;
    const runId = run?.id ?? randomUUID();
    if (
      !(await this.answers.claim({
        pageId: event.pageId,
        messageKey,
        psid: event.psid,
        kind: 'tap',
        flowId: tap.flowId,
        runId,
        at: event.at,
      }))
    )
      return;
    if (run) {
      const ref = { id: run.id, pageId: event.pageId, psid: event.psid, flowId: tap.flowId, version: tap.version };
      await this.flowSteps.addStepFor(em, ref, tap.nodeId, this.clock.now());
    } else {
      await this.runs.startFlowIn(em, {
        runId,
        flowId: tap.flowId,
        version: tap.version,
        pageId: event.pageId,
        psid: event.psid,
        source: 'tap',
        nodeId: tap.nodeId,
      });
    }
  }

  private async startByRef(event: PersonEvent, messageKey: string, referral: ReferralInfo): Promise<void> {
    const flow = await this.dataSource.getRepository(Flow).findOne({ where: { pageId: event.pageId, ref: referral.ref! } });
    if (!flow) return;
    const runId = randomUUID();
    if (
      !(await this.answers.claim({
        pageId: event.pageId,
        messageKey,
        psid: event.psid,
        kind: 'referral',
        flowId: flow.id,
        runId,
        at: event.at,
      }))
    )
      return;
    await this.runs.startFlowIn(this.dataSource.manager, {
      runId,
      flowId: flow.id,
      version: flow.currentVersion,
      pageId: event.pageId,
      psid: event.psid,
      source: 'referral',
    });
  }
}

/** The customer's own event in a thread our app owns: not standby, not the Page writing to itself. */
export const isCustomers = (event: PersonEvent): boolean => event.channel !== 'standby' && event.psid !== event.pageId;
