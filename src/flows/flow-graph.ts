import type { QuickReply, TemplateButton } from '../../libs/graph-api/src';
import type { RunStepContent } from '../sequences/step-content';

/** A node id: letters, digits, `_` and `-`, up to 64 (it travels inside button payloads). */
export const NODE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_FLOW_NODES = 100;

export type FlowCondition = { kind: 'subscribed'; topicId: string } | { kind: 'has_ordered' };
export type FlowButton = { type: 'postback'; title: string; next: string } | { type: 'web_url'; title: string; url: string };

/**
 * One node of a flow. Message nodes (text, image, quick_replies, buttons, optin) become run steps;
 * `delay` and `condition` only decide which message comes next and when. `next` and the branches name
 * other nodes; absent means the flow ends there. Quick replies and postback buttons name the node a tap
 * leads to (the customer decides, so no edge is followed automatically from them).
 */
export type FlowNode =
  | { id: string; type: 'text'; text: string; next?: string }
  | { id: string; type: 'image'; imageUrl: string; next?: string }
  | { id: string; type: 'quick_replies'; text: string; quickReplies: Array<{ title: string; next: string }> }
  | { id: string; type: 'buttons'; text: string; buttons: FlowButton[]; next?: string }
  | { id: string; type: 'delay'; seconds: number; next?: string }
  | { id: string; type: 'condition'; condition: FlowCondition; then?: string; else?: string }
  /** The MM button: the topic's opt-in request through OptinService; a refusal follows `ifRefused`, or ends the run. */
  | { id: string; type: 'optin'; topicId: string; next?: string; ifRefused?: string };

export type FlowNodeType = FlowNode['type'];
export const FLOW_NODE_TYPES = ['text', 'image', 'quick_replies', 'buttons', 'delay', 'condition', 'optin'] as const;

/** A version's graph, stored as JSON in flow_versions.graph and never changed afterwards. */
export interface FlowGraph {
  /** Where every entry point starts (keyword, referral, sequence step, API) unless told otherwise. */
  entry: string;
  nodes: FlowNode[];
}

export interface GraphProblem {
  /** Path of the offending field in the request body, e.g. `nodes.2.next`. */
  field: string;
  message: string;
}

/** Edges a run follows on its own (not a tap): a cycle of them would send forever. */
function automaticEdges(node: FlowNode): Array<{ key: string; target: string | undefined }> {
  switch (node.type) {
    case 'condition':
      return [
        { key: 'then', target: node.then },
        { key: 'else', target: node.else },
      ];
    case 'optin':
      return [
        { key: 'next', target: node.next },
        { key: 'ifRefused', target: node.ifRefused },
      ];
    case 'quick_replies':
      return [];
    case 'text':
    case 'image':
    case 'buttons':
    case 'delay':
      return [{ key: 'next', target: node.next }];
  }
}

function tapEdges(node: FlowNode): Array<{ key: string; target: string }> {
  if (node.type === 'quick_replies') return node.quickReplies.map((q, i) => ({ key: `quickReplies.${i}.next`, target: q.next }));
  if (node.type === 'buttons')
    return node.buttons.flatMap((b, i) => (b.type === 'postback' ? [{ key: `buttons.${i}.next`, target: b.next }] : []));
  return [];
}

/**
 * What is wrong with a graph that class-validator cannot see: the entry and every edge must
 * name a node of the graph, ids must be unique, and the edges a run follows by itself must not loop.
 * Empty when the graph is sound.
 */
export function graphProblems(graph: FlowGraph): GraphProblem[] {
  const problems: GraphProblem[] = [];
  const index = new Map<string, number>();
  graph.nodes.forEach((node, i) => {
    if (index.has(node.id)) problems.push({ field: `nodes.${i}.id`, message: `nodes.${i}.id: node id ${node.id} is used twice` });
    else index.set(node.id, i);
  });
  if (!index.has(graph.entry)) problems.push({ field: 'entry', message: `entry names no node of the flow (${graph.entry})` });
  graph.nodes.forEach((node, i) => {
    for (const { key, target } of [...automaticEdges(node), ...tapEdges(node)]) {
      if (target !== undefined && !index.has(target))
        problems.push({ field: `nodes.${i}.${key}`, message: `nodes.${i}.${key} names no node of the flow (${target})` });
    }
  });
  if (problems.length > 0) return problems;
  // Depth-first search over the automatic edges: a back edge is a loop that needs no tap to go round.
  const state = new Map<string, 'open' | 'done'>();
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const visit = (id: string): string | undefined => {
    state.set(id, 'open');
    for (const { target } of automaticEdges(byId.get(id)!)) {
      if (target === undefined) continue;
      if (state.get(target) === 'open') return target;
      if (state.get(target) === undefined) {
        const loop = visit(target);
        if (loop !== undefined) return loop;
      }
    }
    state.set(id, 'done');
    return undefined;
  };
  for (const node of graph.nodes) {
    if (state.has(node.id)) continue;
    const loop = visit(node.id);
    if (loop !== undefined) {
      problems.push({
        field: `nodes.${index.get(loop)}`,
        message: `nodes.${index.get(loop)}: node ${loop} is reached again without a tap (a loop would send forever)`,
      });
      break;
    }
  }
  return problems;
}

/** Where a tap leads, as carried in a quick reply's or postback button's payload. */
export interface TapTarget {
  flowId: string;
  version: number;
  nodeId: string;
  /** The run the button was sent in: the tap continues it (and its statistics). */
  runId: string;
}

const TAP_PREFIX = 'MMFLOW';

/**
 * `MMFLOW:<flowId>:<version>:<nodeId>:<runId>`: everything a tap needs to go where the version that
 * sent the button said, even after the flow was edited. Under Meta's 1000-character payload limits.
 */
export const encodeTap = (tap: TapTarget): string => [TAP_PREFIX, tap.flowId, tap.version, tap.nodeId, tap.runId].join(':');

/** The tap a payload encodes, or undefined for any other payload (a shop's own, Get Started, …). */
export function decodeTap(payload: string | undefined): TapTarget | undefined {
  if (payload === undefined) return undefined;
  const parts = payload.split(':');
  if (parts.length !== 5 || parts[0] !== TAP_PREFIX) return undefined;
  const [, flowId, version, nodeId, runId] = parts as [string, string, string, string, string];
  const v = Number(version);
  if (!Number.isSafeInteger(v) || v < 1 || !NODE_ID_PATTERN.test(nodeId) || flowId === '' || runId === '') return undefined;
  return { flowId, version: v, nodeId, runId };
}

export type MessageNode = Extract<FlowNode, { type: 'text' | 'image' | 'quick_replies' | 'buttons' | 'optin' }>;

export const isMessageNode = (node: FlowNode): node is MessageNode => node.type !== 'delay' && node.type !== 'condition';

/** The run step a message node sends; `tap(nodeId)` gives the payload of a button leading there. */
export function stepContentOfNode(node: MessageNode, tap: (nodeId: string) => string): RunStepContent {
  switch (node.type) {
    case 'text':
      return { type: 'text', text: node.text };
    case 'image':
      return { type: 'image', imageUrl: node.imageUrl };
    case 'quick_replies':
      return {
        type: 'quick_replies',
        text: node.text,
        quickReplies: node.quickReplies.map((q): QuickReply => ({ title: q.title, payload: tap(q.next) })),
      };
    case 'buttons':
      return {
        type: 'button_template',
        text: node.text,
        buttons: node.buttons.map((b): TemplateButton =>
          b.type === 'web_url'
            ? { type: 'web_url', title: b.title, url: b.url }
            : { type: 'postback', title: b.title, payload: tap(b.next) },
        ),
      };
    case 'optin':
      return { type: 'optin', topicId: node.topicId };
  }
}

/** The node a run goes on to by itself after a message node: on a refused MM button, its `ifRefused`. */
export function nextAfter(node: MessageNode, refused: boolean): string | undefined {
  if (node.type === 'optin') return refused ? node.ifRefused : node.next;
  if (node.type === 'quick_replies') return undefined;
  return node.next;
}

/** Topics the graph's MM button nodes and conditions name (each must be a topic of the flow's Page). */
export function topicsOf(graph: FlowGraph): Array<{ field: string; topicId: string }> {
  return graph.nodes.flatMap((node, i) =>
    node.type === 'optin'
      ? [{ field: `nodes.${i}.topicId`, topicId: node.topicId }]
      : node.type === 'condition' && node.condition.kind === 'subscribed'
        ? [{ field: `nodes.${i}.condition.topicId`, topicId: node.condition.topicId }]
        : [],
  );
}
