export * from './rules';
export * from './outcome-rules';
export * from './engine';
export * from './actions';
