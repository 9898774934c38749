import Concord
import Foundation

/// `concord show ID[#PARA]`: what was understood of a document.
package enum ShowCommand {
    static let options: [OptionSpec] = [
        CommandHelp.indexOption, .flag("json", "metadata and paragraphs as JSON"),
        .flag("cite", "print a citation of the paragraph"), CommandHelp.helpOption,
    ]

    package static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ArgumentParser.parse(arguments, specs: options, command: "show")
        if parsed.flag("help") {
            print(
                CommandHelp.help(
                    "show", summary: "Prints a document (by id, or UN symbol) or one paragraph (ID#OP3).",
                    options: options))
            return ExitCode.success
        }
        guard parsed.positionals.count == 1 else { throw UsageError("give one ID or ID#PARA", command: "show") }
        let index = try IndexLocation.open(parsed, firstRun: false)
        print(try render(parsed.positionals[0], index: index, json: parsed.flag("json"), cite: parsed.flag("cite")))
        return ExitCode.success
    }

    /// The text `show` prints for a reference (also used by the REPL's `:show`).
    package static func render(_ reference: String, index: SearchIndex, json: Bool, cite: Bool) throws -> String {
        var id = reference
        var label: String?
        if let hash = reference.lastIndex(of: "#") {
            id = String(reference[..<hash])
            label = String(reference[reference.index(after: hash)...])
        }
        guard let document = try index.document(id) else {
            throw CommandFailure(
                "no document '\(id)' in \(index.path): check the id (or UN symbol) with `concord search`")
        }
        var paragraphs = document.paragraphs
        if let label {
            paragraphs = paragraphs.filter { $0.label.caseInsensitiveCompare(label) == .orderedSame }
            if paragraphs.isEmpty {
                let labels = document.paragraphs.map(\.label).joined(separator: " ")
                throw CommandFailure("document \(id) has no paragraph \(label); it has: \(labels)")
            }
        }
        if cite, let paragraph = paragraphs.first {
            return Citation.text(document: document, paragraph: label == nil ? nil : paragraph)
        }
        if json { return jsonText(document, paragraphs: paragraphs) }
        var lines: [String] = []
        let styled = Style.standardOutputEnabled
        lines.append(Style.bold(document.id, enabled: styled) + (document.title.isEmpty ? "" : "  " + document.title))
        for (name, value) in document.fields {
            switch value {
            case .keyword(let text): lines.append("  \(name): \(text)")
            case .number(let number): lines.append("  \(name): \(number)")
            }
        }
        for paragraph in paragraphs {
            let verb = paragraph.verb.map { " [\($0)]" } ?? ""
            lines.append("")
            lines.append(Style.cyan(paragraph.label, enabled: styled) + Style.dim(verb, enabled: styled))
            lines.append(paragraph.text)
        }
        return lines.joined(separator: "\n")
    }

    static func jsonText(_ document: StoredDocument, paragraphs: [StoredParagraph]) -> String {
        var members: [(String, JSON.Value)] = [("id", .string(document.id)), ("title", .string(document.title))]
        for name in ["symbol", "year", "session", "date", "agenda", "report", "committee"] {
            switch document.field(name) {
            case .keyword(let text): members.append((name, .string(text)))
            case .number(let number): members.append((name, .integer(number)))
            case nil: members.append((name, .null))
            }
        }
        members.append(
            (
                "fields",
                .object(
                    document.fields.map { field in
                        switch field.value {
                        case .keyword(let text): return (field.name, .string(text))
                        case .number(let number): return (field.name, .integer(number))
                        }
                    })
            ))
        let kindNames = ["head", "title", "pp", "op", "sub", "fn", "end", "body"]
        members.append(
            (
                "paragraphs",
                .array(
                    paragraphs.map { paragraph in
                        .object([
                            ("label", .string(paragraph.label)),
                            (
                                "kind",
                                .string(
                                    Int(paragraph.kind) < kindNames.count ? kindNames[Int(paragraph.kind)] : "unknown")
                            ),
                            ("verb", paragraph.verb.map { .string($0) } ?? .null), ("text", .string(paragraph.text)),
                        ])
                    })
            ))
        return JSON.encode(.object(members))
    }
}

/// Citations of UN paragraphs ("General Assembly resolution 76/159, para. 3").
package enum Citation {
    /// A citation of the document, or of one of its paragraphs.
    package static func text(document: StoredDocument, paragraph: StoredParagraph?) -> String {
        var name = document.title.isEmpty ? document.id : document.title
        if case .keyword(let symbol) = document.field("symbol"), symbol.hasPrefix("A/RES/") {
            name = "General Assembly resolution " + symbol.dropFirst("A/RES/".count)
        }
        guard let paragraph else { return name }
        let label = paragraph.label
        if label.hasPrefix("OP") { return "\(name), para. \(label.dropFirst(2))" }
        if label.hasPrefix("PP") { return "\(name), preambular para. \(label.dropFirst(2))" }
        if label.hasPrefix("FN") { return "\(name), footnote \(label.dropFirst(2))" }
        return "\(name), \(label)"
    }
}

/// `concord stats`.
package enum StatsCommand {
    static let options: [OptionSpec] = [CommandHelp.indexOption, .flag("json", "as JSON"), CommandHelp.helpOption]

    package static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ArgumentParser.parse(arguments, specs: options, command: "stats")
        if parsed.flag("help") {
            print(
                CommandHelp.help(
                    "stats", summary: "Prints documents, terms, segments and sizes per component.", options: options))
            return ExitCode.success
        }
        let index = try IndexLocation.open(parsed, firstRun: false)
        let snapshot = index.snapshot
        var components: [String: Int] = [:]
        var terms: UInt64 = 0
        var deleted = 0
        for segment in snapshot.segments {
            for (component, bytes) in segment.fileSizes { components[component, default: 0] += bytes }
            terms += segment.terms.termCount
            deleted += Int(segment.documentCount) - segment.liveCount
        }
        let total = components.values.reduce(0, +)
        if parsed.flag("json") {
            print(
                JSON.encode(
                    .object([
                        ("documents", .integer(Int64(snapshot.liveDocumentCount))),
                        ("deleted", .integer(Int64(deleted))),
                        ("terms", .integer(Int64(terms))), ("segments", .integer(Int64(snapshot.segments.count))),
                        ("generation", .integer(Int64(snapshot.manifest.generation))),
                        ("bytes", .integer(Int64(total))),
                        (
                            "components",
                            .object(components.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) })
                        ),
                    ])))
            return ExitCode.success
        }
        print("index       \(index.path) (commit \(snapshot.manifest.generation))")
        print("documents   \(snapshot.liveDocumentCount) live, \(deleted) deleted")
        print("terms       \(terms) (dictionary entries over all fields and segments)")
        print("segments    \(snapshot.segments.count)")
        print("size        \(total) bytes")
        for (component, bytes) in components.sorted(by: { $0.key < $1.key }) {
            print("  " + component.padding(toLength: 10, withPad: " ", startingAt: 0) + " \(bytes) bytes")
        }
        return ExitCode.success
    }
}

/// `concord analyze TEXT`.
package enum AnalyzeCommand {
    static let options: [OptionSpec] = [
        .flag("json", "an array of {token, stem, position, start, end}"),
        .flag("no-stem", "show the analysis without stemming"), CommandHelp.helpOption,
    ]

    package static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ArgumentParser.parse(arguments, specs: options, command: "analyze")
        if parsed.flag("help") {
            print(CommandHelp.help("analyze", summary: "Shows what the analyzer makes of a text.", options: options))
            return ExitCode.success
        }
        guard !parsed.positionals.isEmpty else { throw UsageError("give a TEXT to analyze", command: "analyze") }
        var analyzer = Analyzer(stemming: !parsed.flag("no-stem"))
        let tokens = analyzer.tokens(parsed.positionals.joined(separator: " "))
        if parsed.flag("json") {
            print(
                JSON.encode(
                    .array(
                        tokens.map { token in
                            .object([
                                ("token", .string(token.surface)), ("stem", .string(token.stem)),
                                ("position", .integer(Int64(token.position))), ("start", .integer(Int64(token.start))),
                                ("end", .integer(Int64(token.end))), ("whole", .bool(token.isWhole)),
                            ])
                        })))
            return ExitCode.success
        }
        print("position  start  end  token → stem")
        for token in tokens {
            let whole = token.isWhole ? "  (whole compound)" : ""
            print(
                String(token.position).padding(toLength: 10, withPad: " ", startingAt: 0)
                    + String(token.start).padding(toLength: 7, withPad: " ", startingAt: 0)
                    + String(token.end).padding(toLength: 5, withPad: " ", startingAt: 0) + token.surface + " → "
                    + token.stem + whole)
        }
        return ExitCode.success
    }
}
