// Types for tools/icon-formats.mjs.
export declare function pngSize(data: Buffer): { width: number; height: number };
export declare function buildIco(pngs: Buffer[]): Buffer;
export declare function icoSizes(data: Buffer): number[];
export declare const ICNS_TYPES: readonly (readonly [string, number])[];
export declare function buildIcns(pngBySize: Map<number, Buffer>): Buffer;
export declare function icnsEntries(data: Buffer): { type: string; size: number }[];
