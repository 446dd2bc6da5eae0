export * from './types';
export * from './reducer';
export * from './from-protocol';
export { sameDocument } from './same-document';
export { coalesceFeedMessages } from './coalesce';
