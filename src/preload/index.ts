import { contextBridge } from 'electron';

// Placeholder surface; the typed CallboardApi arrives with the desktop app work.
contextBridge.exposeInMainWorld('callboard', {});
