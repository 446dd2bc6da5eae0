export * from './lifecycle';
export * from './schemas';
export * from './snapshot-filter';
export * from './field-mapping';
