// The packaging check: electron-builder.ts against electron-builder's own schema, plus what
// the schema cannot know: targets for the three OSes, artifact names, icons that exist and
// have the right sizes, files that exist, no dev toolchain in the app, and the production
// dependencies that out/main really needs. Each check returns problems as sentences an admin
// can act on; an empty list means the config is sound.
import type { Configuration } from 'electron-builder';

export const ARTIFACT_NAME = '${productName}-${version}-${arch}.${ext}';
export const REQUIRED_TARGETS = {
  linux: ['AppImage', 'deb'],
  win: ['nsis'],
  mac: ['dmg'],
} as const;

export interface PackageJson {
  name: string;
  main?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** electron-builder's own validation (its JSON schema plus its deprecation checks). */
export async function validateWithElectronBuilder(config: Configuration): Promise<void> {
  const { validateConfiguration } = await import('app-builder-lib/out/util/config/config');
  const { DebugLogger } = await import('builder-util');
  await validateConfiguration(structuredClone(config), new DebugLogger(false));
}

function targetNames(target: unknown): string[] {
  const list = Array.isArray(target) ? target : target == null ? [] : [target];
  return list.map((t) => (typeof t === 'string' ? t : String((t as { target: string }).target)));
}

/** Identity, targets, artifact names, no file associations or URL protocols. */
export function checkIdentity(config: Configuration): string[] {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*){2,}$/i.test(config.appId ?? '')) {
    problems.push(
      `appId must be a reverse-DNS id like com.callboard.desktop, got "${config.appId}"`,
    );
  }
  if (config.productName !== 'Callboard') {
    problems.push(`productName must be "Callboard", got "${config.productName}"`);
  }
  if (config.artifactName !== ARTIFACT_NAME) {
    problems.push(`artifactName must be "${ARTIFACT_NAME}", got "${config.artifactName}"`);
  }
  for (const [os, wanted] of Object.entries(REQUIRED_TARGETS)) {
    const have = targetNames(config[os as keyof typeof REQUIRED_TARGETS]?.target);
    for (const target of wanted) {
      if (!have.includes(target))
        problems.push(`${os}.target must include ${target}, has [${have}]`);
    }
  }
  // electron-builder's deb target stops without these (FpmTarget: "Please specify project
  // homepage", "author email is missed").
  const homepage = (config.extraMetadata as { homepage?: string } | undefined)?.homepage;
  if (!homepage) problems.push('extraMetadata.homepage must be set: the deb target needs it');
  if (!/<[^>]+@[^>]+>/.test(config.linux?.maintainer ?? '')) {
    problems.push('linux.maintainer must be "Name <email>": the deb target needs it');
  }
  for (const key of ['fileAssociations', 'protocols'] as const) {
    const value = config[key];
    if (value != null && (!Array.isArray(value) || value.length > 0)) {
      problems.push(`${key} must be empty: Callboard opens no files and no URL schemes`);
    }
  }
  return problems;
}

/** The env override for offline packaging is honoured, and absent when unset. */
export function checkElectronDistOverride(
  create: (env: NodeJS.ProcessEnv) => Configuration,
  envName: string,
): string[] {
  const problems: string[] = [];
  const local = '/opt/electron-v44-linux-x64';
  if (create({ [envName]: local }).electronDist !== local) {
    problems.push(`${envName}=${local} must become electronDist`);
  }
  if (create({}).electronDist != null) {
    problems.push(`electronDist must be unset when ${envName} is not set`);
  }
  if (create({ [envName]: '  ' }).electronDist != null) {
    problems.push(`a blank ${envName} must leave electronDist unset`);
  }
  return problems;
}
