export type { Store, ProjectWrite, StoreCapabilities } from './store/store.js';
