import Concord
import Foundation

/// `concord search QUERY`: one query, results to stdout.
package enum SearchCommand {
    static let options: [OptionSpec] = [
        CommandHelp.indexOption,
        .value("limit", short: "k", "N", "hits to show (default 10)"),
        .value("offset", "N", "hits to skip (paging)"),
        .flag("and", "adjacent words are all required (default: ranked OR)"),
        .flag("json", "one JSON object per query"),
        .flag("explain", "print the score tree of each hit"),
        .flag("count", "count every match exactly"),
        .value("k1", "X", "BM25 k1 (default 1.2)"),
        .value("b", "X", "BM25 b (default 0.75)"),
        CommandHelp.helpOption,
    ]

    package static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ArgumentParser.parse(arguments, specs: options, command: "search")
        if parsed.flag("help") {
            print(CommandHelp.help("search", summary: "Runs one query and prints the ranked hits.", options: options))
            return ExitCode.success
        }
        guard !parsed.positionals.isEmpty else { throw UsageError("give a QUERY to search for", command: "search") }
        let query = parsed.positionals.joined(separator: " ")
        let searchOptions = try makeOptions(parsed, command: "search")
        let index = try IndexLocation.open(parsed, firstRun: true)
        currentQueryText = query
        let result = try index.search(query, options: searchOptions)
        let formatter = ResultFormatter(styled: Style.standardOutputEnabled, explain: parsed.flag("explain"))
        print(parsed.flag("json") ? formatter.json(result) : formatter.human(result, offset: searchOptions.offset))
        return ExitCode.success
    }

    /// Search options from the shared flags.
    static func makeOptions(_ parsed: ParsedArguments, command: String) throws -> SearchOptions {
        var options = SearchOptions()
        options.limit = try parsed.integer("limit", in: 0...10_000, command: command) ?? 10
        options.offset = try parsed.integer("offset", in: 0...1_000_000, command: command) ?? 0
        options.defaultOperator = parsed.flag("and") ? .and : .or
        options.explain = parsed.flag("explain")
        options.exactCount = parsed.flag("count")
        if let k1 = try parsed.decimal("k1", command: command) { options.bm25.k1 = k1 }
        if let b = try parsed.decimal("b", command: command) {
            guard b <= 1 else { throw UsageError("--b takes a number from 0 to 1", command: command) }
            options.bm25.b = b
        }
        return options
    }
}
