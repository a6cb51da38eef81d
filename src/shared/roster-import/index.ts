export * from './normalise';
export * from './fields';
export * from './header-match';
export * from './rows';
export * from './wire';
