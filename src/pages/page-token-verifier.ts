import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { GraphApiClient, type GraphError } from '../../libs/graph-api/src';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { GraphEndpoint } from '../common/graph-endpoint';
import { PluginMetrics } from '../metrics/plugin-metrics';

/** Kinds that say nothing about the token: Meta could not be asked, so the answer is "try again", not "refused". */
const UNANSWERED: ReadonlySet<GraphError['kind']> = new Set(['transient', 'rate_limited', 'pacing']);

const unanswered = (field: string): DomainError =>
  new DomainError(503, 'meta_unavailable', 'Meta could not be asked to confirm the token; nothing was changed, try again', { field });

/**
 * Asks Meta whose a token is before a Page is registered or its tokens changed (README, "Who holds a Page"): a Page is
 * only ever held with a Page access token that Meta says is that Page's, and a system-user token that
 * can use the ad account. Refusals are 422 naming the field; they never say which Page a token is for.
 *
 * Its own Graph client: the process-wide one lives in MessengerModule, which depends on PagesModule.
 */
@Injectable()
export class PageTokenVerifier implements OnApplicationShutdown {
  private readonly graph: GraphApiClient;

  constructor(endpoint: GraphEndpoint, clock: Clock, metrics: PluginMetrics) {
    const logger = new Logger(PageTokenVerifier.name);
    this.graph = new GraphApiClient({
      baseUrl: endpoint.baseUrl,
      appSecret: endpoint.appSecret,
      now: () => clock.now().getTime(),
      observer: metrics.graphObserver,
      logger: { warn: (msg, meta) => logger.warn({ msg, ...meta }), debug: (msg, meta) => logger.debug({ msg, ...meta }) },
    });
  }

  onApplicationShutdown(): void {
    this.graph.close();
  }

  /**
   * Resolves when `GET /me?fields=id,name` with `accessToken` answers `pageId` (a Page access token
   * speaks for its Page). 422 `token_not_for_page` (field `accessToken`) when Meta refuses the token
   * (code 190 and the like) or it speaks for anything else; 503 when Meta could not be reached.
   */
  async requirePageToken(pageId: string, accessToken: string): Promise<void> {
    const result = await this.graph.getTokenIdentity(accessToken);
    if (!result.ok) {
      if (UNANSWERED.has(result.error.kind)) throw unanswered('accessToken');
      throw new DomainError(422, 'token_not_for_page', `Meta did not accept the access token (code ${result.error.code})`, {
        field: 'accessToken',
      });
    }
    if (result.value.id !== pageId) {
      throw new DomainError(422, 'token_not_for_page', 'The access token is not a Page access token of this Page', {
        field: 'accessToken',
      });
    }
  }

  /**
   * Resolves when `GET /act_<id>?fields=id,account_status,currency` with the system-user token answers
   * the ad account. 422 `token_cannot_use_ad_account` (field `systemUserToken`) when Meta refuses
   * (code 190 invalid token, 100/33 no access); 503 when Meta could not be reached.
   */
  async requireAdAccountAccess(adAccountId: string, systemUserToken: string): Promise<void> {
    const result = await this.graph.getAdAccountAccess(systemUserToken, adAccountId);
    if (result.ok && result.value.id === adAccountId) return;
    if (!result.ok && UNANSWERED.has(result.error.kind)) throw unanswered('systemUserToken');
    const code = result.ok ? '' : ` (code ${result.error.code})`;
    throw new DomainError(
      422,
      'token_cannot_use_ad_account',
      `Meta did not confirm that the system-user token can use the ad account${code}`,
      {
        field: 'systemUserToken',
      },
    );
  }
}
