import type { Texts } from './en';

type Partial2<T> = { [K in keyof T]?: T[K] extends object ? Partial2<T[K]> : T[K] };

/** Filipino: the texts that are ready; the rest falls back to English. */
export const fil: Partial2<Texts> = {
  app: { signOut: 'Mag-sign out', language: 'Wika', page: 'Page' },
  nav: { topics: 'Mga MM Topic', flows: 'Mga flow', keywords: 'Mga keyword', campaigns: 'Mga kampanya', subscribers: 'Mga subscriber' },
  signIn: { title: 'Mag-sign in', submit: 'Mag-sign in' },
  common: { save: 'I-save', cancel: 'Kanselahin', create: 'Gumawa', add: 'Magdagdag' },
  topics: { new: 'Bagong Topic', defaultCta: 'Tumanggap ng mensahe' },
  pos: { activate: 'I-activate', reminder: 'Huwag kalimutang i-Activate' },
  campaigns: { pause: 'I-pause', resume: 'Ituloy' },
  results: {
    open: 'Mga resulta',
    close: 'Isara',
    tabs: { results: 'Mga resulta', settings: 'Mga setting' },
    sent: 'Naipadala',
    orders: 'Mga order',
    settings: { saved: 'Na-save' },
  },
  audience: { addCondition: 'Magdagdag ng kondisyon', customer: { lookUp: 'Hanapin', saveTags: 'I-save ang mga tag' } },
  repeat: { open: 'Ulitin…', submit: 'Ulitin', yearly: 'Taun-taon', monthly: 'Buwan-buwan', weekly: 'Linggo-linggo' },
};
