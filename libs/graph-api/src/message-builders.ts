import { META_TEXT_LIMITS, requireMetaText } from './meta-text';
import type { GenericElement, OptinRequest, OutgoingMessage, QuickReply, TemplateButton, WireButton, WireGenericElement } from './types';

/**
 * Builders for the `message` object, shared by the Send API and the Marketing Message API.
 * Meta's structural limits and text lengths (`META_TEXT_LIMITS`, measured by `metaTextLength`) are
 * checked here and throw RangeError: exceeding them is a bug in the caller, not a platform outcome.
 * Texts go out in NFC.
 */
export const MAX_QUICK_REPLIES = 13;
export const MAX_TEMPLATE_BUTTONS = 3;
export const MAX_GENERIC_ELEMENTS = 10;
export const MAX_OPTIN_TITLE_LENGTH = META_TEXT_LIMITS.optinTitle;

const requireCount = (what: string, count: number, min: number, max: number): void => {
  if (count < min || count > max) throw new RangeError(`${what}: expected ${min} to ${max}, got ${count}`);
};

/** A Send API text (up to 2000); the Marketing Message API allows 640, checked by its request builder. */
export const buildTextMessage = (text: string): OutgoingMessage => ({
  text: requireMetaText('text', text, META_TEXT_LIMITS.messageText),
});

export const buildQuickRepliesMessage = (text: string, replies: readonly QuickReply[]): OutgoingMessage => {
  requireCount('quick replies', replies.length, 1, MAX_QUICK_REPLIES);
  return {
    text: requireMetaText('text', text, META_TEXT_LIMITS.messageText),
    quick_replies: replies.map((r, i) => ({
      content_type: 'text',
      title: requireMetaText(`quick_replies.${i}.title`, r.title, META_TEXT_LIMITS.quickReplyTitle),
      payload: requireMetaText(`quick_replies.${i}.payload`, r.payload, META_TEXT_LIMITS.quickReplyPayload),
      ...(r.imageUrl !== undefined && { image_url: r.imageUrl }),
    })),
  };
};

const toWireButton = (b: TemplateButton, at: string): WireButton => {
  const title = requireMetaText(`${at}.title`, b.title, META_TEXT_LIMITS.buttonTitle);
  return b.type === 'web_url'
    ? {
        type: 'web_url',
        title,
        url: b.url,
        ...(b.webviewHeightRatio !== undefined && { webview_height_ratio: b.webviewHeightRatio }),
      }
    : { type: 'postback', title, payload: requireMetaText(`${at}.payload`, b.payload, META_TEXT_LIMITS.postbackPayload) };
};

export const buildButtonTemplateMessage = (text: string, buttons: readonly TemplateButton[]): OutgoingMessage => {
  requireCount('buttons', buttons.length, 1, MAX_TEMPLATE_BUTTONS);
  return {
    attachment: {
      type: 'template',
      payload: {
        template_type: 'button',
        text: requireMetaText('text', text, META_TEXT_LIMITS.templateText),
        buttons: buttons.map((b, i) => toWireButton(b, `buttons.${i}`)),
      },
    },
  };
};

const toWireElement = (e: GenericElement, index: number): WireGenericElement => {
  if (e.buttons !== undefined) requireCount(`buttons of element ${index}`, e.buttons.length, 0, MAX_TEMPLATE_BUTTONS);
  const at = `elements.${index}`;
  return {
    title: requireMetaText(`${at}.title`, e.title, META_TEXT_LIMITS.elementTitle),
    ...(e.subtitle !== undefined && { subtitle: requireMetaText(`${at}.subtitle`, e.subtitle, META_TEXT_LIMITS.elementSubtitle) }),
    ...(e.imageUrl !== undefined && { image_url: e.imageUrl }),
    ...(e.defaultActionUrl !== undefined && { default_action: { type: 'web_url', url: e.defaultActionUrl } }),
    ...(e.buttons !== undefined && e.buttons.length > 0 && { buttons: e.buttons.map((b, j) => toWireButton(b, `${at}.buttons.${j}`)) }),
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
  const title = req.title === undefined ? undefined : requireMetaText('opt-in title', req.title, MAX_OPTIN_TITLE_LENGTH);
  return {
    attachment: {
      type: 'template',
      payload: {
        template_type: 'notification_messages',
        ...(title !== undefined && { title }),
        payload: req.payload,
        ...(req.imageUrl !== undefined && { image_url: req.imageUrl }),
        ...(req.imageAspectRatio !== undefined && { image_aspect_ratio: req.imageAspectRatio }),
        ...(req.ctaText !== undefined && { notification_messages_cta_text: req.ctaText }),
        ...(req.timezone !== undefined && { notification_messages_timezone: req.timezone }),
      },
    },
  };
};
