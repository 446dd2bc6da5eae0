// Types for tools/start.mjs (plain JS so `npm start` runs on a fresh clone without a TS loader).
export declare const WEB_DASHBOARD_COMMAND: string;
export declare const WEB_DASHBOARD_URL: string;
export declare const BUILD_OUTPUTS: string[];
export declare const BUILD_INPUTS: string[];

export interface StartFacts {
  builtAt: number | null;
  sourcesChangedAt: number;
  electronPath: string | null;
  electronProblem: string;
  platform: NodeJS.Platform;
  hasDisplay: boolean;
  isRoot: boolean;
}

export type StartPlan = { build: boolean; buildReason: string } & (
  { kind: 'launch'; command: string; args: string[] } | { kind: 'web-dashboard'; message: string }
);

export declare function decideStart(facts: StartFacts): StartPlan;
export declare function noElectronMessage(problem: string): string;
export declare function newestMtime(path: string): number;
export declare function builtAt(root: string): number | null;
export declare function findElectron(
  root: string,
  env: NodeJS.ProcessEnv,
): { path: string | null; problem: string };
export declare function start(root: string, env: NodeJS.ProcessEnv): Promise<number>;
