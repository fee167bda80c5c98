import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './locales/en';
import { fil } from './locales/fil';
import { vi } from './locales/vi';

const LANG_KEY = 'mm.lang';
export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'vi', label: 'Tiếng Việt' },
  { code: 'fil', label: 'Filipino' },
] as const;

const saved = localStorage.getItem(LANG_KEY);
void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, vi: { translation: vi }, fil: { translation: fil } },
  lng: LANGUAGES.some((l) => l.code === saved) ? saved! : 'en',
  // Filipino is partial: what is not translated yet is shown in English.
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
});
document.documentElement.lang = i18n.language;

/** Switches the language and remembers it in localStorage. */
export function setLanguage(code: string): void {
  localStorage.setItem(LANG_KEY, code);
  document.documentElement.lang = code;
  void i18n.changeLanguage(code);
}

export default i18n;
