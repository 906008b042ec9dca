#!/usr/bin/env node
/**
 * The `justworks-connector` command line. This file is the edge: it builds the command tree, gives each
 * command the layers it needs (connection, sync database, output, logger) and renders failures: Airbyte
 * commands as one TRACE error on stdout plus a line on stderr, the others as a line on stderr, a command line
 * that does not parse as a line per problem; always a non-zero exit, never a stack trace. Heavy modules are
 * imported when a command needs them.
 */
import { Command, HelpDoc, ValidationError } from "@effect/cli"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, Clock, Console, Effect, Exit, Layer, Logger, LogLevel, Option, Predicate } from "effect"
import packageJson from "../../package.json" with { type: "json" }
import { errorTrace } from "./airbyte/AirbyteMessage.js"
import { AirbyteOutput } from "./airbyte/AirbyteOutput.js"
import { ConfigHandBack } from "./ConfigHandBack.js"
import { actionCommand } from "./commands/actionCommand.js"
import { catalogEntryCommand } from "./commands/catalogEntryCommand.js"
import { checkCommand } from "./commands/checkCommand.js"
import { connectCommand } from "./commands/connectCommand.js"
import { disconnectCommand } from "./commands/disconnectCommand.js"
import { discoverCommand } from "./commands/discoverCommand.js"
import { healthcheckCommand } from "./commands/healthcheckCommand.js"
import { readCommand } from "./commands/readCommand.js"
import { scopesCommand } from "./commands/scopesCommand.js"
import { specCommand } from "./commands/specCommand.js"
import { syncCommand, syncDatabase } from "./commands/syncCommand.js"
import type { StoreFlags } from "./ConnectionFlags.js"
import { redactCredentials, redactText } from "../redaction/redact.js"
import { describeError } from "./describeError.js"
import { lazyLayer } from "./lazy.js"
import { stderrLogger } from "./stderrLogger.js"
import { isTty, stopWhenOutputCloses, writeTo } from "./terminal.js"
import { UsageError } from "./UsageError.js"
import type { ValidationMode } from "../runtime/RecordValidation.js"

/** A failure already shown to the user: exit non-zero without saying more. */
class Reported {
  readonly _tag = "Reported"
}

const stderrLine = (error: unknown) => Console.error(`justworks-connector: ${describeError(error).message}`)

/**
 * @effect/cli reads its own options (`--log-level`) only before the command: wherever they are given, they are
 * moved there, so `sync --mock --log-level debug` works as `--log-level debug sync --mock` does.
 */
const globalOptionsFirst = (argv: ReadonlyArray<string>): Array<string> => {
  const [runtime = "", script = "", ...rest] = argv
  const global: Array<string> = []
  const others: Array<string> = []
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!
    if (arg === "--") {
      others.push(...rest.slice(i))
      break
    }
    if (arg.startsWith("--log-level=")) {
      global.push(arg)
    } else if (arg === "--log-level") {
      global.push(arg, ...rest.slice(i + 1, i + 2))
      i++
    } else {
      others.push(arg)
    }
  }
  return [runtime, script, ...global, ...others]
}

const argv = globalOptionsFirst(process.argv)

/**
 * @effect/cli checks a file option with `FileSystem.exists`, which dies on anything but "not found" (a path
 * through a file, no permission): the path is the user's mistake, not a bug, and is named as such.
 */
const unusablePath = (defect: unknown): string | undefined => {
  if (!Predicate.isTagged(defect, "SystemError")) return undefined
  const { module, pathOrDescriptor, description } = defect as { module?: unknown; pathOrDescriptor?: unknown; description?: unknown }
  return module === "FileSystem" && typeof pathOrDescriptor === "string"
    ? `${pathOrDescriptor}: cannot be used${typeof description === "string" ? ` (${description})` : ""}`
    : undefined
}

/** ANSI escape sequences (colours, bold) of @effect/cli's help and error texts. */
const ANSI = /\x1b\[[0-9;]*m/g
const plainText = (stream: NodeJS.WriteStream) => (text: string) => (isTty(stream) ? text : text.replace(ANSI, ""))
const forStdout = plainText(process.stdout)
const forStderr = plainText(process.stderr)

/** Printed arguments: text redacted of credentials (and plain on a pipe or with NO_COLOR), anything else as is. */
const printable = (plain: (text: string) => string) => (arg: unknown): unknown =>
  typeof arg === "string" ? plain(redactCredentials(arg)) : arg

/**
 * The console every command prints through: no line (a result, a table, a message) shows a credential. Help goes
 * through it too, without colours when the output is not a terminal.
 */
const printingConsole = (real: Console.Console): Console.Console => ({
  ...real,
  log: (...args) => real.log(...args.map(printable(forStdout))),
  info: (...args) => real.info(...args.map(printable(forStdout))),
  error: (...args) => real.error(...args.map(printable(forStderr))),
  warn: (...args) => real.warn(...args.map(printable(forStderr)))
})

/**
 * @effect/cli prints a command line it cannot parse (a missing option, a directory given for a file) as bare
 * text on stderr before failing. The parser runs with a console whose `error` prints nothing, and the failure
 * is printed once, each line with the program's name (`parseFailure`); commands run with the real console.
 */
const realConsoles = new WeakMap<Console.Console, Console.Console>()
const quietParser = (real: Console.Console): Console.Console => {
  const printing = printingConsole(real)
  const quiet: Console.Console = { ...printing, error: () => Effect.void }
  realConsoles.set(quiet, printing)
  return quiet
}
const withRealConsole = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.consoleWith((current) => Effect.withConsole(effect, realConsoles.get(current) ?? current))

/** The name of an option (`--config` of `--config=a.json`); undefined for anything else. */
const optionName = (arg: string): string | undefined => (/^--[A-Za-z]/.test(arg) ? arg.split("=")[0] : undefined)

/**
 * @effect/cli takes the first of an option given twice and calls the second an unknown argument: say what
 * happened instead.
 */
const parseProblem = (line: string): string => {
  const unknown = /^Received unknown argument: '(.*)'$/.exec(line)
  const name = unknown === null ? undefined : optionName(unknown[1]!)
  if (name === undefined) return line
  const given = argv.slice(2).filter((arg) => optionName(arg) === name).length
  return given > 1 ? `${name} is given ${given} times: give it once` : line
}

const parseFailure = (error: ValidationError.ValidationError) =>
  Effect.zipRight(
    Console.error(
      HelpDoc.toAnsiText(error.error).split("\n").map((line) => line.replace(ANSI, "").trim()).filter((line) => line !== "")
        .map((line) => `justworks-connector: ${redactText(parseProblem(line))}`).join("\n")
    ),
    Effect.fail(new Reported())
  )

/** Airbyte commands: a TRACE error on stdout, the same line on stderr. */
const airbyteFailures = <R, E>(effect: Effect.Effect<void, E, R>) =>
  Effect.catchAll(effect, (error) =>
    Effect.gen(function*() {
      const output = yield* AirbyteOutput
      yield* output.emit([errorTrace(yield* Clock.currentTimeMillis, describeError(error))])
      yield* stderrLine(error)
      return yield* Effect.fail(new Reported())
    }))

/** Airbyte commands write protocol messages, logs included, to stdout; a config's refreshed tokens go back in a CONTROL message. */
const airbyteOutput = Layer.mergeAll(AirbyteOutput.layerStdout, AirbyteOutput.logger, Layer.provide(ConfigHandBack.control, AirbyteOutput.layerStdout))

/** The human commands log warnings and errors to stderr; `--log-level LEVEL` shows more. */
const logLevelGiven = argv.some((arg) => arg === "--log-level" || arg.startsWith("--log-level="))
const humanLogs = logLevelGiven ? stderrLogger : Layer.merge(stderrLogger, Logger.minimumLogLevel(LogLevel.Warning))

/** The other commands: one line on stderr. */
const humanFailures = <R, E>(effect: Effect.Effect<void, E, R>) =>
  Effect.catchAll(effect, (error) => Effect.zipRight(stderrLine(error), Effect.fail(new Reported())))

// connections, loaded when a command runs
const connections = () => import("./connectionLayers.js")
const configConnection = (file: string, overrides: { readonly validation?: Option.Option<ValidationMode>; readonly allowInsecureHttp: boolean }) =>
  lazyLayer(connections, (m) =>
    m.configConnection(file, { validation: Option.getOrUndefined(overrides.validation ?? Option.none()), allowInsecureHttp: overrides.allowInsecureHttp }))
const storeConnection = (
  flags: StoreFlags,
  selection: { readonly presets: ReadonlyArray<string>; readonly actions: ReadonlyArray<string> },
  options: { readonly create: boolean }
) => lazyLayer(connections, (m) => m.storeConnection(flags, selection, options))
const configOrStoreConnection = (flags: StoreFlags) => lazyLayer(connections, (m) => m.configOrStoreConnection(flags))

/** A line on stderr about the run (the human commands keep stdout for results). */
const note = (line: string) => writeTo(process.stderr, `justworks-connector: ${line}\n`)

/** A config file's refreshed tokens written back to it (`keep`: left as it is, with a warning). */
const configFileHandBack = (keep: boolean) => ConfigHandBack.file({ keep, say: note })
const manifestOnly = lazyLayer(connections, (m) => m.manifestLayer)

const syncLayers = (args: {
  readonly mock: boolean
  readonly mockMembers: number
  readonly config: Option.Option<string>
  readonly database: Option.Option<string>
  readonly databaseSchema: Option.Option<string>
  readonly validation: Option.Option<ValidationMode>
  readonly streams: Option.Option<string>
  readonly startDate: Option.Option<string>
  readonly fullRefresh: boolean
  readonly allowInsecureHttp: boolean
  readonly keepConfigFile: boolean
}) =>
  // the mock only for --mock
  lazyLayer(() => Promise.all([connections(), import("./syncLayers.js"), args.mock ? import("./mockConnection.js") : undefined]), ([c, sync, m]) => {
    const display = sync.syncDisplay(isTty(process.stderr))
    type Mock = ReturnType<typeof import("./mockConnection.js").mockConnection>
    type FromConfig = ReturnType<typeof c.configConnection>
    const connection: Layer.Layer<
      Layer.Layer.Success<Mock> & Layer.Layer.Success<FromConfig>,
      Layer.Layer.Error<Mock> | Layer.Layer.Error<FromConfig> | UsageError,
      | Layer.Layer.Context<Mock>
      | Exclude<Layer.Layer.Context<FromConfig>, ConfigHandBack>
      | Layer.Layer.Context<ReturnType<typeof sync.configHandBack>>
    > = args.mock && Option.isSome(args.config)
      ? Layer.fail(new UsageError({ reason: "InvalidOption", message: "sync takes --config FILE or --mock, not both" }))
      : m !== undefined
      ? m.mockConnection(args.mockMembers, { validation: Option.getOrUndefined(args.validation) })
      : Option.isSome(args.config)
      ? Layer.provide(
        c.configConnection(args.config.value, { validation: Option.getOrUndefined(args.validation), allowInsecureHttp: args.allowInsecureHttp }),
        sync.configHandBack(args.keepConfigFile)
      )
      : Layer.fail(new UsageError({ reason: "MissingOption", message: "sync needs --config FILE (or --mock for the demo company)" }))
    // the connection before the store: a bad config creates no database
    return Layer.provideMerge(
      sync.syncStore(
        { database: Option.getOrUndefined(args.database), schema: Option.getOrUndefined(args.databaseSchema) },
        syncDatabase(args.mock)
      ),
      Layer.provideMerge(connection, display)
    )
  })

/** Airbyte commands: protocol messages (logs included) on stdout, failures as a TRACE error. */
const airbyte = <Name extends string, R, E, A>(command: Command.Command<Name, R, E, A>) =>
  command.pipe(Command.transformHandler(airbyteFailures), Command.provide(airbyteOutput), Command.transformHandler(withRealConsole))

/** The other commands: warnings and errors on stderr, failures as one line. */
const human = <Name extends string, R, E, A>(command: Command.Command<Name, R, E, A>) =>
  command.pipe(Command.transformHandler(humanFailures), Command.provide(humanLogs), Command.transformHandler(withRealConsole))

/** A command on the connection of its `--config` file. */
const onConfig = <
  Name extends string,
  R,
  E,
  A extends { readonly config: string; readonly allowInsecureHttp: boolean; readonly validation?: Option.Option<ValidationMode> }
>(
  command: Command.Command<Name, R, E, A>
) => command.pipe(Command.provide((args: A) => configConnection(args.config, args)))

/** A human command on the connection of its `--config` file, whose refreshed tokens are written back to it. */
const onConfigFile = <
  Name extends string,
  R,
  E,
  A extends { readonly config: string; readonly keepConfigFile: boolean; readonly allowInsecureHttp: boolean }
>(
  command: Command.Command<Name, R, E, A>
) => command.pipe(Command.provide((args: A) => Layer.provide(configConnection(args.config, args), configFileHandBack(args.keepConfigFile))))

const commands = [
  airbyte(specCommand),
  airbyte(onConfig(checkCommand)),
  airbyte(onConfig(discoverCommand)),
  airbyte(onConfig(readCommand)),
  human(onConfigFile(actionCommand)),
  human(scopesCommand),
  human(catalogEntryCommand.pipe(Command.provide(manifestOnly))),
  // only connect creates a token store
  human(connectCommand.pipe(Command.provide((args) => storeConnection(args, { presets: args.presets, actions: args.actions }, { create: true })))),
  // no refresh happens while disconnecting: a config's tokens are revoked as they are
  human(disconnectCommand.pipe(Command.provide((args) => Layer.provide(configOrStoreConnection(args), configFileHandBack(false))))),
  human(healthcheckCommand.pipe(Command.provide((args) => Layer.provide(configOrStoreConnection(args), configFileHandBack(args.keepConfigFile))))),
  human(syncCommand.pipe(Command.provide(syncLayers)))
] as const

const names = commands.flatMap((c) => [...Command.getNames(c as unknown as Command.Command<string, never, never, unknown>)])

const root = Command.make("justworks-connector", {}, () =>
  Console.log(
    `justworks-connector ${packageJson.version}\n\ncommands: ${names.join(", ")}\n\n` +
      "Run `justworks-connector COMMAND --help` for one command, `justworks-connector --help` for all.\n" +
      "New here? `justworks-connector sync --mock` syncs a demo company into a local SQLite database."
  )).pipe(
    Command.withDescription("The Justworks Partner API connector: Airbyte protocol commands, actions, OAuth connections and a local sync."),
    Command.withSubcommands(commands)
  )

const cli = Command.run(root, { name: "justworks-connector", version: packageJson.version })

const runEnded = stopWhenOutputCloses()

/** 0 on success, 130 when interrupted (Ctrl-C), 1 on any failure. */
const teardown = <E, A>(exit: Exit.Exit<E, A>, onExit: (code: number) => void) => {
  runEnded()
  onExit(Exit.isSuccess(exit) ? 0 : Cause.isInterruptedOnly(exit.cause) ? 130 : 1)
}

Effect.consoleWith((real) => Effect.withConsole(cli(argv), quietParser(real))).pipe(
  Effect.catchIf(ValidationError.isValidationError, parseFailure),
  // a defect is a bug of the connector: one line, no stack trace
  Effect.catchAllDefect((defect) =>
    Effect.zipRight(
      Console.error(`justworks-connector: ${redactText(unusablePath(defect) ?? `unexpected failure (please report it): ${defect instanceof Error ? defect.message : String(defect)}`)}`),
      Effect.fail(new Reported())
    )
  ),
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({ disableErrorReporting: true, disablePrettyLogger: true, teardown })
)
