import { ApiProperty } from '@nestjs/swagger';
import type { UnrecognisedValueRow } from './unrecognised-values.service';

export class UnrecognisedValueResponse {
  @ApiProperty({
    description:
      'Where Meta sent it: a webhook path (`optin.notification_messages_status`, `read.watermark`, `object`, …) or a Graph answer (`notification_message_tokens.user_token_status`)',
    example: 'optin.notification_messages_status',
  })
  field!: string;

  @ApiProperty({
    description: 'The value as Meta sent it, as text (at most 100 characters; never a token)',
    example: 'PAUSE_NOTIFICATIONS',
  })
  value!: string;

  @ApiProperty({ description: 'First time we saw it (ISO 8601, UTC)' }) firstSeenAt!: string;
  @ApiProperty({ description: 'Last time we saw it (ISO 8601, UTC)' }) lastSeenAt!: string;
  @ApiProperty({ description: 'How many times it came' }) count!: number;

  static of(row: UnrecognisedValueRow): UnrecognisedValueResponse {
    return {
      field: row.field,
      value: row.value,
      firstSeenAt: row.firstSeenAt.toISOString(),
      lastSeenAt: row.lastSeenAt.toISOString(),
      count: row.count,
    };
  }
}

export class UnrecognisedValuesResponse {
  @ApiProperty({ type: [UnrecognisedValueResponse], description: 'Most recently seen first, at most 200' })
  items!: UnrecognisedValueResponse[];
}
