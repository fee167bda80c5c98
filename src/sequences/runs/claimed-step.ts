import type { OnForbidden, StepContent, StepType } from '../step-content';

/** A run step a worker holds the lease on, with what it needs to send it. */
export interface ClaimedStep {
  id: string;
  runId: string;
  position: number;
  type: StepType;
  onForbidden: OnForbidden;
  content: StepContent;
  /** Including this claim. */
  attempts: number;
  /** This claim's token: outcomes are recorded only while the lease is still ours. */
  leaseOwner: string;
  pageId: string;
  psid: string;
}
