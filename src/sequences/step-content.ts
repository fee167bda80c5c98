import { fitMetaText, META_TEXT_LIMITS, type GenericElement, type QuickReply, type TemplateButton } from '../../libs/graph-api/src';
import { renderText, type Placeholder } from './placeholders';

export const STEP_TYPES = ['text', 'quick_replies', 'button_template', 'generic_template', 'optin', 'flow'] as const;
export type StepType = (typeof STEP_TYPES)[number];
/** What the run does when the platform or the opt-in policy refuses a step. */
export type OnForbidden = 'continue' | 'stop';

/**
 * A step's message; `optin` is the MM button step (the topic's opt-in request, through OptinService);
 * `flow` hands the person to a flow (its current version, from its entry), which then runs on its own.
 */
export type StepContent =
  | { type: 'text'; text: string }
  | { type: 'quick_replies'; text: string; quickReplies: QuickReply[] }
  | { type: 'button_template'; text: string; buttons: TemplateButton[] }
  | { type: 'generic_template'; elements: GenericElement[] }
  | { type: 'optin'; topicId: string }
  | { type: 'flow'; flowId: string };

/** What a run step can send: a sequence step's content, or a flow node's (flows add the image node). */
export type RunStepContent = StepContent | { type: 'image'; imageUrl: string };
export type RunStepType = RunStepContent['type'];

/**
 * Meta's lengths (META_TEXT_LIMITS, counted by metaTextLength): step texts keep to the button template's
 * 640 whatever the step type. A rendered field (a long item list, say) is cut to fit, at a grapheme
 * boundary, instead of failing the send.
 */
export const MAX_TEXT = META_TEXT_LIMITS.templateText;
export const MAX_BUTTON_TITLE = META_TEXT_LIMITS.buttonTitle;
export const MAX_ELEMENT_TEXT = META_TEXT_LIMITS.elementTitle;

const cut = (text: string, max: number): string => fitMetaText(text, max);
/** Payloads are data, not prose: cut without an ellipsis. */
const cutPayload = (text: string, max: number): string => fitMetaText(text, max, '');

/** The content with the order's fields filled in: what the run step stores and sends. */
export function renderContent(content: StepContent, values: Record<Placeholder, string>): StepContent {
  const r = (text: string, max: number): string => cut(renderText(text, values), max);
  const button = (b: TemplateButton): TemplateButton =>
    b.type === 'postback'
      ? { ...b, title: r(b.title, MAX_BUTTON_TITLE), payload: cutPayload(renderText(b.payload, values), META_TEXT_LIMITS.postbackPayload) }
      : { ...b, title: r(b.title, MAX_BUTTON_TITLE) };
  switch (content.type) {
    case 'text':
      return { type: 'text', text: r(content.text, MAX_TEXT) };
    case 'quick_replies':
      return {
        type: 'quick_replies',
        text: r(content.text, MAX_TEXT),
        quickReplies: content.quickReplies.map((q) => ({
          ...q,
          title: r(q.title, MAX_BUTTON_TITLE),
          payload: cutPayload(renderText(q.payload, values), META_TEXT_LIMITS.quickReplyPayload),
        })),
      };
    case 'button_template':
      return { type: 'button_template', text: r(content.text, MAX_TEXT), buttons: content.buttons.map(button) };
    case 'generic_template':
      return {
        type: 'generic_template',
        elements: content.elements.map((e) => ({
          ...e,
          title: r(e.title, MAX_ELEMENT_TEXT),
          ...(e.subtitle !== undefined && { subtitle: r(e.subtitle, MAX_ELEMENT_TEXT) }),
          ...(e.buttons !== undefined && { buttons: e.buttons.map(button) }),
        })),
      };
    case 'optin':
    case 'flow':
      return content;
  }
}
