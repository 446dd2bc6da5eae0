// Types for tools/generate-icons.mjs.
export declare const APP_ICON_SIZES: number[];
export declare const ICO_SIZES: number[];
export declare const TRAY_STATES: readonly ['live', 'alerting', 'disconnected'];
export declare const TRAY_VARIANTS: readonly (readonly [string, number])[];
export declare function traySvg(
  source: string,
  state: 'live' | 'alerting' | 'disconnected',
): string;
export declare function generateIcons(root: string): Promise<string[]>;
