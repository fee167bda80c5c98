import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Campaign } from '../api';
import { tone } from '../tone';

/** Blue while a campaign is under way, orange paused, green done, red canceled. */
const STATUS_TONE: Record<Campaign['status'], string> = {
  draft: 'default',
  scheduled: 'blue',
  running: 'blue',
  paused: 'orange',
  completed: 'green',
  canceled: 'red',
};

/** A campaign's status in words, in the one tone every campaign screen shows it in. */
export function CampaignStatusTag({ status, testId }: { status: Campaign['status']; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Tag style={tone(STATUS_TONE[status])} data-testid={testId}>
      {t(`campaigns.status.${status}`)}
    </Tag>
  );
}
