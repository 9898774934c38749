import Concord
import Foundation

/// `concord repl` (and `concord` alone): interactive search. On a terminal: prompt, line
/// editing and history; piped: one query per line, plain results, no prompt.
package enum ReplCommand {
    static let options: [OptionSpec] = [
        CommandHelp.indexOption, .flag("no-history", "do not read or write the history file"),
        .value("limit", short: "k", "N", "hits per page (default 10)"), .flag("and", "adjacent words are all required"),
        .flag("json", "print results as JSON"), .flag("explain", "print score trees"), CommandHelp.helpOption,
    ]

    package static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ArgumentParser.parse(arguments, specs: options, command: "repl")
        if parsed.flag("help") {
            print(CommandHelp.help("repl", summary: "Interactive search; type :help inside.", options: options))
            return ExitCode.success
        }
        if let extra = parsed.positionals.first { throw UsageError("unexpected argument '\(extra)'", command: "repl") }
        let index = try IndexLocation.open(parsed, firstRun: true)
        var session = ReplSession(index: index)
        session.options = try SearchCommand.makeOptions(parsed, command: "repl")
        session.json = parsed.flag("json")
        if Terminal.isTerminal(0) && Terminal.isTerminal(1) {
            let history = parsed.flag("no-history") ? nil : historyPath()
            InterruptFlag.install()
            session.interruptible = true
            let editor = LineEditor(prompt: "concord> ", historyPath: history)
            print(
                "Concord \(concordVersion): \(index.documentCount) documents in \(index.path). Type a query, :help, or Ctrl-D to quit."
            )
            while true {
                InterruptFlag.reset()
                switch editor.readLine() {
                case .line(let line):
                    if !session.handle(line) { return ExitCode.success }
                case .cancelled:
                    continue
                case .endOfInput:
                    print("")
                    return ExitCode.success
                }
            }
        }
        session.styled = false
        while let line = Swift.readLine(strippingNewline: true) {
            if !session.handle(line) { break }
        }
        return ExitCode.success
    }

    static func historyPath() -> String? {
        guard let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.concord_history"
    }
}

/// State of one REPL session and the handling of one input line.
struct ReplSession {
    let index: SearchIndex
    var options = SearchOptions()
    var json = false
    var styled = Style.standardOutputEnabled
    var lastQuery: String?
    var lastOffset = 0
    /// Whether Ctrl-C (InterruptFlag) stops a running query (interactive sessions).
    var interruptible = false

    init(index: SearchIndex) {
        self.index = index
    }

    /// Handles one line; returns false to quit.
    mutating func handle(_ rawLine: String) -> Bool {
        let line = rawLine.trimmingCharacters(in: .whitespaces)
        if line.isEmpty { return true }
        defer { fflush(nil) }
        if line.hasPrefix(":") { return command(line) }
        run(line, offset: 0)
        return true
    }

    private mutating func run(_ query: String, offset: Int) {
        currentQueryText = query
        var pageOptions = options
        pageOptions.offset = offset
        if interruptible {
            InterruptFlag.reset()
            pageOptions.isCancelled = { InterruptFlag.isSet }
        }
        do {
            let result = try index.search(query, options: pageOptions)
            let formatter = ResultFormatter(styled: styled, explain: options.explain)
            print(json ? formatter.json(result) : formatter.human(result, offset: offset))
            lastQuery = query
            lastOffset = offset
        } catch {
            _ = ConcordCommand.report(error)
        }
    }

    private mutating func command(_ line: String) -> Bool {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch parts[0] {
        case ":quit", ":q", ":exit":
            return false
        case ":help", ":h":
            print(Self.help)
        case ":k":
            if let k = Int(argument), (1...1000).contains(k) {
                options.limit = k
                print("showing \(k) hits per page")
            } else {
                printError(":k takes a number from 1 to 1000")
            }
        case ":and":
            options.defaultOperator = .and
            print("adjacent words are now all required (AND)")
        case ":or":
            options.defaultOperator = .or
            print("adjacent words are now alternatives (ranked OR)")
        case ":explain":
            if let flag = Self.onOff(argument) {
                options.explain = flag
            } else {
                printError(":explain takes on or off")
            }
        case ":json":
            if let flag = Self.onOff(argument) { json = flag } else { printError(":json takes on or off") }
        case ":more":
            if let query = lastQuery {
                run(query, offset: lastOffset + options.limit)
            } else {
                printError("no query yet")
            }
        case ":show", ":cite":
            guard !argument.isEmpty else {
                printError("\(parts[0]) takes ID or ID#PARA")
                return true
            }
            do {
                print(try ShowCommand.render(argument, index: index, json: json, cite: parts[0] == ":cite"))
            } catch {
                _ = ConcordCommand.report(error)
            }
        case ":series", ":history", ":diff", ":similar":
            drafting(parts[0], argument)
        case ":stats":
            let snapshot = index.snapshot
            print(
                "\(snapshot.liveDocumentCount) documents, \(snapshot.segments.count) segments, commit \(snapshot.manifest.generation)"
            )
        default:
            printError("unknown command \(parts[0]); type :help")
        }
        return true
    }

    /// The drafting commands (`:series`, `:history`, `:diff`, `:similar`): the same options
    /// and output as on the command line.
    private func drafting(_ name: String, _ argument: String) {
        let command = String(name.dropFirst())
        let words = DraftingOutput.words(argument)
        do {
            let output: String
            switch command {
            case "series":
                let parsed = try ArgumentParser.parse(words, specs: SeriesCommand.options, command: command)
                output = try SeriesCommand.render(parsed, index: index, styled: styled, json: json)
            case "history":
                let parsed = try ArgumentParser.parse(words, specs: HistoryCommand.options, command: command)
                output = try HistoryCommand.render(parsed, index: index, styled: styled, json: json)
            case "diff":
                let parsed = try ArgumentParser.parse(words, specs: DiffCommand.options, command: command)
                output = try DiffCommand.render(parsed, index: index, styled: styled, json: json)
            default:
                let parsed = try ArgumentParser.parse(words, specs: SimilarCommand.options, command: command)
                output = try SimilarCommand.render(parsed, index: index, styled: styled, json: json)
            }
            print(output)
        } catch {
            _ = ConcordCommand.report(error)
        }
    }

    static func onOff(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "on", "true", "1", "": return true
        case "off", "false", "0": return false
        default: return nil
        }
    }

    static let help = """
        Type a query to search. Syntax: words (ranked OR), +must -not, AND OR NOT ( ), "phrase", "phrase"~N,
        NEAR/N(a b), ONEAR/N(a b), =exact, prefix*, title:, symbol:A/RES/7*, year:2010..2015, session:70,
        para:op, para:pp, verb:urges.
        Commands:
          :k N              hits per page            :more            next page of the last query
          :and / :or        default operator         :explain on|off  score trees
          :json on|off      JSON output              :show ID[#PARA]  a document or paragraph
          :cite ID#PARA     a citation               :stats           index summary
          :series [NAME]    recurring resolutions    :history TEXT    a phrase through a series
          :diff A [B]       compare two documents    :similar TEXT    precedents (or ID#PARA)
          :help             this text                :quit            leave (or Ctrl-D)
        """
}
