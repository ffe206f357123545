export { runDemo, DEMO_DEFAULTS } from './run-demo.js';
export type { DemoOptions, DemoResult } from './run-demo.js';
