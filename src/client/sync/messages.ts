import vi from '../i18n/vi/sync';

export type SyncMessageKey = keyof typeof vi.sync;
export type MessageParams = Record<string, string | number>;

type Translate = (key: string, params?: MessageParams) => string;

let translate: Translate | null = null;
let loading: Promise<void> | null = null;

/**
 * Loads the app's vue-i18n instance lazily: the data layer must not pull the UI's i18n set-up into modules that
 * tests (and the engine) load on their own. Until it is loaded, or where it is absent, messages come straight from
 * the Vietnamese catalogue, which is the interface's first language anyway.
 */
export function loadTranslator(): Promise<void> {
  loading ??= import('../i18n/index')
    .then(({ i18n }) => {
      const t = i18n.global.t as unknown as Translate;
      translate = (key, params) => (params ? t(key, params) : t(key));
    })
    .catch(() => {
      translate = null;
    });
  return loading;
}

/** Replaces the translator (tests; or an app that sets up i18n differently). */
export function setTranslator(fn: Translate | null): void {
  translate = fn;
  loading = Promise.resolve();
}

/** A display-ready message of the sync catalogue. */
export function syncMessage(key: SyncMessageKey, params?: MessageParams): string {
  if (translate) return translate(`sync.${key}`, params);
  return interpolate(vi.sync[key], params);
}

function interpolate(template: string, params?: MessageParams): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** An error whose message is already translated, with the catalogue key kept for code that needs to tell them apart. */
export class SyncMessageError extends Error {
  constructor(
    readonly key: SyncMessageKey,
    params?: MessageParams,
    readonly fields?: { field: string; message: string }[],
  ) {
    super(syncMessage(key, params));
    this.name = 'SyncMessageError';
  }
}
