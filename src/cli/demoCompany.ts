/** The demo company the in-process mock serves to `sync --mock`: small enough to sync in seconds. */
import type { MockOptions } from "../../mocks/startMockServer.js"

export const demoCompany = (members: number): MockOptions => ({ members, payrollMonths: 6, reportReadyAfterPolls: 0 })
