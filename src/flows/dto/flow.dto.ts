import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Length, Matches, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { META_TEXT_LIMITS } from '../../../libs/graph-api/src';
import { FieldOfTypes, NestedList } from '../../common/dto-fields.validation';
import { MetaText } from '../../common/meta-text.validation';
import { IsName, IsPsid } from '../../common/validators';
import type { RunStep } from '../../sequences/entities/run-step.entity';
import type { SequenceRun } from '../../sequences/entities/sequence-run.entity';
import { MAX_TEXT } from '../../sequences/step-content';
import type { Flow } from '../entities/flow.entity';
import { FLOW_NODE_TYPES, MAX_FLOW_NODES, NODE_ID_PATTERN, type FlowGraph, type FlowNode, type FlowNodeType } from '../flow-graph';

const MAX_DELAY_SECONDS = 30 * 24 * 3600;
const NODE_ID_RULE = 'letters, digits, _ and -, 1 to 64';

/** A field some node types use: required (unless `optional`) for them, refused for the others (FieldOfTypes). */
function NodeField(types: readonly FlowNodeType[], { optional = false } = {}): PropertyDecorator {
  return FieldOfTypes(types, { noun: 'nodes', rule: 'nodeField', optional });
}

export class FlowQuickReplyDto {
  @ApiProperty({ example: 'Yes, notify me' })
  @IsString()
  @MetaText(META_TEXT_LIMITS.quickReplyTitle)
  title!: string;

  @ApiProperty({ description: `The node a tap leads to (${NODE_ID_RULE})`, example: 'ask' })
  @Matches(NODE_ID_PATTERN)
  next!: string;
}

export class FlowButtonDto {
  @ApiProperty({ enum: ['postback', 'web_url'] })
  @IsIn(['postback', 'web_url'])
  type!: 'postback' | 'web_url';

  @ApiProperty({ example: 'See the sale' })
  @IsString()
  @MetaText(META_TEXT_LIMITS.buttonTitle)
  title!: string;

  @ApiPropertyOptional({ description: 'postback buttons: the node a tap leads to' })
  @ValidateIf((b: FlowButtonDto) => b.type === 'postback' || b.next !== undefined)
  @Matches(NODE_ID_PATTERN)
  next?: string;

  @ApiPropertyOptional({ description: 'web_url buttons' })
  @ValidateIf((b: FlowButtonDto) => b.type === 'web_url' || b.url !== undefined)
  @IsUrl({ require_protocol: true, protocols: ['https', 'http'] })
  url?: string;
}

export class FlowConditionDto {
  @ApiProperty({
    enum: ['subscribed', 'has_ordered'],
    description:
      'subscribed: has an active subscription to topicId; has_ordered: the customer has at least one counted order on this Page (the order summary: one the POS reported, whatever rules it matched, and whose newest status is not CANCELED or RETURNED)',
  })
  @IsIn(['subscribed', 'has_ordered'])
  kind!: 'subscribed' | 'has_ordered';

  @ApiPropertyOptional({ description: 'subscribed conditions: the topic' })
  @ValidateIf((c: FlowConditionDto) => c.kind === 'subscribed' || c.topicId !== undefined)
  @IsString()
  @Length(1, 36)
  topicId?: string;
}

/**
 * One node. `type` says which fields it uses: `text` (text, next), `image` (imageUrl, next),
 * `quick_replies` (text, quickReplies: each leads to a node), `buttons` (text, buttons: postback ones lead
 * to a node, web_url ones open a page; next), `delay` (seconds, next), `condition` (condition, then, else),
 * `optin` (the MM button: topicId, next, ifRefused). A missing next / branch ends the flow there.
 */
export class FlowNodeDto {
  @ApiProperty({ description: NODE_ID_RULE, example: 'welcome' })
  @Matches(NODE_ID_PATTERN)
  id!: string;

  @ApiProperty({ enum: FLOW_NODE_TYPES })
  @IsIn(FLOW_NODE_TYPES)
  type!: FlowNodeType;

  @ApiPropertyOptional({ example: 'Khuyến mãi tháng này: giảm 30%! Nhận thông báo?' })
  @NodeField(['text', 'quick_replies', 'buttons'])
  @IsString()
  @MetaText(MAX_TEXT)
  text?: string;

  @ApiPropertyOptional()
  @NodeField(['image'])
  @IsUrl({ require_protocol: true, protocols: ['https', 'http'] })
  imageUrl?: string;

  @ApiPropertyOptional({ type: [FlowQuickReplyDto] })
  @NodeField(['quick_replies'])
  @NestedList(() => FlowQuickReplyDto, { max: 13 })
  quickReplies?: FlowQuickReplyDto[];

  @ApiPropertyOptional({ type: [FlowButtonDto] })
  @NodeField(['buttons'])
  @NestedList(() => FlowButtonDto, { max: 3 })
  buttons?: FlowButtonDto[];

  @ApiPropertyOptional({ description: 'delay nodes: seconds before the next node' })
  @NodeField(['delay'])
  @IsInt()
  @Min(0)
  @Max(MAX_DELAY_SECONDS)
  seconds?: number;

  @ApiPropertyOptional({ type: FlowConditionDto })
  @NodeField(['condition'])
  @ValidateNested()
  @Type(() => FlowConditionDto)
  condition?: FlowConditionDto;

  @ApiPropertyOptional({ description: 'optin nodes: the topic whose opt-in request (MM button) is sent' })
  @NodeField(['optin'])
  @IsString()
  @Length(1, 36)
  topicId?: string;

  @ApiPropertyOptional({ description: 'The node that follows by itself (absent: the flow ends here)' })
  @NodeField(['text', 'image', 'buttons', 'delay', 'optin'], { optional: true })
  @Matches(NODE_ID_PATTERN)
  next?: string;

  @ApiPropertyOptional({ description: 'condition nodes: where a true condition leads' })
  @NodeField(['condition'], { optional: true })
  @Matches(NODE_ID_PATTERN)
  then?: string;

  @ApiPropertyOptional({ description: 'condition nodes: where a false condition leads' })
  @NodeField(['condition'], { optional: true })
  @Matches(NODE_ID_PATTERN)
  else?: string;

  @ApiPropertyOptional({
    description: 'optin nodes: where a refusal by the opt-in policy leads (already_subscribed, window_closed, …); absent: the run ends',
  })
  @NodeField(['optin'], { optional: true })
  @Matches(NODE_ID_PATTERN)
  ifRefused?: string;
}

export class CreateFlowDto {
  @ApiProperty({ example: 'Khuyến mãi' })
  @IsName(200)
  name!: string;

  @ApiPropertyOptional({
    description: 'The ref of an m.me link or ad that starts this flow (m.me/<page>?ref=<ref>)',
    example: 'sale-flyer',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  ref?: string;

  @ApiPropertyOptional({ description: 'The node every entry point starts at; default the first node' })
  @IsOptional()
  @Matches(NODE_ID_PATTERN)
  entry?: string;

  @ApiProperty({ type: [FlowNodeDto] })
  @NestedList(() => FlowNodeDto, { max: MAX_FLOW_NODES })
  nodes!: FlowNodeDto[];
}

/** Nodes (with entry), when given, make a new version; runs under way keep following theirs. */
export class UpdateFlowDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsName(200)
  name?: string;

  @ApiPropertyOptional({ nullable: true, description: 'null removes the ref' })
  @IsOptional()
  @ValidateIf((_o, value) => value !== null)
  @IsString()
  @Length(1, 200)
  ref?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(NODE_ID_PATTERN)
  entry?: string;

  @ApiPropertyOptional({ type: [FlowNodeDto] })
  @IsOptional()
  @NestedList(() => FlowNodeDto, { max: MAX_FLOW_NODES })
  nodes?: FlowNodeDto[];
}

/** The validated node as stored in the graph (only the fields its type uses). */
function nodeOf(n: FlowNodeDto): FlowNode {
  const next = n.next !== undefined ? { next: n.next } : {};
  switch (n.type) {
    case 'text':
      return { id: n.id, type: 'text', text: n.text!, ...next };
    case 'image':
      return { id: n.id, type: 'image', imageUrl: n.imageUrl!, ...next };
    case 'quick_replies':
      return {
        id: n.id,
        type: 'quick_replies',
        text: n.text!,
        quickReplies: n.quickReplies!.map((q) => ({ title: q.title, next: q.next })),
      };
    case 'buttons':
      return {
        id: n.id,
        type: 'buttons',
        text: n.text!,
        buttons: n.buttons!.map((b) =>
          b.type === 'web_url'
            ? { type: 'web_url' as const, title: b.title, url: b.url! }
            : { type: 'postback' as const, title: b.title, next: b.next! },
        ),
        ...next,
      };
    case 'delay':
      return { id: n.id, type: 'delay', seconds: n.seconds!, ...next };
    case 'condition':
      return {
        id: n.id,
        type: 'condition',
        condition: n.condition!.kind === 'subscribed' ? { kind: 'subscribed', topicId: n.condition!.topicId! } : { kind: 'has_ordered' },
        ...(n.then !== undefined && { then: n.then }),
        ...(n.else !== undefined && { else: n.else }),
      };
    case 'optin':
      return { id: n.id, type: 'optin', topicId: n.topicId!, ...next, ...(n.ifRefused !== undefined && { ifRefused: n.ifRefused }) };
  }
}

export const graphOf = (nodes: FlowNodeDto[], entry: string | undefined): FlowGraph => ({
  entry: entry ?? nodes[0]!.id,
  nodes: nodes.map(nodeOf),
});

export class FlowResponse {
  @ApiProperty() id!: string;
  @ApiProperty() pageId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) ref!: string | null;
  @ApiProperty({ description: 'The version new runs follow; each edit of the nodes adds one' }) version!: number;
  @ApiProperty() entry!: string;
  @ApiProperty({ type: [FlowNodeDto] }) nodes!: FlowNode[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(flow: Flow, version: number, graph: FlowGraph): FlowResponse {
    return {
      id: flow.id,
      pageId: flow.pageId,
      name: flow.name,
      ref: flow.ref,
      version,
      entry: graph.entry,
      nodes: graph.nodes,
      createdAt: flow.createdAt.toISOString(),
      updatedAt: flow.updatedAt.toISOString(),
    };
  }
}

/** Send the flow to one person now (the API entry point). */
export class StartFlowRunDto {
  @ApiProperty({ description: 'PSID (Facebook) or IGSID (Instagram)', example: '6254019384756102' })
  @IsPsid()
  psid!: string;

  @ApiPropertyOptional({ description: "The node to start at; default the flow's entry" })
  @IsOptional()
  @Matches(NODE_ID_PATTERN)
  nodeId?: string;
}

export class FlowRunStepResponse {
  @ApiProperty() position!: number;
  @ApiProperty({ nullable: true, type: String }) nodeId!: string | null;
  @ApiProperty() type!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ nullable: true, type: String }) dueAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) messageId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The rule that refused the step (window_closed, already_subscribed, …)' })
  skipRule!: string | null;
  @ApiProperty({ nullable: true, type: String }) detail!: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;

  static of(step: RunStep): FlowRunStepResponse {
    return {
      position: step.position,
      nodeId: step.nodeId,
      type: step.type,
      status: step.status,
      dueAt: step.dueAt?.toISOString() ?? null,
      messageId: step.messageId,
      skipRule: step.skipRule,
      detail: step.lastError,
      finishedAt: step.finishedAt?.toISOString() ?? null,
    };
  }
}

export class FlowRunResponse {
  @ApiProperty() id!: string;
  @ApiProperty() flowId!: string;
  @ApiProperty() version!: number;
  @ApiProperty() pageId!: string;
  @ApiProperty() psid!: string;
  @ApiProperty({ enum: ['api', 'keyword', 'referral', 'tap', 'sequence'] }) source!: string;
  @ApiProperty({ enum: ['running', 'completed', 'stopped', 'failed'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) endReason!: string | null;
  @ApiProperty({ type: [FlowRunStepResponse] }) steps!: FlowRunStepResponse[];
  @ApiProperty() createdAt!: string;

  static of(run: SequenceRun, steps: RunStep[]): FlowRunResponse {
    return {
      id: run.id,
      flowId: run.sequenceId,
      version: run.flowVersion ?? 0,
      pageId: run.pageId,
      psid: run.psid,
      source: run.source,
      status: run.status,
      endReason: run.endReason,
      steps: steps.map((s) => FlowRunStepResponse.of(s)),
      createdAt: run.createdAt.toISOString(),
    };
  }
}
