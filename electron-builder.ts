import type { Configuration } from 'electron-builder';

// Packaging for the desktop app: `npm run dist` (or dist:linux, dist:win, dist:mac).
// electron-builder finds this file by name and loads it with jiti. The packaging check
// (tools/check-packaging.test.ts) validates it against electron-builder's own schema and
// checks every file it names. Icons come from build/icon.svg via `npm run icons`.

/** Points at a local, unpacked Electron (or a folder of electron-v*.zip) to package offline. */
export const ELECTRON_DIST_ENV = 'CALLBOARD_ELECTRON_DIST';

/**
 * Production dependencies that Vite bundles into out/renderer: the packed app never requires
 * them from node_modules, so they stay out (date-fns alone is 28 MB). The packaging check
 * fails if out/main or out/preload ever requires one of them.
 */
export const RENDERER_ONLY_DEPENDENCIES = [
  'react',
  'react-dom',
  'scheduler',
  'zustand',
  'date-fns',
  '@tanstack/react-virtual',
  '@tanstack/virtual-core',
];

export const PACKAGE_HOMEPAGE = 'https://callboard.invalid/';
export const PACKAGE_MAINTAINER = 'Callboard team <callboard@callboard.invalid>';

export function createBuilderConfig(env: NodeJS.ProcessEnv): Configuration {
  const electronDist = env[ELECTRON_DIST_ENV]?.trim();
  return {
    appId: 'com.callboard.desktop',
    productName: 'Callboard',
    copyright: 'Copyright © Callboard team',
    artifactName: '${productName}-${version}-${arch}.${ext}',
    directories: { output: 'dist', buildResources: 'build' },
    // The app is out/ (built main, preload, renderer) plus the production dependencies that
    // out/main requires at run time, which electron-builder adds from package.json
    // "dependencies" by itself; devDependencies are never packed. The CLI build and source
    // maps stay out. Tray icons are read by the main process at run time, so they are packed
    // explicitly (build resources are not packed by default).
    files: [
      'out/**',
      '!out/cli/**',
      '!**/*.map',
      'package.json',
      'build/tray/*.png',
      ...RENDERER_ONLY_DEPENDENCIES.map((name) => `!node_modules/${name}/**`),
      '!node_modules/@types/**',
    ],
    asar: true,
    // Installers are handed to admins, never uploaded by a build (no surprise network calls).
    publish: null,
    // No native modules among the production dependencies (the packaging check proves it),
    // so nothing to rebuild against Electron's headers, and no network needed for it.
    npmRebuild: false,
    ...(electronDist ? { electronDist } : {}),
    // Electron on Linux takes its window app_id / WM_CLASS from desktopName in the packed
    // package.json; with syncDesktopName the installed .desktop file carries the same name, so
    // docks group the running window with its launcher.
    // The .deb needs a homepage and a maintainer: placeholders until the project has a public
    // home (docs/operations.md, "Packaging", says to set them before publishing packages).
    extraMetadata: { desktopName: 'callboard.desktop', homepage: PACKAGE_HOMEPAGE },
    linux: {
      target: ['AppImage', 'deb'],
      syncDesktopName: true,
      icon: 'build/icons',
      category: 'Office',
      executableName: 'callboard',
      synopsis: 'Live monitor of call-centre calls and campaigns',
      maintainer: PACKAGE_MAINTAINER,
    },
    win: {
      target: ['nsis'],
      icon: 'build/icon.ico',
    },
    nsis: {
      oneClick: false,
      perMachine: false,
      allowToChangeInstallationDirectory: true,
      installerIcon: 'build/icon.ico',
      uninstallerIcon: 'build/icon.ico',
    },
    mac: {
      target: ['dmg'],
      icon: 'build/icon.icns',
      category: 'public.app-category.business',
    },
    dmg: {
      icon: 'build/icon.icns',
    },
  };
}

export default createBuilderConfig(process.env);
