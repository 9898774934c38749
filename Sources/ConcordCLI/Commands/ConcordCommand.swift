import Concord
import Foundation

/// Exit codes (DESIGN §5): 0 success (also zero hits), 1 runtime failure, 2 usage or query error.
package enum ExitCode {
    /// Success.
    package static let success: Int32 = 0
    /// I/O, corrupt or locked index, missing index.
    package static let failure: Int32 = 1
    /// Bad arguments or a query syntax error.
    package static let usage: Int32 = 2
}

/// Version printed by `concord --version`.
package let concordVersion = "0.1.0"

/// The `concord` program: parses the command line, runs one command, maps errors to one
/// clear line on stderr and an exit code.
package enum ConcordCommand {
    /// Every command with a one-line summary, for `concord --help`.
    static let commands: [(String, String)] = [
        ("index PATH...", "add or replace documents (files, folders, .jsonl[.gz], - for stdin)"),
        ("search QUERY", "run one query (-k N, --offset N, --and, --json, --explain, --count)"),
        ("repl", "interactive search (the default when no command is given)"),
        ("show ID[#PARA]", "print a document or one paragraph with its metadata"),
        ("delete ID...", "delete documents by id"),
        ("merge", "merge all segments into one"),
        ("stats", "documents, terms, segments and sizes"),
        ("check [--deep]", "verify checksums and structure"),
        ("analyze TEXT", "show the tokens, positions and stems of a text"),
        ("series [NAME]", "recurring resolutions and their members by year"),
        ("history TEXT", "a phrase or paragraph through the years of a series (--series NAME)"),
        ("diff A [B]", "paragraph-aligned comparison of two documents (kept, reworded, moved, added, removed)"),
        ("similar TEXT", "precedents: paragraphs sharing the most wording with TEXT or ID#PARA"),
    ]

    /// Runs the program with `arguments` (without the program name) and returns the exit code.
    package static func run(_ arguments: [String]) -> Int32 {
        var arguments = arguments
        let name = arguments.first ?? ""
        if arguments.isEmpty || (name.hasPrefix("-") && !["--help", "-h", "--version"].contains(name)) {
            return runCommand("repl", arguments)
        }
        arguments.removeFirst()
        switch name {
        case "--help", "-h", "help":
            print(generalHelp())
            return ExitCode.success
        case "--version":
            print("concord \(concordVersion) (index format \(FileEnvelope.formatVersion))")
            return ExitCode.success
        default:
            return runCommand(name, arguments)
        }
    }

    private static func runCommand(_ name: String, _ arguments: [String]) -> Int32 {
        do {
            switch name {
            case "index": return try IndexCommand.run(arguments)
            case "search": return try SearchCommand.run(arguments)
            case "repl": return try ReplCommand.run(arguments)
            case "show": return try ShowCommand.run(arguments)
            case "delete": return try DeleteCommand.run(arguments)
            case "merge": return try MergeCommand.run(arguments)
            case "stats": return try StatsCommand.run(arguments)
            case "check": return try CheckCommand.run(arguments)
            case "analyze": return try AnalyzeCommand.run(arguments)
            case "series": return try SeriesCommand.run(arguments)
            case "history": return try HistoryCommand.run(arguments)
            case "diff": return try DiffCommand.run(arguments)
            case "similar": return try SimilarCommand.run(arguments)
            default:
                throw UsageError("unknown command '\(name)'", command: "")
            }
        } catch {
            return report(error)
        }
    }

    /// Prints one clear line for `error` and returns its exit code.
    package static func report(_ error: Error) -> Int32 {
        switch error {
        case let usage as UsageError:
            printError("error: \(usage.message)")
            let hint = usage.command.isEmpty ? "concord --help" : "concord \(usage.command) --help"
            printError("usage: \(CommandHelp.usageLine(usage.command)) (see `\(hint)`)")
            return ExitCode.usage
        case let syntax as QuerySyntaxError:
            printError(syntax.renderedForCurrentQuery)
            return ExitCode.usage
        case let plan as QueryPlanError:
            printError(plan.description)
            return ExitCode.usage
        case let open as IndexOpenError:
            printError("error: \(open)")
            return ExitCode.failure
        case let corruption as IndexCorruption:
            printError("error: \(corruption)")
            return ExitCode.failure
        case let storage as StorageError:
            printError("error: \(storage)")
            return ExitCode.failure
        case let reader as ReaderError:
            printError("error: \(reader)")
            return ExitCode.failure
        case is SearchCancelled:
            printError("query interrupted (Ctrl-C); type another query or Ctrl-D to leave")
            return ExitCode.failure
        case let failure as CommandFailure:
            printError("error: \(failure.message)")
            return ExitCode.failure
        default:
            printError("error: \(error)")
            return ExitCode.failure
        }
    }

    static func generalHelp() -> String {
        var lines = [
            "concord \(concordVersion) — full-text search for formal documents", "",
            "usage: concord [COMMAND] [OPTIONS]", "", "commands:",
        ]
        for (name, summary) in commands {
            lines.append("  " + name.padding(toLength: 18, withPad: " ", startingAt: 0) + summary)
        }
        lines += [
            "", "Every command takes --index DIR (default: $CONCORD_INDEX or index-data/index) and --help.",
            "With no command, concord opens the REPL, building the default index from index-data/corpus if needed.",
            "Queries: words (ranked OR), +must -not, AND OR NOT ( ), \"phrase\", \"phrase\"~N, NEAR/N(a b),",
            "ONEAR/N(a b), =exact, prefix*, title:, symbol:A/RES/7*, year:2010..2015, session:, para:op, verb:urges,",
            "series:NAME (see `concord series`).",
        ]
        return lines.joined(separator: "\n")
    }
}

/// A runtime failure the command detected itself (exit code 1).
package struct CommandFailure: Error {
    /// One line: what, where, what to do.
    package var message: String

    /// Creates a failure.
    package init(_ message: String) {
        self.message = message
    }
}

/// Writes a line to standard error.
package func printError(_ line: String) {
    FileHandle.standardError.write(Data(("concord: " + line + "\n").utf8))
}

/// Writes a line to standard error without the program prefix (progress, summaries).
package func printDiagnostic(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// The query text of the current command, so syntax errors can show it with a caret.
nonisolated(unsafe) package var currentQueryText = ""

extension QuerySyntaxError {
    /// The caret rendering against the query being run.
    var renderedForCurrentQuery: String {
        rendered(query: currentQueryText)
    }
}
