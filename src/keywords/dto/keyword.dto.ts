import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Max, Min, ValidateIf } from 'class-validator';
import type { FieldProblem } from '../../common/http-error.filter';
import { IsName, IsStringList, type StringListLimits } from '../../common/validators';
import { normaliseForMatch } from '../keyword-match';
import { MATCH_MODES, type KeywordRule, type MatchMode } from '../entities/keyword-rule.entity';

/** 1 to 50 phrases of 1-200 characters, each with a word: matching ignores punctuation and emoji, so `!!!` never fires. */
const PHRASES: StringListLimits = {
  minItems: 1,
  maxItems: 50,
  maxLength: 200,
  entry: {
    test: (p) => normaliseForMatch(p) !== '',
    rule: 'hasWord',
    what: 'a letter or a digit (keywords match words, not punctuation or emoji)',
  },
};

const MAX_COOLDOWN_SECONDS = 7 * 24 * 3600;
export const DEFAULT_COOLDOWN_SECONDS = 60;

/** The answer rule of a keyword: exactly one of flowId and sequenceId (a problem on flowId otherwise). */
export function answerProblems(flowId: unknown, sequenceId: unknown): FieldProblem[] {
  if ((flowId === undefined) !== (sequenceId === undefined)) return [];
  return [{ field: 'flowId', rule: 'answer_required', message: 'Give exactly one answer: flowId or sequenceId' }];
}

/**
 * A keyword rule. Give exactly one answer: `flowId` or `sequenceId` (of this Page). Phrases are matched
 * case- and accent-insensitively on whole words (`khuyen mai` matches `Khuyến mãi`); a default rule
 * (`isDefault`) needs no phrases and answers the messages no other rule matched.
 */
export class CreateKeywordDto {
  /** Exactly one answer, reported with the body's other faults (CrossFieldRules). */
  static crossFieldProblems(body: Record<string, unknown>): FieldProblem[] {
    return answerProblems(body.flowId, body.sequenceId);
  }

  @ApiPropertyOptional({ example: 'Khuyến mãi', description: 'Default: the first phrase' })
  @IsOptional()
  @IsName(200)
  name?: string;

  @ApiPropertyOptional({ type: [String], example: ['khuyến mãi', 'sale', 'promo'], description: 'Required unless isDefault' })
  @ValidateIf((o: CreateKeywordDto) => o.isDefault !== true || o.phrases !== undefined)
  @IsStringList(PHRASES)
  phrases?: string[];

  @ApiPropertyOptional({ enum: MATCH_MODES, default: 'contains' })
  @IsOptional()
  @IsIn(MATCH_MODES)
  matchMode?: MatchMode;

  @ApiPropertyOptional({ description: 'Answer with this flow (its current version); exactly one of flowId and sequenceId' })
  @IsOptional()
  @IsString()
  @Length(1, 36)
  flowId?: string;

  @ApiPropertyOptional({ description: 'Answer with this sequence (instead of a flow)' })
  @IsOptional()
  @IsString()
  @Length(1, 36)
  sequenceId?: string;

  @ApiPropertyOptional({ default: 0, description: 'Higher wins when several rules match one message' })
  @IsOptional()
  @IsInt()
  @Min(-1000)
  @Max(1000)
  priority?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  isDefault?: boolean;

  @ApiPropertyOptional({
    default: DEFAULT_COOLDOWN_SECONDS,
    description: 'Seconds after answering a customer during which the rule does not answer them again (0: every message)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_COOLDOWN_SECONDS)
  cooldownSeconds?: number;
}

/** Every field optional; an answer given replaces the other (flowId clears sequenceId and back). */
export class UpdateKeywordDto {
  @ApiPropertyOptional() @IsOptional() @IsName(200) name?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsStringList(PHRASES)
  phrases?: string[];

  @ApiPropertyOptional({ enum: MATCH_MODES }) @IsOptional() @IsIn(MATCH_MODES) matchMode?: MatchMode;

  @ApiPropertyOptional()
  @IsOptional()
  @ValidateIf((o: UpdateKeywordDto) => o.sequenceId === undefined)
  @IsString()
  @Length(1, 36)
  flowId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @ValidateIf((o: UpdateKeywordDto) => o.flowId === undefined)
  @IsString()
  @Length(1, 36)
  sequenceId?: string;

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(-1000) @Max(1000) priority?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() isDefault?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(MAX_COOLDOWN_SECONDS) cooldownSeconds?: number;
}

export class KeywordResponse {
  @ApiProperty() id!: string;
  @ApiProperty() pageId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String] }) phrases!: string[];
  @ApiProperty({ enum: MATCH_MODES }) matchMode!: MatchMode;
  @ApiProperty({ nullable: true, type: String }) flowId!: string | null;
  @ApiProperty({ nullable: true, type: String }) sequenceId!: string | null;
  @ApiProperty() priority!: number;
  @ApiProperty() active!: boolean;
  @ApiProperty() isDefault!: boolean;
  @ApiProperty() cooldownSeconds!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(rule: KeywordRule): KeywordResponse {
    return {
      id: rule.id,
      pageId: rule.pageId,
      name: rule.name,
      phrases: JSON.parse(rule.phrases) as string[],
      matchMode: rule.matchMode,
      flowId: rule.flowId,
      sequenceId: rule.sequenceId,
      priority: rule.priority,
      active: rule.active,
      isDefault: rule.isDefault,
      cooldownSeconds: rule.cooldownSeconds,
      createdAt: rule.createdAt.toISOString(),
      updatedAt: rule.updatedAt.toISOString(),
    };
  }
}

/** What a rule did: every count since it was created. */
export class KeywordStatsResponse {
  @ApiProperty() keywordId!: string;
  @ApiProperty({ description: 'Messages the rule answered (a run started)' }) fired!: number;
  @ApiProperty({ description: "Messages it matched but did not answer: the customer's cooldown was still running" }) cooledDown!: number;
  @ApiProperty({ description: "Opt-in requests (MM buttons) its runs sent, taps' continuations included" }) optinRequestsSent!: number;
  @ApiProperty({ description: 'MM buttons its runs did not send, by the rule that refused them (already_subscribed, window_closed, …)' })
  optinsRefusedByReason!: Record<string, number>;
  @ApiProperty({ description: 'Subscriptions that answered those opt-in requests' }) subscriptions!: number;
}
