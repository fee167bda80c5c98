import { applyDecorators, type INestApplication } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
} from '@nestjs/swagger';
import { MINOR_UNITS_RULE } from './money';

/** One fault of the input, as the error body lists it (`FieldProblem` of http-error.filter.ts). */
export class FieldProblemBody {
  @ApiProperty({ example: 'steps.0.text', description: 'The field at fault, with its path in the body' }) field!: string;
  @ApiProperty({ example: 'isNotEmpty', description: 'The rule it broke (a validator name or a domain code)' }) rule!: string;
  @ApiProperty({ example: 'steps.0.text should not be empty' }) message!: string;
}

/**
 * The one error body of every route (HttpErrorFilter, src/common/http-error.filter.ts):
 * `{ statusCode, error, message, fields?, details?, requestId }`.
 */
export class ErrorBody {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({
    example: 'validation_failed',
    description: 'Stable code: `validation_failed`, `not_found`, `unauthorized`, or the rule (e.g. `window_closed`)',
  })
  error!: string;
  @ApiProperty({ example: 'steps.0.text should not be empty' }) message!: string;
  @ApiPropertyOptional({ type: [FieldProblemBody], description: 'Every field at fault (400), or the field that held an unknown id (404)' })
  fields?: FieldProblemBody[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'What the code needs to act: e.g. `retryAt` (ISO 8601) for a 409/503 that may be asked again, `heldBy` for `page_in_use`',
  })
  details?: Record<string, unknown>;
  @ApiProperty({ example: '4f1c9a2e-8d0b-4c55-9a41-2b7e0c1d3f6a', description: 'Also in the log line; the only content of a 500' })
  requestId!: string;
}

/** What each status means on this API, unless a route says more. */
const DEFAULT_ERRORS: Record<number, string> = {
  400: '`validation_failed`: `fields` lists every field at fault (unknown fields are refused too)',
  401: '`unauthorized`: no `Authorization: Bearer <api key>` header, or the key is unknown or revoked',
  404: "`not_found`: no such resource for this shop (another shop's is a 404 too); `fields` names the id",
  409: 'A conflict with the current state: `error` names it',
  422: 'Refused by a rule: `error` names it',
  500: '`internal`: only the `requestId`, which is in the log line',
  502: 'Meta refused the change: nothing changed here',
  503: 'Meta (or the database) could not be asked in time: nothing changed; `details.retryAt` when known',
};

/**
 * Documents error responses with the one error body. Give statuses (default descriptions above) or
 * `{ status, description }` for a route's own codes. On a controller it applies to every route.
 */
export function ApiErrors(...errors: Array<number | { status: number; description: string }>): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiExtraModels(ErrorBody, FieldProblemBody),
    ...errors.map((e) => {
      const { status, description } = typeof e === 'number' ? { status: e, description: DEFAULT_ERRORS[e] ?? '' } : e;
      return ApiResponse({ status, type: ErrorBody, description });
    }),
  );
}

/** The security scheme's name in the document; the guard (ApiKeyGuard) reads exactly this. */
export const API_KEY_SCHEME = 'apiKey';

/** One tag per module, in the order the README tells them. */
const TAGS: Array<[string, string]> = [
  ['shop', "The calling key's shop: name, locale, currency"],
  ['api-keys', "The shop's API keys (stored hashed; the secret is shown once)"],
  ['pages', 'Facebook Pages and Instagram accounts, registered with tokens Meta confirms'],
  ['messenger', 'What Meta sent that the plugin did not recognise'],
  ['topics', 'Topics a customer can subscribe to (the MM button)'],
  ['opt-in requests', 'Sending the MM button, within the opt-in rules'],
  ['subscribers', "A topic's subscribers; import, reconcile and unsubscribe"],
  ['sequences', 'Message sequences and their runs'],
  ['pos-notification-rules', 'Rules: on an order status, run a sequence'],
  ['pos', 'Order events from the POS'],
  ['keywords', "Keyword rules: a customer's words (case and accents folded) answered with a flow or sequence"],
  ['flows', 'Versioned flows of messages, taps and the MM button node; their runs'],
  ['broadcasts', 'Campaigns of marketing messages to a topic, and their figures'],
  ['audience', "Customers' order summaries and tags, saved segments, audience counts"],
  ['results', 'Campaign results: tracked links, attribution of orders, opt-outs, A/B tests, figures over time'],
  ['console', "The console's sandbox-only helpers: the customer simulator, the demo warm-up and the demo shop"],
  ['integrations', "The shop's HTTP endpoints for domain events: signed, in order per customer, retried for a day"],
  ['health', 'Liveness and readiness probes (no API key)'],
];

/**
 * The plugin's OpenAPI document, served at /docs (JSON at /docs-json). `include`: the modules whose routes
 * it lists (in a host app, the plugin's only).
 */
export function createOpenApiDocument(app: INestApplication, include?: Array<new (...args: never[]) => unknown>): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Marketing Messages plugin')
    .setDescription(
      `Topics, opt-ins, broadcasts and POS notification rules for Messenger marketing messages. Every amount (order totals and item prices, budgets, price per message, estimates, costs, spend) is an ${MINOR_UNITS_RULE}. Every error has one body (ErrorBody).`,
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'mmk_…',
        description:
          "The shop's API key as a bearer token: `Authorization: Bearer mmk_…` on every /api route (no other header or query parameter is read). " +
          'Made by `npm run cli -- create-shop` or `POST /api/keys`; a revoked key is refused at once; repeated 401s from one address are slowed down.',
      },
      API_KEY_SCHEME,
    );
  for (const [name, description] of TAGS) builder.addTag(name, description);
  return SwaggerModule.createDocument(app, builder.build(), include ? { include } : undefined);
}
