import { segment, type GraphRequest } from './graph-request';
import { asRecord, asString } from './json';
import type { OutgoingMessage, SendOptions, SendResult } from './types';

/** `POST /{pageId}/messages` with a Page token; the `message` comes from the builders. */
export const sendMessageRequest = (
  pageToken: string,
  pageId: string,
  psid: string,
  message: OutgoingMessage,
  options: SendOptions = {},
): GraphRequest<SendResult> => {
  const messagingType = options.messagingType ?? 'RESPONSE';
  const tag = options.messagingType === 'MESSAGE_TAG' ? options.tag : undefined;
  return {
    method: 'POST',
    path: `/${segment(pageId)}/messages`,
    accessToken: pageToken,
    body: {
      recipient: { id: psid },
      messaging_type: messagingType,
      ...(tag !== undefined && { tag }),
      message,
    },
    repeatable: false,
    ...(tag !== undefined && { messageTag: tag }),
    readResponse: readSendResult,
  };
};

const readSendResult = (body: unknown): SendResult | undefined => {
  const record = asRecord(body);
  const recipientId = asString(record?.recipient_id);
  const messageId = asString(record?.message_id);
  return recipientId !== undefined && messageId !== undefined ? { recipientId, messageId } : undefined;
};
