import { Injectable } from '@nestjs/common';
import { FreshState } from '../inbox/fresh-state';
import { PeopleService } from './people.service';

/** Meta's standard messaging window: 24 hours since the person's last message to the Page. */
export const STANDARD_WINDOW_MS = 24 * 60 * 60 * 1000;

export type WindowState =
  { open: true; lastInboundAt: Date; closesAt: Date } | { open: false; lastInboundAt: Date | null; reason: 'never_wrote' | 'expired' };

/**
 * The window could not be read yet: a delivery about the person that Meta was already answered for is
 * still unapplied after FreshState's bound. Decide nothing before `retryAt`.
 */
export interface WindowUnknown {
  open: false;
  lastInboundAt: null;
  reason: 'webhooks_pending';
  retryAt: Date;
}

/** The one place that answers "may this Page send a non-tagged message or an opt-in request now?". */
@Injectable()
export class MessagingWindow {
  constructor(
    private readonly people: PeopleService,
    private readonly fresh: FreshState,
  ) {}

  /**
   * The window at `at` (the caller's clock), as of every delivery Meta was answered for: those still
   * unapplied for this person are applied (or waited for) first, so a customer who just wrote is seen
   * as having written.
   */
  async state(pageId: string, psid: string, at: Date): Promise<WindowState | WindowUnknown> {
    const freshness = await this.fresh.forPerson(pageId, psid);
    if (!freshness.applied) return { open: false, lastInboundAt: null, reason: 'webhooks_pending', retryAt: freshness.retryAt };
    const person = await this.people.find(pageId, psid);
    return windowState(person?.lastInboundAt ?? null, at);
  }
}

export function windowState(lastInboundAt: Date | null, at: Date): WindowState {
  if (!lastInboundAt) return { open: false, lastInboundAt: null, reason: 'never_wrote' };
  const closesAt = new Date(lastInboundAt.getTime() + STANDARD_WINDOW_MS);
  return at < closesAt ? { open: true, lastInboundAt, closesAt } : { open: false, lastInboundAt, reason: 'expired' };
}
