export { createWebCallboardApi } from './web-api';
export type { WebApiOptions, WebCallboardApi } from './web-api';
export { WEB_DASHBOARD_RESTRICTIONS } from './web-settings';
