import type { PortalConfig } from '../config/schema.js';
import { apiFlow } from './api-flow.js';
import { fastPathBrowserFlow } from './fast-path-flow.js';
import type { Flow } from './flow.js';

/**
 * Flow kinds: `portals.NAME.flow` → the flow that logs its accounts in.
 * Browser portals go through the fast path (fast-path-flow.ts), which is the plain browser flow with `fastPath: off`.
 * Adding a kind is one file, one branch of the portal schema and one line here.
 */
const FLOW_KINDS: { [K in PortalConfig['flow']]: Flow<Extract<PortalConfig, { flow: K }>> } = { browser: fastPathBrowserFlow, api: apiFlow };

/** The flow the portal's kind names. */
export function flowFor(portal: PortalConfig): Flow {
  return FLOW_KINDS[portal.flow] as Flow;
}
