import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { IsPsid } from '../../common/validators';

export class CreateOptinRequestDto {
  @ApiProperty({ description: "The person's PSID (Facebook) or IGSID (Instagram)" })
  @IsPsid()
  psid!: string;

  @ApiProperty()
  @IsUUID()
  topicId!: string;
}

export class CheckOptinQueryDto extends CreateOptinRequestDto {}

export class OptinRequestSentResponse {
  @ApiProperty() requestId!: string;
  @ApiProperty() messageId!: string;
  @ApiProperty() sentAt!: string;
}

export class OptinDecisionResponse {
  @ApiProperty() allowed!: boolean;
  @ApiPropertyOptional({ description: 'The rule that refuses it' }) rule?: string;
  @ApiPropertyOptional() message?: string;
  @ApiPropertyOptional({ description: 'Earliest time it could be allowed, where the rule has one' }) retryAt?: string;
}

export class OptinHistoryQueryDto {
  @IsPsid()
  psid!: string;
}

export class OptinHistoryItem {
  @ApiProperty() id!: string;
  @ApiProperty() topicId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['reserved', 'sent', 'failed'] }) status!: string;
  @ApiProperty() source!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      "Meta's error kind when it refused the request; `local_error` when it was never sent (the topic could not be built, or a bug)",
  })
  errorKind!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) sentAt!: string | null;
}
