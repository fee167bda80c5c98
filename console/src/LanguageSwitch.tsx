import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage } from './i18n';

/** English / Tiếng Việt / Filipino, remembered in localStorage. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <Select
      aria-label={t('app.language')}
      value={i18n.language}
      onChange={setLanguage}
      options={LANGUAGES.map((l) => ({ value: l.code, label: l.label }))}
      style={{ width: 130 }}
      data-testid="language"
    />
  );
}
