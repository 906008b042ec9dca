/** Public entry points of the stateful Justworks Partner API mock. */
export { startMockServer, type MockOptions, type MockServer, type RequestLogEntry } from "./startMockServer.js"
export { mockServer } from "./mockServer.js"
export type { FaultEffect, FaultKind, FaultMatch, FaultPlan, FaultRule, FaultTrigger, RetryAfter } from "./faults.js"
export type { MockStore, MockStoreCounts } from "./mockStore.js"
export type { StoredDeduction } from "./deductions.js"
export type { IssuedTokens } from "./oauthServer.js"
