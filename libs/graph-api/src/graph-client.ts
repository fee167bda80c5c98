import { GraphTransport } from './graph-transport';
import { adAccountAccessRequest, tokenIdentityRequest } from './identity-api';
import {
  campaignInsightsRequest,
  createMessageCampaignRequest,
  deleteMessageCampaignRequest,
  deliveryEstimateRequest,
  sendMarketingMessageRequest,
  updateMessageCampaignRequest,
} from './marketing-api';
import {
  buildButtonTemplateMessage,
  buildGenericTemplateMessage,
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

  constructor(opts: GraphClientOptions) {
    this.transport = new GraphTransport(opts);
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
    return this.transport.request(sendMessageRequest(pageToken, pageId, psid, buildTextMessage(text), options));
  }

  sendQuickReplies(
    pageToken: string,
    pageId: string,
    psid: string,
    text: string,
    replies: readonly QuickReply[],
    options?: SendOptions,
  ): Promise<GraphResult<SendResult>> {
    return this.transport.request(sendMessageRequest(pageToken, pageId, psid, buildQuickRepliesMessage(text, replies), options));
  }

  sendButtonTemplate(
    pageToken: string,
    pageId: string,
    psid: string,
    text: string,
    buttons: readonly TemplateButton[],
    options?: SendOptions,
  ): Promise<GraphResult<SendResult>> {
    return this.transport.request(sendMessageRequest(pageToken, pageId, psid, buildButtonTemplateMessage(text, buttons), options));
  }

  sendGenericTemplate(
    pageToken: string,
    pageId: string,
    psid: string,
    elements: readonly GenericElement[],
    options?: SendOptions,
  ): Promise<GraphResult<SendResult>> {
    return this.transport.request(sendMessageRequest(pageToken, pageId, psid, buildGenericTemplateMessage(elements), options));
  }

  /** Only inside the 24-hour window, hence always `messaging_type: RESPONSE`. */
  sendOptinRequest(pageToken: string, pageId: string, psid: string, request: OptinRequest): Promise<GraphResult<SendResult>> {
    return this.transport.request(sendMessageRequest(pageToken, pageId, psid, buildOptinRequestMessage(request)));
  }

  // ---- Marketing Message API (system-user token) ----

  createMessageCampaign(token: string, adAccountId: string, input: CreateMessageCampaignInput): Promise<GraphResult<{ id: string }>> {
    return this.transport.request(createMessageCampaignRequest(token, adAccountId, input));
  }

  updateMessageCampaign(token: string, campaignId: string, input: UpdateMessageCampaignInput): Promise<GraphResult<SuccessResult>> {
    return this.transport.request(updateMessageCampaignRequest(token, campaignId, input));
  }

  deleteMessageCampaign(token: string, campaignId: string): Promise<GraphResult<SuccessResult>> {
    return this.transport.request(deleteMessageCampaignRequest(token, campaignId));
  }

  getDeliveryEstimate(token: string, adAccountId: string, input: DeliveryEstimateInput): Promise<GraphResult<DeliveryEstimate>> {
    return this.transport.request(deliveryEstimateRequest(token, adAccountId, input));
  }

  /**
   * One paid message to one subscription token. Never repeated inside the client once the request
   * may have reached Meta: such failures return `transient` with `delivery: 'unknown'`.
   */
  sendMarketingMessage(token: string, adAccountId: string, input: SendMarketingMessageInput): Promise<GraphResult<{ trackingId: string }>> {
    return this.transport.request(sendMarketingMessageRequest(token, adAccountId, input));
  }

  getCampaignInsights(token: string, campaignId: string, range?: InsightsRange): Promise<GraphResult<CampaignInsights>> {
    return this.transport.request(campaignInsightsRequest(token, campaignId, range));
  }

  // ---- Subscribers (Page token) ----

  listSubscriptionTokens(
    pageToken: string,
    pageId: string,
    options?: ListSubscriptionTokensOptions,
  ): Promise<GraphResult<SubscriptionTokenPage>> {
    return this.transport.request(listSubscriptionTokensRequest(pageToken, pageId, options));
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
    return this.transport.request(unsubscribeRequest(pageToken, pageId, recipients));
  }
}
