import type { OnForbidden, RunStepContent, RunStepType } from '../step-content';

/** A run step a worker holds the lease on, with what it needs to send it. */
export interface ClaimedStep {
  id: string;
  runId: string;
  position: number;
  type: RunStepType;
  onForbidden: OnForbidden;
  content: RunStepContent;
  /** Including this claim. */
  attempts: number;
  /** This claim's token: outcomes are recorded only while the lease is still ours. */
  leaseOwner: string;
  pageId: string;
  psid: string;
  /** Set on a flow run's steps: the node it sends (the run's flow and version are on the run row). */
  nodeId: string | null;
  /** Set with nodeId: the run's flow and the version it follows. */
  flow?: { id: string; pageId: string; psid: string; flowId: string; version: number };
}
