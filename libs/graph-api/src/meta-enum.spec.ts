import { normaliseMetaEnum, readMetaEnum } from './meta-enum';

const STATUSES = ['STOP_NOTIFICATIONS', 'RESUME_NOTIFICATIONS'] as const;

describe('readMetaEnum', () => {
  it.each([
    ['STOP_NOTIFICATIONS', 'STOP_NOTIFICATIONS'],
    ['STOP NOTIFICATIONS', 'STOP_NOTIFICATIONS'],
    ['stop notifications', 'STOP_NOTIFICATIONS'],
    [' Resume-Notifications ', 'RESUME_NOTIFICATIONS'],
    ['RESUME  NOTIFICATIONS', 'RESUME_NOTIFICATIONS'],
  ])('reads %p as %p', (value, expected) => {
    expect(readMetaEnum(value, STATUSES)).toBe(expected);
  });

  it.each(['STOP', 'NOTIFICATIONS', 'PAUSE_NOTIFICATIONS', 'STOPNOTIFICATIONS', '', 3, null, undefined])('knows nothing of %p', (value) => {
    expect(readMetaEnum(value, STATUSES)).toBeUndefined();
  });

  it('answers in the spelling of the known list', () => {
    expect(readMetaEnum('NOTIFICATION MESSAGES', ['notification_messages'])).toBe('notification_messages');
    expect(normaliseMetaEnum('notification_messages')).toBe('NOTIFICATION_MESSAGES');
  });
});
