import type { GraphRequest } from './graph-request';
import { GraphTransport } from './graph-transport';
import { adAccountAccessRequest, tokenIdentityRequest } from './identity-api';
import {
  campaignInsightsRequest,
  createMessageCampaignRequest,
  deleteMessageCampaignRequest,
  deliveryEstimateRequest,
  findMessageCampaignsRequest,
  readMessageCampaignRequest,
  sendMarketingMessageRequest,
  updateMessageCampaignRequest,
} from './marketing-api';
import {
  buildButtonTemplateMessage,
  buildGenericTemplateMessage,
  buildImageMessage,
  buildOptinRequestMessage,
  buildQuickRepliesMessage,
  buildTextMessage,
} from './message-builders';
import { sendMessageRequest } from './send-api';
import { listSubscriptionTokensRequest, unsubscribeRequest } from './subscribers-api';
import type {
  AdAccountAccess,
  CampaignInsights,
  CreateMessageCampaignInput,
  DeliveryEstimate,
  DeliveryEstimateInput,
  GenericElement,
  GraphClientOptions,
  GraphResult,
  InsightsRange,
  IterateSubscriptionTokensOptions,
  MessageCampaign,
  ListSubscriptionTokensOptions,
  OptinRequest,
  QuickReply,
  SendMarketingMessageInput,
  SendOptions,
  SendResult,
  SubscriptionTokenPage,
  SuccessResult,
  TemplateButton,
  UnsubscribeRecipient,
  UnsubscribeResult,
  TokenIdentity,
  UpdateMessageCampaignInput,
} from './types';

/**
 * Typed Graph API client for the Send API, the Marketing Message API for Messenger and a Page's
 * subscription tokens. Platform errors come back as `{ ok: false, error }`; it throws only for
 * programmer errors (limits exceeded, bad options). Tokens are passed per call, as the platform
 * doc's "Which token where" says: Page token for Send API, token listing and unsubscribe;
 * system-user token for campaigns, marketing sends and insights.
 */
export class GraphApiClient {
  private readonly transport: GraphTransport;
  /** Set only on views made by `within`: a `performance.now()` instant every call of the view ends by. */
  private deadline?: number;

  constructor(opts: GraphClientOptions) {
    this.transport = new GraphTransport(opts);
  }

  /**
   * A view of this client (same sockets and options) whose calls, all of them together and retries and
   * waits included, end within `totalMs` from now: for calls made while a user waits for the answer. A
   * call the time ran out for comes back `transient` with reason `timeout` (`delivery: 'unknown'` if it
   * was under way, `not_sent` if it was never made).
   */
  within(totalMs: number): this {
    // The view inherits everything from this client; only its deadline is its own.
    const view = Object.create(this) as this;
    view.deadline = performance.now() + totalMs;
    return view;
  }

  private call<T>(req: GraphRequest<T>): Promise<GraphResult<T>> {
    return this.transport.request(req, this.deadline);
  }

  /** Closes the keep-alive sockets the client opened; call on shutdown. */
  close(): void {
    this.transport.close();
  }

  // ---- Whose token is it ----

  /** The node a token speaks for (`GET /me?fields=id,name`); with a Page access token, the Page. */
  getTokenIdentity(accessToken: string): Promise<GraphResult<TokenIdentity>> {
    return this.transport.request(tokenIdentityRequest(accessToken));
  }

  /** The ad account as the system-user token sees it; fails (code 100/33 or 190) when the token cannot use it. */
  getAdAccountAccess(systemUserToken: string, adAccountId: string): Promise<GraphResult<AdAccountAccess>> {
    return this.transport.request(adAccountAccessRequest(systemUserToken, adAccountId));
  }

  // ---- Send API (Page token) ----

  sendText(pageToken: string, pageId: string, psid: string, text: string, options?: SendOptions): Promise<GraphResult<SendResult>> {
    return this.call(sendMessageRequest(pageToken, pageId, psid, buildTextMessage(text), options));
  }

  /** An image attachment by public URL (Send API `attachment.type: image`). */
  sendImage(pageToken: string, pageId: string, psid: string, url: string, options?: SendOptions): Promise<GraphResult<SendResult>> {
    return this.call(sendMessageRequest(pageToken, pageId, psid, buildImageMessage(url), options));
  }

  sendQuickReplies(
    pageToken: string,
    pageId: string,
    psid: string,
    text: string,
    replies: readonly QuickReply[],
    options?: SendOptions,
  ): Promise<GraphResult<SendResult>> {
    return this.call(sendMessageRequest(pageToken, pageId, psid, buildQuickRepliesMessage(text, replies), options));
  }

  sendButtonTemplate(
    pageToken: string,
    pageId: string,
    psid: string,
    text: string,
    buttons: readonly TemplateButton[],
    options?: SendOptions,
  ): Promise<GraphResult<SendResult>> {
    return this.call(sendMessageRequest(pageToken, pageId, psid, buildButtonTemplateMessage(text, buttons), options));
  }

  sendGenericTemplate(
    pageToken: string,
    pageId: string,
    psid: string,
    elements: readonly GenericElement[],
    options?: SendOptions,
  ): Promise<GraphResult<SendResult>> {
    return this.call(sendMessageRequest(pageToken, pageId, psid, buildGenericTemplateMessage(elements), options));
  }

  /** Only inside the 24-hour window, hence always `messaging_type: RESPONSE`. */
  sendOptinRequest(pageToken: string, pageId: string, psid: string, request: OptinRequest): Promise<GraphResult<SendResult>> {
    return this.call(sendMessageRequest(pageToken, pageId, psid, buildOptinRequestMessage(request)));
  }

  // ---- Marketing Message API (system-user token) ----

  createMessageCampaign(token: string, adAccountId: string, input: CreateMessageCampaignInput): Promise<GraphResult<{ id: string }>> {
    return this.call(createMessageCampaignRequest(token, adAccountId, input));
  }

  updateMessageCampaign(token: string, campaignId: string, input: UpdateMessageCampaignInput): Promise<GraphResult<SuccessResult>> {
    return this.call(updateMessageCampaignRequest(token, campaignId, input));
  }

  /** `GET /<MESSAGE_CAMPAIGN_ID>`: the campaign as Meta holds it (name, status, budgets), to compare with ours. */
  readMessageCampaign(token: string, campaignId: string): Promise<GraphResult<MessageCampaign>> {
    return this.call(readMessageCampaignRequest(token, campaignId));
  }

  /**
   * The ad account's campaigns whose name contains `nameContains` (deleted ones left out): how a create
   * whose answer was lost is found again before creating anew. First page only (`limit` 25), newest first.
   */
  findMessageCampaigns(token: string, adAccountId: string, nameContains: string): Promise<GraphResult<MessageCampaign[]>> {
    return this.call(findMessageCampaignsRequest(token, adAccountId, nameContains));
  }

  deleteMessageCampaign(token: string, campaignId: string): Promise<GraphResult<SuccessResult>> {
    return this.call(deleteMessageCampaignRequest(token, campaignId));
  }

  getDeliveryEstimate(token: string, adAccountId: string, input: DeliveryEstimateInput): Promise<GraphResult<DeliveryEstimate>> {
    return this.call(deliveryEstimateRequest(token, adAccountId, input));
  }

  /**
   * One paid message to one subscription token. Never repeated inside the client once the request
   * may have reached Meta: such failures return `transient` with `delivery: 'unknown'`.
   */
  sendMarketingMessage(token: string, adAccountId: string, input: SendMarketingMessageInput): Promise<GraphResult<{ trackingId: string }>> {
    return this.call(sendMarketingMessageRequest(token, adAccountId, input));
  }

  getCampaignInsights(token: string, campaignId: string, range?: InsightsRange): Promise<GraphResult<CampaignInsights>> {
    return this.call(campaignInsightsRequest(token, campaignId, range));
  }

  // ---- Subscribers (Page token) ----

  listSubscriptionTokens(
    pageToken: string,
    pageId: string,
    options?: ListSubscriptionTokensOptions,
  ): Promise<GraphResult<SubscriptionTokenPage>> {
    return this.call(listSubscriptionTokensRequest(pageToken, pageId, options));
  }

  /**
   * Yields one result per page until Meta reports no next page. A failed page is yielded as
   * `{ ok: false }` and ends the iteration; the last good page's `nextCursor` resumes it.
   */
  async *iterateSubscriptionTokens(
    pageToken: string,
    pageId: string,
    options: IterateSubscriptionTokensOptions = {},
  ): AsyncGenerator<GraphResult<SubscriptionTokenPage>, void, undefined> {
    let after = options.after;
    for (;;) {
      const page = await this.listSubscriptionTokens(pageToken, pageId, {
        ...(options.pageSize !== undefined && { limit: options.pageSize }),
        ...(after !== undefined && { after }),
        ...(options.doNotReturnDuplicates !== undefined && { doNotReturnDuplicates: options.doNotReturnDuplicates }),
      });
      yield page;
      if (!page.ok || page.value.nextCursor === undefined) return;
      after = page.value.nextCursor;
    }
  }

  /** Page-level unsubscribe at Meta; see `UnsubscribeResult` for rows Meta did not match. */
  unsubscribe(pageToken: string, pageId: string, recipients: readonly UnsubscribeRecipient[]): Promise<GraphResult<UnsubscribeResult>> {
    return this.call(unsubscribeRequest(pageToken, pageId, recipients));
  }
}
