/** Adapters from raw event shapes to behavioural observations. */
export { fromEcsEvent } from './ecs.js';
export type { Adapted } from './read.js';
export { fromWindowsEvent } from './windows.js';
