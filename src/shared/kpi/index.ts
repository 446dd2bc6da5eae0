export * from './call-times';
export * from './call-kpis';
export * from './outcome-window';
export * from './campaign-history';
export * from './campaign-kpis';
export * from './summary';
