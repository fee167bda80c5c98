import type { GenericElement, OptinRequest, OutgoingMessage, QuickReply, TemplateButton, WireButton, WireGenericElement } from './types';

/**
 * Builders for the `message` object, shared by the Send API and the Marketing Message API.
 * Meta's structural limits are checked here and throw RangeError: exceeding them is a bug in the
 * caller, not a platform outcome.
 */
export const MAX_QUICK_REPLIES = 13;
export const MAX_TEMPLATE_BUTTONS = 3;
export const MAX_GENERIC_ELEMENTS = 10;
export const MAX_OPTIN_TITLE_LENGTH = 65;

const requireCount = (what: string, count: number, min: number, max: number): void => {
  if (count < min || count > max) throw new RangeError(`${what}: expected ${min} to ${max}, got ${count}`);
};

export const buildTextMessage = (text: string): OutgoingMessage => {
  if (text.length === 0) throw new RangeError('text must not be empty');
  return { text };
};

export const buildQuickRepliesMessage = (text: string, replies: readonly QuickReply[]): OutgoingMessage => {
  requireCount('quick replies', replies.length, 1, MAX_QUICK_REPLIES);
  return {
    text,
    quick_replies: replies.map((r) => ({
      content_type: 'text',
      title: r.title,
      payload: r.payload,
      ...(r.imageUrl !== undefined && { image_url: r.imageUrl }),
    })),
  };
};

const toWireButton = (b: TemplateButton): WireButton =>
  b.type === 'web_url'
    ? {
        type: 'web_url',
        title: b.title,
        url: b.url,
        ...(b.webviewHeightRatio !== undefined && { webview_height_ratio: b.webviewHeightRatio }),
      }
    : { type: 'postback', title: b.title, payload: b.payload };

export const buildButtonTemplateMessage = (text: string, buttons: readonly TemplateButton[]): OutgoingMessage => {
  requireCount('buttons', buttons.length, 1, MAX_TEMPLATE_BUTTONS);
  return {
    attachment: { type: 'template', payload: { template_type: 'button', text, buttons: buttons.map(toWireButton) } },
  };
};

const toWireElement = (e: GenericElement, index: number): WireGenericElement => {
  if (e.buttons !== undefined) requireCount(`buttons of element ${index}`, e.buttons.length, 0, MAX_TEMPLATE_BUTTONS);
  return {
    title: e.title,
    ...(e.subtitle !== undefined && { subtitle: e.subtitle }),
    ...(e.imageUrl !== undefined && { image_url: e.imageUrl }),
    ...(e.defaultActionUrl !== undefined && { default_action: { type: 'web_url', url: e.defaultActionUrl } }),
    ...(e.buttons !== undefined && e.buttons.length > 0 && { buttons: e.buttons.map(toWireButton) }),
  };
};

export const buildGenericTemplateMessage = (elements: readonly GenericElement[]): OutgoingMessage => {
  requireCount('generic template elements', elements.length, 1, MAX_GENERIC_ELEMENTS);
  return {
    attachment: { type: 'template', payload: { template_type: 'generic', elements: elements.map(toWireElement) } },
  };
};

export const buildImageMessage = (url: string): OutgoingMessage => ({
  attachment: { type: 'image', payload: { url } },
});

/** The opt-in request ("notification_messages" template) that yields a subscription token. */
export const buildOptinRequestMessage = (req: OptinRequest): OutgoingMessage => {
  if (req.title !== undefined && req.title.length > MAX_OPTIN_TITLE_LENGTH) {
    throw new RangeError(`opt-in title: at most ${MAX_OPTIN_TITLE_LENGTH} characters, got ${req.title.length}`);
  }
  return {
    attachment: {
      type: 'template',
      payload: {
        template_type: 'notification_messages',
        ...(req.title !== undefined && { title: req.title }),
        payload: req.payload,
        ...(req.imageUrl !== undefined && { image_url: req.imageUrl }),
        ...(req.imageAspectRatio !== undefined && { image_aspect_ratio: req.imageAspectRatio }),
        ...(req.ctaText !== undefined && { notification_messages_cta_text: req.ctaText }),
        ...(req.timezone !== undefined && { notification_messages_timezone: req.timezone }),
      },
    },
  };
};
