import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './api';

// The only thing the renderer gets: window.callboard, one function per operation.
contextBridge.exposeInMainWorld('callboard', createPreloadApi(ipcRenderer));
