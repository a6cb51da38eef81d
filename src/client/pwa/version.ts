/** Replaced at build time by Vite's `define` (vite.config.ts) with the version in package.json. */
declare const __APP_VERSION__: string | undefined;

/** The version this build was made from: the settings page shows it, so support can tell what a tablet runs. */
export const APP_VERSION: string = typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : 'dev';
