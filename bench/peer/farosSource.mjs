/**
 * The bench's peer: the smallest source written on faros-airbyte-cdk (an Airbyte CDK for TypeScript) that reads
 * the fixture's members, its own paginator following `next_cursor` with undici's keep-alive client (the
 * connector's HTTP client too), the CDK's runner writing the Airbyte messages to stdout. Run by `npm run bench`:
 *
 *   node bench/peer/farosSource.mjs read --config config.json --catalog catalog.json
 *
 * The config is the connector's bench config (`base_url`, `access_token`).
 */
import { AirbyteSourceBase, AirbyteSourceLogger, AirbyteSourceRunner, AirbyteSpec, AirbyteStreamBase } from "faros-airbyte-cdk"
import { Agent } from "undici"

class Members extends AirbyteStreamBase {
  constructor(logger, config) {
    super(logger)
    this.config = config
    this.agent = new Agent()
  }
  getJsonSchema() {
    return { type: "object", properties: { id: { type: "string" }, updated_at: { type: "string" } } }
  }
  get primaryKey() {
    return "id"
  }
  async *readRecords() {
    const headers = { authorization: `Bearer ${this.config.access_token}`, accept: "application/json" }
    let cursor = null
    try {
      do {
        const path = cursor === null ? "/v1/members?limit=100" : `/v1/members?limit=100&cursor=${encodeURIComponent(cursor)}`
        const { statusCode, body } = await this.agent.request({ origin: this.config.base_url, path, method: "GET", headers })
        const text = await body.text()
        if (statusCode !== 200) throw new Error(`GET ${path}: HTTP ${statusCode}`)
        const page = JSON.parse(text)
        yield* page.items
        cursor = page.next_cursor
      } while (cursor !== null)
    } finally {
      await this.agent.close()
    }
  }
}

class BenchSource extends AirbyteSourceBase {
  get type() {
    return "bench"
  }
  async spec() {
    return new AirbyteSpec({ connectionSpecification: { type: "object", properties: { base_url: { type: "string" }, access_token: { type: "string" } } } })
  }
  async checkConnection() {
    return [true, undefined]
  }
  streams(config) {
    return [new Members(this.logger, config)]
  }
}

const logger = new AirbyteSourceLogger()
await new AirbyteSourceRunner(logger, new BenchSource(logger)).mainCommand().parseAsync()
