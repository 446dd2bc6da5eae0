export * from './call-status';
export * from './schemas';
