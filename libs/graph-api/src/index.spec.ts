import * as graphApi from './index';

describe('package entry point', () => {
  it('exports the client, the outcome helpers and the message builders, and nothing internal', () => {
    expect(Object.keys(graphApi).sort()).toEqual([
      'DEFAULT_DEFER_DELAYS',
      'GraphApiClient',
      'MAX_GENERIC_ELEMENTS',
      'MAX_MARKETING_TEXT_LENGTH',
      'MAX_OPTIN_TITLE_LENGTH',
      'MAX_QUICK_REPLIES',
      'MAX_TEMPLATE_BUTTONS',
      'META_SECONDS_BELOW',
      'META_TEXT_LIMITS',
      'REDACTED',
      'USER_TOKEN_STATUSES',
      'appSecretProof',
      'buildButtonTemplateMessage',
      'buildGenericTemplateMessage',
      'buildImageMessage',
      'buildOptinRequestMessage',
      'buildQuickRepliesMessage',
      'buildTextMessage',
      'classifyGraphError',
      'defersCampaign',
      'defersRecipient',
      'fitMetaText',
      'isRetryable',
      'marksSubscription',
      'metaTextLength',
      'metaTextProblem',
      'normaliseMetaEnum',
      'normaliseMetaText',
      'parseMetaTime',
      'pausesCampaign',
      'readMetaEnum',
      'redactText',
      'redactUrl',
      'requireMetaText',
    ]);
  });
});
