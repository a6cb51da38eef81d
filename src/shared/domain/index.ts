export * from './ids';
export * from './org';
export * from './people';
export * from './activities';
export * from './records';
export * from './roster';
export * from './consent';
