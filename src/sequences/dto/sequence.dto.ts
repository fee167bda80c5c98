import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Length, Max, Min, ValidateIf } from 'class-validator';
import { IsName } from '../../common/validators';
import { META_TEXT_LIMITS, type GenericElement, type QuickReply, type TemplateButton } from '../../../libs/graph-api/src';
import { NestedList } from '../../common/dto-fields.validation';
import { MetaText } from '../../common/meta-text.validation';
import type { Sequence } from '../entities/sequence.entity';
import type { SequenceStep } from '../entities/sequence-step.entity';
import {
  MAX_BUTTON_TITLE,
  MAX_ELEMENT_TEXT,
  MAX_TEXT,
  STEP_TYPES,
  type OnForbidden,
  type StepContent,
  type StepType,
} from '../step-content';
import { KnownPlaceholders, StepField } from './step-validators';

const MAX_DELAY_SECONDS = 30 * 24 * 3600;

export class QuickReplyDto {
  @ApiProperty({ example: 'Track order' })
  @IsString()
  @MetaText(META_TEXT_LIMITS.quickReplyTitle)
  @KnownPlaceholders()
  title!: string;

  @ApiProperty({ example: 'TRACK_{{order.id}}' })
  @IsString()
  @MetaText(META_TEXT_LIMITS.quickReplyPayload)
  @KnownPlaceholders()
  payload!: string;
}

export class ButtonDto {
  @ApiProperty({ enum: ['web_url', 'postback'] })
  @IsIn(['web_url', 'postback'])
  type!: 'web_url' | 'postback';

  @ApiProperty({ example: 'View order' })
  @IsString()
  @MetaText(MAX_BUTTON_TITLE)
  @KnownPlaceholders()
  title!: string;

  @ApiPropertyOptional({ description: 'web_url buttons' })
  @ValidateIf((b: ButtonDto) => b.type === 'web_url' || b.url !== undefined)
  @IsUrl({ require_protocol: true, protocols: ['https', 'http'] })
  url?: string;

  @ApiPropertyOptional({ description: 'postback buttons' })
  @ValidateIf((b: ButtonDto) => b.type === 'postback' || b.payload !== undefined)
  @IsString()
  @MetaText(META_TEXT_LIMITS.postbackPayload)
  @KnownPlaceholders()
  payload?: string;
}

export class GenericElementDto {
  @ApiProperty()
  @IsString()
  @MetaText(MAX_ELEMENT_TEXT)
  @KnownPlaceholders()
  title!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MetaText(MAX_ELEMENT_TEXT)
  @KnownPlaceholders()
  subtitle?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['https', 'http'] })
  imageUrl?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['https', 'http'] })
  defaultActionUrl?: string;

  @ApiPropertyOptional({ type: [ButtonDto] })
  @IsOptional()
  @NestedList(() => ButtonDto, { min: 0, max: 3 })
  buttons?: ButtonDto[];
}

/**
 * One step. `type` says which fields it uses: `text` (text), `quick_replies` (text, quickReplies),
 * `button_template` (text, buttons), `generic_template` (elements), `optin` (topicId: the MM button,
 * the topic's opt-in request), `flow` (flowId: the person goes on in that flow). Texts may use the order's fields: {{order.id}}, {{customer.name}}, …
 */
export class StepDto {
  @ApiProperty({ enum: STEP_TYPES })
  @IsIn(STEP_TYPES)
  type!: StepType;

  @ApiPropertyOptional({ description: 'Seconds after the previous step (0 = at once)', default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_DELAY_SECONDS)
  delaySeconds?: number;

  @ApiPropertyOptional({
    enum: ['continue', 'stop'],
    default: 'continue',
    description: 'When the platform or the opt-in policy forbids the step',
  })
  @IsOptional()
  @IsIn(['continue', 'stop'])
  onForbidden?: OnForbidden;

  @ApiPropertyOptional({ example: 'Hi {{customer.name}}, order {{order.id}} is confirmed: {{order.items}}, {{order.total}}.' })
  @StepField(['text', 'quick_replies', 'button_template'])
  @IsString()
  @MetaText(MAX_TEXT)
  @KnownPlaceholders()
  text?: string;

  @ApiPropertyOptional({ type: [QuickReplyDto] })
  @StepField(['quick_replies'])
  @NestedList(() => QuickReplyDto, { max: 13 })
  quickReplies?: QuickReplyDto[];

  @ApiPropertyOptional({ type: [ButtonDto] })
  @StepField(['button_template'])
  @NestedList(() => ButtonDto, { max: 3 })
  buttons?: ButtonDto[];

  @ApiPropertyOptional({ type: [GenericElementDto] })
  @StepField(['generic_template'])
  @NestedList(() => GenericElementDto, { max: 10 })
  elements?: GenericElementDto[];

  @ApiPropertyOptional({ description: 'optin steps: the topic whose opt-in request (MM button) is sent' })
  @StepField(['optin'])
  @IsString()
  @Length(1, 36)
  topicId?: string;

  @ApiPropertyOptional({ description: 'flow steps: the flow (of this Page) the person is handed to, its current version from its entry' })
  @StepField(['flow'])
  @IsString()
  @Length(1, 36)
  flowId?: string;
}

export class CreateSequenceDto {
  @ApiProperty({ example: 'Order confirmed' })
  @IsName(200)
  name!: string;

  @ApiProperty({ type: [StepDto] })
  @NestedList(() => StepDto, { max: 20 })
  steps!: StepDto[];
}

/** Steps, when given, replace the whole list (runs already started keep their own copy). */
export class UpdateSequenceDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsName(200)
  name?: string;

  @ApiPropertyOptional({ type: [StepDto] })
  @IsOptional()
  @NestedList(() => StepDto, { max: 20 })
  steps?: StepDto[];
}

const button = (b: ButtonDto): TemplateButton =>
  b.type === 'web_url' ? { type: 'web_url', title: b.title, url: b.url! } : { type: 'postback', title: b.title, payload: b.payload! };

/** The validated DTO as stored content (only the fields its type uses). */
export function stepContentOf(step: StepDto): StepContent {
  switch (step.type) {
    case 'text':
      return { type: 'text', text: step.text! };
    case 'quick_replies':
      return {
        type: 'quick_replies',
        text: step.text!,
        quickReplies: step.quickReplies!.map((q): QuickReply => ({ title: q.title, payload: q.payload })),
      };
    case 'button_template':
      return { type: 'button_template', text: step.text!, buttons: step.buttons!.map(button) };
    case 'generic_template':
      return {
        type: 'generic_template',
        elements: step.elements!.map((e): GenericElement => ({
          title: e.title,
          ...(e.subtitle !== undefined && { subtitle: e.subtitle }),
          ...(e.imageUrl !== undefined && { imageUrl: e.imageUrl }),
          ...(e.defaultActionUrl !== undefined && { defaultActionUrl: e.defaultActionUrl }),
          ...(e.buttons !== undefined && { buttons: e.buttons.map(button) }),
        })),
      };
    case 'optin':
      return { type: 'optin', topicId: step.topicId! };
    case 'flow':
      return { type: 'flow', flowId: step.flowId! };
  }
}

export class StepResponse {
  @ApiProperty() position!: number;
  @ApiProperty({ enum: STEP_TYPES }) type!: StepType;
  @ApiProperty() delaySeconds!: number;
  @ApiProperty({ enum: ['continue', 'stop'] }) onForbidden!: OnForbidden;
  @ApiPropertyOptional() text?: string;
  @ApiPropertyOptional({ type: [QuickReplyDto] }) quickReplies?: QuickReply[];
  @ApiPropertyOptional({ type: [ButtonDto] }) buttons?: TemplateButton[];
  @ApiPropertyOptional({ type: [GenericElementDto] }) elements?: GenericElement[];
  @ApiPropertyOptional() topicId?: string;
  @ApiPropertyOptional() flowId?: string;

  static of(step: SequenceStep): StepResponse {
    const { type: _type, ...content } = JSON.parse(step.content) as StepContent;
    return { position: step.position, type: step.type, delaySeconds: step.delaySeconds, onForbidden: step.onForbidden, ...content };
  }
}

export class SequenceResponse {
  @ApiProperty() id!: string;
  @ApiProperty() pageId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [StepResponse] }) steps!: StepResponse[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(sequence: Sequence, steps: SequenceStep[]): SequenceResponse {
    return {
      id: sequence.id,
      pageId: sequence.pageId,
      name: sequence.name,
      steps: steps.map((s) => StepResponse.of(s)),
      createdAt: sequence.createdAt.toISOString(),
      updatedAt: sequence.updatedAt.toISOString(),
    };
  }
}
