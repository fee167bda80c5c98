import { Injectable } from '@nestjs/common';

/**
 * Tells this process's drains at once that a campaign was paused or canceled, so only the sends
 * already in flight finish. Other processes learn it from the database: at their next claim, or
 * from the status poll every drain runs (STATUS_POLL_MS).
 */
@Injectable()
export class CampaignSignals {
  private readonly listeners = new Map<string, Set<() => void>>();

  stopped(campaignId: string): void {
    for (const listener of this.listeners.get(campaignId) ?? []) listener();
  }

  onStopped(campaignId: string, listener: () => void): () => void {
    let set = this.listeners.get(campaignId);
    if (!set) {
      set = new Set();
      this.listeners.set(campaignId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(campaignId);
    };
  }
}
