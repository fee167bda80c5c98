import {
  buildGenericTemplateMessage,
  buildImageMessage,
  buildTextMessage,
  MAX_GENERIC_ELEMENTS,
  MAX_MARKETING_TEXT_LENGTH,
  MAX_TEMPLATE_BUTTONS,
  META_TEXT_LIMITS,
  metaTextProblem,
  normaliseMetaText,
  requireMetaText,
  type OutgoingMessage,
  type TemplateButton,
} from '../../libs/graph-api/src';
import type { FieldProblem } from '../common/http-error.filter';

/** What a campaign says: a text, an image, or a generic template (a carousel of cards). */
export type CampaignContent =
  { type: 'text'; text: string } | { type: 'image'; imageUrl: string } | { type: 'generic'; elements: CampaignCard[] };

export interface CampaignCard {
  title: string;
  subtitle?: string;
  imageUrl?: string;
  defaultActionUrl?: string;
  buttons?: TemplateButton[];
}

/** Meta's limits for generic template cards and buttons (docs/meta-platform.md §5; Messenger templates). */
export const MAX_CARD_TITLE_LENGTH = META_TEXT_LIMITS.elementTitle;
export const MAX_CARD_SUBTITLE_LENGTH = META_TEXT_LIMITS.elementSubtitle;
export const MAX_BUTTON_TITLE_LENGTH = META_TEXT_LIMITS.buttonTitle;
export const MAX_POSTBACK_PAYLOAD_LENGTH = META_TEXT_LIMITS.postbackPayload;
const MAX_URL_LENGTH = 2000;

/** The only placeholders Meta resolves; anything else in braces is refused when saved (2300038 otherwise). */
export const ALLOWED_PLACEHOLDERS = ['first_name', 'last_name', 'full_name'] as const;
const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** checkCampaignContent's problems only (none for a good content), for the DTOs' IsCampaignContent. */
export function contentProblems(input: unknown, field: string): FieldProblem[] {
  const checked = checkCampaignContent(input, field);
  return 'problems' in checked ? checked.problems : [];
}

/**
 * Checks a campaign's content against the platform's limits when it is saved, so the shop sees
 * every problem at once, each naming its field (`content.elements.1.buttons.0.title`), instead of
 * Meta refusing each send. Lengths are measured by the Graph builders' own rule (`metaTextLength`:
 * UTF-16 code units after NFC), the same as sequence texts. Returns the content in its stored shape,
 * texts in NFC, or the problems.
 */
export function checkCampaignContent(input: unknown, field = 'content'): { content: CampaignContent } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const problem = (at: string, rule: string, message: string): void => {
    problems.push({ field: at, rule, message });
  };
  if (!isObject(input)) {
    problem(field, 'isObject', `${field} must be an object with a type of text, image or generic`);
    return { problems };
  }
  const refuseUnknown = (obj: Json, at: string, allowed: string[]): void => {
    for (const key of Object.keys(obj))
      if (!allowed.includes(key)) problem(`${at}.${key}`, 'whitelistValidation', `${at}.${key} is not an accepted field`);
  };
  const text = (
    obj: Json,
    key: string,
    at: string,
    opts: { required: boolean; max: number; placeholders: boolean },
  ): string | undefined => {
    const value = obj[key];
    const path = `${at}.${key}`;
    if (value === undefined) {
      if (opts.required) problem(path, 'isNotEmpty', `${path} is required`);
      return undefined;
    }
    if (typeof value !== 'string' || value.trim() === '') {
      problem(path, 'isNotEmpty', `${path} must be a non-empty string`);
      return undefined;
    }
    const tooLong = metaTextProblem(path, value, opts.max);
    if (tooLong !== undefined) problem(path, 'maxLength', tooLong);
    checkPlaceholders(value, path, opts.placeholders, problem);
    return normaliseMetaText(value);
  };
  const url = (obj: Json, key: string, at: string, required: boolean): string | undefined => {
    const value = text(obj, key, at, { required, max: MAX_URL_LENGTH, placeholders: false });
    if (value !== undefined && !/^https?:\/\/[^\s/]+\.[^\s]+$/i.test(value))
      problem(`${at}.${key}`, 'isUrl', `${at}.${key} must be an http(s) URL`);
    return value;
  };

  switch (input.type) {
    case 'text': {
      refuseUnknown(input, field, ['type', 'text']);
      const value = text(input, 'text', field, { required: true, max: MAX_MARKETING_TEXT_LENGTH, placeholders: true });
      return problems.length ? { problems } : { content: { type: 'text', text: value! } };
    }
    case 'image': {
      refuseUnknown(input, field, ['type', 'imageUrl']);
      const value = url(input, 'imageUrl', field, true);
      return problems.length ? { problems } : { content: { type: 'image', imageUrl: value! } };
    }
    case 'generic': {
      refuseUnknown(input, field, ['type', 'elements']);
      const elements = input.elements;
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > MAX_GENERIC_ELEMENTS) {
        problem(`${field}.elements`, 'arrayMaxSize', `${field}.elements must hold 1 to ${MAX_GENERIC_ELEMENTS} cards`);
        return { problems };
      }
      const cards: CampaignCard[] = elements.map((element, i) => {
        const at = `${field}.elements.${i}`;
        if (!isObject(element)) {
          problem(at, 'isObject', `${at} must be an object`);
          return { title: '' };
        }
        refuseUnknown(element, at, ['title', 'subtitle', 'imageUrl', 'defaultActionUrl', 'buttons']);
        const card: CampaignCard = {
          title: text(element, 'title', at, { required: true, max: MAX_CARD_TITLE_LENGTH, placeholders: true }) ?? '',
        };
        const subtitle = text(element, 'subtitle', at, { required: false, max: MAX_CARD_SUBTITLE_LENGTH, placeholders: true });
        if (subtitle !== undefined) card.subtitle = subtitle;
        const imageUrl = url(element, 'imageUrl', at, false);
        if (imageUrl !== undefined) card.imageUrl = imageUrl;
        const defaultActionUrl = url(element, 'defaultActionUrl', at, false);
        if (defaultActionUrl !== undefined) card.defaultActionUrl = defaultActionUrl;
        if (element.buttons !== undefined) card.buttons = checkButtons(element.buttons, `${at}.buttons`, problem, text, url);
        return card;
      });
      return problems.length ? { problems } : { content: { type: 'generic', elements: cards } };
    }
    default:
      problem(`${field}.type`, 'isIn', `${field}.type must be one of text, image, generic`);
      return { problems };
  }
}

type Problem = (at: string, rule: string, message: string) => void;

function checkButtons(
  input: unknown,
  at: string,
  problem: Problem,
  text: (obj: Json, key: string, at: string, opts: { required: boolean; max: number; placeholders: boolean }) => string | undefined,
  url: (obj: Json, key: string, at: string, required: boolean) => string | undefined,
): TemplateButton[] {
  if (!Array.isArray(input) || input.length > MAX_TEMPLATE_BUTTONS) {
    problem(at, 'arrayMaxSize', `${at} must hold at most ${MAX_TEMPLATE_BUTTONS} buttons`);
    return [];
  }
  return input.flatMap((button, j): TemplateButton[] => {
    const bat = `${at}.${j}`;
    if (!isObject(button)) {
      problem(bat, 'isObject', `${bat} must be an object`);
      return [];
    }
    // Meta resolves no placeholder in buttons.
    const title = text(button, 'title', bat, { required: true, max: MAX_BUTTON_TITLE_LENGTH, placeholders: false }) ?? '';
    if (button.type === 'web_url') {
      for (const key of Object.keys(button))
        if (!['type', 'title', 'url'].includes(key))
          problem(`${bat}.${key}`, 'whitelistValidation', `${bat}.${key} is not an accepted field`);
      return [{ type: 'web_url', title, url: url(button, 'url', bat, true) ?? '' }];
    }
    if (button.type === 'postback') {
      for (const key of Object.keys(button))
        if (!['type', 'title', 'payload'].includes(key))
          problem(`${bat}.${key}`, 'whitelistValidation', `${bat}.${key} is not an accepted field`);
      return [
        {
          type: 'postback',
          title,
          payload: text(button, 'payload', bat, { required: true, max: MAX_POSTBACK_PAYLOAD_LENGTH, placeholders: false }) ?? '',
        },
      ];
    }
    problem(`${bat}.type`, 'isIn', `${bat}.type must be web_url or postback`);
    return [];
  });
}

function checkPlaceholders(value: string, path: string, allowed: boolean, problem: Problem): void {
  for (const match of value.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!allowed)
      problem(
        path,
        'placeholderNotAllowed',
        `${path} cannot hold placeholders (${match[0]}): Meta resolves them only in texts, titles and subtitles`,
      );
    else if (!(ALLOWED_PLACEHOLDERS as readonly string[]).includes(name)) {
      problem(
        path,
        'unknownPlaceholder',
        `${path}: ${match[0]} is not a placeholder Meta resolves (use {{first_name}}, {{last_name}} or {{full_name}})`,
      );
    }
  }
}

/**
 * The `message` object sent to Meta for every recipient (placeholders are resolved by Meta). Throws
 * RangeError, naming the field, for content the Marketing Message API would refuse (saved content
 * never is: checkCampaignContent applies the same limits).
 */
export function toOutgoingMessage(content: CampaignContent): OutgoingMessage {
  switch (content.type) {
    case 'text':
      return buildTextMessage(requireMetaText('content.text', content.text, MAX_MARKETING_TEXT_LENGTH));
    case 'image':
      return buildImageMessage(content.imageUrl);
    case 'generic':
      return buildGenericTemplateMessage(content.elements);
  }
}
