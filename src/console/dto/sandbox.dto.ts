import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { IsName, IsPsid } from '../../common/validators';

/** `PUT /api/sandbox/warm-up`: the demo warm-up, seconds (5 to 3600; 3600 is Meta's hour again). */
export class DemoWarmUpDto {
  @ApiProperty({ minimum: 5, maximum: 3600, description: "Seconds between creating a campaign and its first send; 3600 = Meta's hour" })
  @IsInt()
  @Min(5)
  @Max(3600)
  warmUpSeconds!: number;
}

/** Who the simulated customer is: a PSID of the Page. */
export class SimulatedCustomerDto {
  @ApiProperty({ description: "The customer's PSID on the Page" })
  @IsPsid()
  psid!: string;
}

/** A message the simulated customer writes to the Page. */
export class SimulatedMessageDto extends SimulatedCustomerDto {
  @ApiProperty({ minLength: 1, maxLength: 2000 })
  @IsString()
  @Length(1, 2000)
  text!: string;
}

/** `GET /api/sandbox`: whether the simulator is there, and the warm-up in force. */
export class SandboxStateResponse {
  @ApiProperty({ description: 'true only in the local run against the bundled sandbox' }) sandbox!: boolean;
  @ApiProperty({ description: 'The campaign warm-up in force, ms' }) warmUpMs!: number;
  @ApiProperty({ description: "Meta's warm-up, ms (one hour)" }) metaWarmUpMs!: number;
  @ApiProperty({ description: 'true when the demo setting shortened the warm-up' }) demo!: boolean;
}

/** `POST /api/sandbox/demo-shop`: a shop to try the console with, in the local sandbox run only. */
export class DemoShopDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Manila Threads' })
  @IsName(100)
  name!: string;

  @ApiProperty({
    enum: ['en-PH', 'vi-VN', 'fil-PH'],
    required: false,
    description: "The shop's locale (its currency follows: VND for vi-VN, else PHP)",
  })
  @IsOptional()
  @IsIn(['en-PH', 'vi-VN', 'fil-PH'])
  locale?: 'en-PH' | 'vi-VN' | 'fil-PH';
}

/** The new shop's first API key, shown once. */
export class DemoShopResponse {
  @ApiProperty() shopId!: string;
  @ApiProperty({ description: 'The API key to sign in with (shown once)' }) apiKey!: string;
}

/** `GET /api/sandbox/demo-shop`: whether the sign-in screen may offer a demo shop (local sandbox run only). */
export class DemoShopAvailability {
  @ApiProperty() available!: boolean;
}

/** The simulated customer's message, as the sandbox recorded it. */
export class SimulatedMessageResponse {
  @ApiProperty({ description: "The message id (Meta's mid)" }) mid!: string;
  @ApiProperty({ description: 'When it was sent, ms since the epoch' }) timestamp!: number;
}

/** The MM button the simulated customer tapped. */
export class SimulatedOptinResponse {
  @ApiProperty({ description: "The topic's opt-in title" }) title!: string;
  @ApiProperty({ description: "The topic's payload" }) payload!: string;
}

/** How many of the customer's subscription tokens a STOP or RESUME flipped. */
export class TokensFlippedResponse {
  @ApiProperty() tokens!: number;
}

/** One message the simulated customer received from the Page (never a token). */
export class ReceivedMessageResponse {
  @ApiProperty({ description: 'What sent it: send API, marketing message…' }) source!: string;
  @ApiProperty({ description: 'text, template, optin request, marketing message…' }) type!: string;
  @ApiProperty({ description: 'ms since the epoch' }) time!: number;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The message as the Page sent it' })
  message!: Record<string, unknown>;
}
