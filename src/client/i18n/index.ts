import { createI18n } from 'vue-i18n';

export const LOCALES = ['vi', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const STORAGE_KEY = 'truongan.locale';

type MessageTree = { [key: string]: string | MessageTree };
type FeatureModule = { default: MessageTree };

/**
 * Every feature owns its message files (`vi/<feature>.ts`, `en/<feature>.ts`, each `export default { <feature>: {…} }`),
 * so that engineers working on different features never edit the same catalogue file.
 */
function merge(modules: Record<string, FeatureModule>): MessageTree {
  const catalogue: MessageTree = {};
  for (const [file, module] of Object.entries(modules)) {
    for (const [feature, messages] of Object.entries(module.default)) {
      if (feature in catalogue) throw new Error(`i18n: "${feature}" is defined twice (again in ${file})`);
      catalogue[feature] = messages;
    }
  }
  return catalogue;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

function storedLocale(): Locale {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLocale(saved) ? saved : 'vi';
  } catch {
    // Storage can be blocked (private mode, policies): Vietnamese is the default anyway.
    return 'vi';
  }
}

export const i18n = createI18n({
  legacy: false,
  locale: storedLocale(),
  fallbackLocale: 'vi',
  messages: {
    vi: merge(import.meta.glob<FeatureModule>('./vi/*.ts', { eager: true })),
    en: merge(import.meta.glob<FeatureModule>('./en/*.ts', { eager: true })),
  },
  // Missing keys fall back to Vietnamese silently in production; during development they are reported.
  missingWarn: import.meta.env.DEV,
  fallbackWarn: false,
});

/** Switches the interface language and remembers the choice on this device. */
export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, locale);
  } catch {
    // Not remembered when storage is blocked; the switch still applies to this visit.
  }
}

export function currentLocale(): Locale {
  const locale = i18n.global.locale.value;
  return isLocale(locale) ? locale : 'vi';
}
