import { join } from 'node:path';
import {
  Menu,
  Tray,
  nativeImage,
  type MenuItemConstructorOptions,
  type NativeImage,
} from 'electron';
import type { MonitorCore } from '../../core/monitor/monitor-core';
import { trayModel, type TrayAction, type TrayIconState, type TrayModel } from './tray-model';

/**
 * Paints ./tray-model onto the OS tray. Re-rendered after core deltas (at most once a second)
 * and every 5 s (the "next try in" countdown); only when the model changed.
 */
export interface TrayDeps {
  core: MonitorCore;
  /** Folder holding live-16.png, alerting-16.png, disconnected-16.png (+ @2x). */
  iconFolder: string;
  onAction(action: TrayAction): void;
  now(): number;
}

export function initializeTray(deps: TrayDeps): () => void {
  const icons = new Map<TrayIconState, NativeImage>();
  const icon = (state: TrayIconState) => {
    let image = icons.get(state);
    if (!image) {
      image = nativeImage.createFromPath(join(deps.iconFolder, `${state}-16.png`));
      icons.set(state, image);
    }
    return image;
  };
  const tray = new Tray(icon('disconnected'));
  tray.on('click', () => deps.onAction('show-window'));
  let last = '';
  const render = () => {
    const model: TrayModel = trayModel(deps.core.getSnapshot(), deps.now());
    const key = JSON.stringify(model);
    if (key === last) return;
    last = key;
    tray.setImage(icon(model.icon));
    tray.setToolTip(model.tooltip);
    const template: MenuItemConstructorOptions[] = model.menu.map((item) => {
      if (item.kind === 'separator') return { type: 'separator' };
      if (item.kind === 'info') return { label: item.label, enabled: false };
      return { label: item.label, click: () => deps.onAction(item.id) };
    });
    tray.setContextMenu(Menu.buildFromTemplate(template));
  };
  render();
  // At most one repaint a second: a snapshot walks every call, and the tray need not be faster.
  let pending: ReturnType<typeof setTimeout> | null = null;
  const unsubscribe = deps.core.onDidChange(() => {
    pending ??= setTimeout(() => {
      pending = null;
      render();
    }, 1_000);
  });
  const timer = setInterval(render, 5_000);
  return () => {
    unsubscribe();
    clearInterval(timer);
    if (pending) clearTimeout(pending);
    tray.destroy();
  };
}
