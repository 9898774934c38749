import Concord
import Foundation

/// Shared rendering of the drafting commands (`series`, `history`, `diff`, `similar`): styles,
/// numbers and word diffs, for the terminal and for the REPL.
package enum DraftingOutput {
    /// A word diff with deletions and insertions marked: red and green on a terminal,
    /// `[-deleted-]` and `{+inserted+}` (git's word-diff notation) otherwise.
    static func marked(_ diff: WordDiff, styled: Bool) -> String {
        guard styled else { return diff.rendered() }
        return diff.rendered { operation, text in
            switch operation {
            case .equal: text
            case .deleted: Style.apply("9;31", to: text, enabled: true)
            case .inserted: Style.green(text, enabled: true)
            }
        }
    }

    /// `0.973` → `97%`.
    static func percent(_ value: Double) -> String {
        "\(Int((value * 100).rounded(.down)))%"
    }

    /// `0.9731` → `97.3%`.
    static func percentTenths(_ value: Double) -> String {
        let tenths = Int((value * 1000).rounded(.down))
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// Rounds for JSON (4 decimals).
    static func rounded(_ value: Double) -> Double {
        (value * 10_000).rounded() / 10_000
    }

    /// `12.3 ms`.
    static func milliseconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.2f ms", value) : "\(Int(value.rounded())) ms"
    }

    /// A year column (`2015`, or `----` when unknown).
    static func year(_ year: Int64?) -> String {
        year.map(String.init) ?? "----"
    }

    /// Pads `text` to `width` characters.
    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// A word diff as JSON: `[{"op": "equal"|"inserted"|"deleted", "text": ...}]`.
    static func json(_ diff: WordDiff) -> JSON.Value {
        .array(diff.segments.map { .object([("op", .string($0.operation.rawValue)), ("text", .string($0.text))]) })
    }

    /// Splits a REPL argument into words; double quotes group words.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        var hasWord = false
        for character in text {
            if character == "\"" {
                quoted.toggle()
                hasWord = true
            } else if character.isWhitespace && !quoted {
                if hasWord { words.append(current) }
                current = ""
                hasWord = false
            } else {
                current.append(character)
                hasWord = true
            }
        }
        if hasWord { words.append(current) }
        return words
    }
}

/// `concord series [NAME]`: recurring resolutions and their members by year.
package enum SeriesCommand {
    static let options: [OptionSpec] = [
        CommandHelp.indexOption, .flag("json", "as JSON"), .flag("all", "also list documents alone in their series"),
        .value("limit", short: "k", "N", "series to list (default 50)"), CommandHelp.helpOption,
    ]

    /// Runs the command with its arguments (without the command name); returns the exit code.
    package static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ArgumentParser.parse(arguments, specs: options, command: "series")
        if parsed.flag("help") {
            print(
                CommandHelp.help(
                    "series",
                    summary:
                        "Lists series of a recurring resolution (same title, or linked by \"Recalling its resolution NN/NNN\")\nwith their members by year. NAME: a series name, a member's symbol, or words of the title.",
                    options: options))
            return ExitCode.success
        }
        let index = try IndexLocation.open(parsed, firstRun: true)
        print(try render(parsed, index: index, styled: Style.standardOutputEnabled, json: parsed.flag("json")))
        return ExitCode.success
    }

    /// The output of `series` (also `:series` in the REPL).
    package static func render(_ parsed: ParsedArguments, index: SearchIndex, styled: Bool, json: Bool) throws -> String
    {
        let limit = try parsed.integer("limit", in: 1...100_000, command: "series") ?? 50
        let catalog = try index.seriesCatalog()
        var list: [Series]
        var total: Int
        if parsed.positionals.isEmpty {
            let all = try index.allSeries(minimumMembers: parsed.flag("all") ? 1 : 2)
            total = all.count
            list = Array(all.prefix(limit))
        } else {
            list = [try index.series(named: parsed.positionals.joined(separator: " "))]
            total = 1
        }
        if json {
            return JSON.encode(
                .object([
                    ("total", .integer(Int64(total))), ("derived_from_titles", .bool(catalog.derivedFromTitles)),
                    ("series", .array(list.map(jsonSeries))),
                ]))
        }
        var lines: [String] = []
        if catalog.derivedFromTitles {
            lines.append(
                Style.dim(
                    "note: this index predates series keys; grouped by stored titles (rebuild for citations and series:)",
                    enabled: styled))
        }
        for (number, series) in list.enumerated() {
            if number > 0 { lines.append("") }
            let span =
                series.years.map {
                    $0.lowerBound == $0.upperBound ? " \($0.lowerBound)" : " \($0.lowerBound)–\($0.upperBound)"
                } ?? ""
            let count = "\(series.members.count) member\(series.members.count == 1 ? "" : "s")"
            lines.append(Style.bold(series.name, enabled: styled) + Style.dim("  (\(count),\(span))", enabled: styled))
            if !series.title.isEmpty { lines.append("  " + series.title) }
            for member in series.members {
                var line =
                    "  " + DraftingOutput.year(member.year) + "  " + Style.bold(member.reference, enabled: styled)
                if member.key != series.name {
                    line += Style.dim("  (linked by citation; title: \(member.title))", enabled: styled)
                }
                lines.append(line)
            }
            if !catalog.derivedFromTitles {
                lines.append(Style.dim("  filter: series:\(series.name)", enabled: styled))
            }
        }
        if list.isEmpty {
            lines.append(
                parsed.flag("all")
                    ? "no series: no document has a UN symbol and title" : "no recurring series (try --all)")
        } else if total > list.count {
            lines.append("")
            lines.append(Style.dim("\(total) series, showing \(list.count) (use -k N)", enabled: styled))
        }
        return lines.joined(separator: "\n")
    }

    static func jsonSeries(_ series: Series) -> JSON.Value {
        .object([
            ("name", .string(series.name)), ("title", .string(series.title)),
            ("keys", .array(series.keys.map { .string($0) })),
            ("first_year", series.years.map { .integer($0.lowerBound) } ?? .null),
            ("last_year", series.years.map { .integer($0.upperBound) } ?? .null),
            ("members", .array(series.members.map(jsonMember))),
        ])
    }

    static func jsonMember(_ member: SeriesMember) -> JSON.Value {
        .object([
            ("id", .string(member.id)), ("symbol", member.symbol.map { .string($0) } ?? .null),
            ("year", member.year.map { .integer($0) } ?? .null),
            ("session", member.session.map { .integer($0) } ?? .null),
            ("title", .string(member.title)), ("key", .string(member.key)),
        ])
    }
}

/// `concord history TEXT [--series NAME]`: a phrase or paragraph through the years of a series.
package enum HistoryCommand {
    static let options: [OptionSpec] = [
        CommandHelp.indexOption, .value("series", "NAME", "series to follow (name, member symbol or title words)"),
        .value("threshold", "X", "least similarity of a variant, 0 to 1 (default 0.6)"), .flag("json", "as JSON"),
        CommandHelp.helpOption,
    ]

    /// Runs the command with its arguments (without the command name); returns the exit code.
    package static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ArgumentParser.parse(arguments, specs: options, command: "history")
        if parsed.flag("help") {
            print(
                CommandHelp.help(
                    "history",
                    summary:
                        "For each member of a series, in year order: whether TEXT (a phrase or a pasted paragraph) occurs,\nin which paragraphs, verbatim or as the closest variant (differing words marked); when it first\nappeared and when it was dropped.",
                    options: options))
            return ExitCode.success
        }
        let index = try IndexLocation.open(parsed, firstRun: true)
        print(try render(parsed, index: index, styled: Style.standardOutputEnabled, json: parsed.flag("json")))
        return ExitCode.success
    }

    /// The output of `history` (also `:history` in the REPL).
    package static func render(_ parsed: ParsedArguments, index: SearchIndex, styled: Bool, json: Bool) throws -> String
    {
        let text = parsed.positionals.joined(separator: " ")
        guard !WordSequence(text).words.isEmpty else {
            throw UsageError("give a TEXT (a phrase or a paragraph)", command: "history")
        }
        var options = PhraseHistoryOptions()
        if let threshold = try parsed.decimal("threshold", command: "history") {
            guard threshold <= 1 else { throw UsageError("--threshold takes a number from 0 to 1", command: "history") }
            options.variantThreshold = threshold
        }
        let history = try index.phraseHistory(text, series: parsed.value("series"), options: options)
        return json ? jsonText(history) : human(history, styled: styled)
    }

    static func human(_ history: PhraseHistory, styled: Bool) -> String {
        let quoted = history.text.count > 70 ? String(history.text.prefix(67)) + "..." : history.text
        var lines = [
            "\"\(quoted)\" in series " + Style.bold(history.series.name, enabled: styled)
                + Style.dim(" (\(history.series.members.count) members)", enabled: styled)
        ]
        let width = history.entries.map { $0.member.reference.count }.max() ?? 0
        for entry in history.entries {
            var line =
                DraftingOutput.year(entry.member.year) + "  "
                + Style.bold(DraftingOutput.pad(entry.member.reference, width), enabled: styled) + "  "
            switch entry.presence {
            case .verbatim:
                line += Style.green("verbatim", enabled: styled) + "      "
                line += entry.paragraphs.map { Style.cyan($0, enabled: styled) }.joined(separator: " ")
            case .variant:
                line += Style.yellow("variant", enabled: styled) + " "
                line += DraftingOutput.pad(DraftingOutput.percent(entry.similarity), 5)
                line += " " + entry.paragraphs.map { Style.cyan($0, enabled: styled) }.joined(separator: " ")
            case .absent:
                line += Style.dim("absent", enabled: styled)
                if let match = entry.match {
                    line += Style.dim(
                        "        (closest: \(match.paragraph), \(DraftingOutput.percent(match.similarity)))",
                        enabled: styled)
                }
            }
            lines.append(line)
            if entry.presence != .absent, let match = entry.match,
                history.text.count <= 300 || entry.presence == .variant
            {
                let body =
                    entry.presence == .verbatim
                    ? Style.bold(match.text, enabled: styled) : DraftingOutput.marked(match.diff, styled: styled)
                lines.append(
                    "      " + Style.dim(match.before, enabled: styled) + body + Style.dim(match.after, enabled: styled)
                )
            }
        }
        lines.append(summary(history))
        if !history.otherSeries.isEmpty {
            lines.append(
                Style.dim(
                    "also in: " + history.otherSeries.prefix(5).joined(separator: ", ") + " (use --series)",
                    enabled: styled))
        }
        return lines.joined(separator: "\n")
    }

    /// "first appeared 2019 (A/RES/74/153 PP2); still present in 2021 (A/RES/76/159)".
    static func summary(_ history: PhraseHistory) -> String {
        guard let first = history.firstAppeared else { return "not found in any member of the series" }
        func place(_ entry: PhraseHistoryEntry) -> String {
            DraftingOutput.year(entry.member.year) + " ("
                + ([entry.member.reference] + entry.paragraphs.prefix(1)).joined(separator: " ") + ")"
        }
        var parts = ["first appeared " + place(first)]
        if let verbatim = history.firstVerbatim, verbatim.member.address != first.member.address {
            parts.append("verbatim from " + place(verbatim))
        }
        let firstIndex = history.entries.firstIndex { $0.member.address == first.member.address } ?? 0
        let lastIndex = history.entries.lastIndex { $0.presence != .absent } ?? firstIndex
        let gaps = history.entries[firstIndex...lastIndex].filter { $0.presence == .absent }
        if !gaps.isEmpty {
            parts.append(
                "absent in "
                    + gaps.map { DraftingOutput.year($0.member.year) + " (\($0.member.reference))" }.joined(
                        separator: ", "))
        }
        if let dropped = history.dropped {
            parts.append(
                "dropped " + DraftingOutput.year(dropped.member.year) + " (absent from \(dropped.member.reference))")
        } else if let last = history.lastPresent {
            parts.append("still present in " + DraftingOutput.year(last.member.year) + " (\(last.member.reference))")
        }
        return parts.joined(separator: "; ")
    }

    static func jsonText(_ history: PhraseHistory) -> String {
        func yearValue(_ entry: PhraseHistoryEntry?) -> JSON.Value {
            entry?.member.year.map { .integer($0) } ?? .null
        }
        func symbolValue(_ entry: PhraseHistoryEntry?) -> JSON.Value {
            entry.map { .string($0.member.reference) } ?? .null
        }
        let members: [JSON.Value] = history.entries.map { entry in
            var fields: [(String, JSON.Value)] = [
                ("id", .string(entry.member.id)), ("symbol", entry.member.symbol.map { .string($0) } ?? .null),
                ("year", entry.member.year.map { .integer($0) } ?? .null), ("status", .string(entry.presence.rawValue)),
                ("paragraphs", .array(entry.paragraphs.map { .string($0) })),
                ("similarity", .number(DraftingOutput.rounded(entry.similarity))),
            ]
            if let match = entry.match {
                fields.append(
                    (
                        entry.presence == .absent ? "closest" : "match",
                        .object([
                            ("paragraph", .string(match.paragraph)), ("text", .string(match.text)),
                            ("similarity", .number(DraftingOutput.rounded(match.similarity))),
                            ("diff", DraftingOutput.json(match.diff)),
                        ])
                    ))
            } else {
                fields.append(("match", .null))
            }
            return .object(fields)
        }
        return JSON.encode(
            .object([
                ("text", .string(history.text)), ("series", .string(history.series.name)),
                ("series_title", .string(history.series.title)), ("members", .array(members)),
                ("first_appeared", yearValue(history.firstAppeared)),
                ("first_appeared_symbol", symbolValue(history.firstAppeared)),
                ("first_verbatim", yearValue(history.firstVerbatim)), ("last_present", yearValue(history.lastPresent)),
                ("dropped", yearValue(history.dropped)), ("dropped_symbol", symbolValue(history.dropped)),
                ("other_series", .array(history.otherSeries.map { .string($0) })),
                ("took_ms", .number(DraftingOutput.rounded(history.tookMilliseconds))),
            ]))
    }
}

/// `concord diff A [B]`: paragraph-aligned comparison of two documents or two paragraphs.
package enum DiffCommand {
    static let options: [OptionSpec] = [
        CommandHelp.indexOption, .flag("json", "as JSON"), .flag("changes", "leave out paragraphs kept unchanged"),
        .value("threshold", "X", "least similarity to pair two paragraphs, 0 to 1 (default 0.5)"),
        CommandHelp.helpOption,
    ]

    /// Runs the command with its arguments (without the command name); returns the exit code.
    package static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ArgumentParser.parse(arguments, specs: options, command: "diff")
        if parsed.flag("help") {
            print(
                CommandHelp.help(
                    "diff",
                    summary:
                        "Compares two documents (ids or symbols) paragraph by paragraph: kept, reworded (words marked),\nmoved, added, removed, with similarities and opening-verb changes. With one SYMBOL, compares it\nwith the previous member of its series; with ID#PARA on both sides, compares two paragraphs.",
                    options: options))
            return ExitCode.success
        }
        let index = try IndexLocation.open(parsed, firstRun: true)
        print(try render(parsed, index: index, styled: Style.standardOutputEnabled, json: parsed.flag("json")))
        return ExitCode.success
    }

    /// The output of `diff` (also `:diff` in the REPL).
    package static func render(_ parsed: ParsedArguments, index: SearchIndex, styled: Bool, json: Bool) throws -> String
    {
        var references = parsed.positionals
        guard (1...2).contains(references.count) else {
            throw UsageError(
                "give two documents (or ID#PARA twice), or one to compare with its predecessor", command: "diff")
        }
        var options = DiffOptions()
        if let threshold = try parsed.decimal("threshold", command: "diff") {
            guard threshold <= 1 else { throw UsageError("--threshold takes a number from 0 to 1", command: "diff") }
            options.pairThreshold = threshold
        }
        if references.count == 1 {
            guard let previous = try index.previousInSeries(references[0]) else {
                throw CommandFailure("\(references[0]) has no earlier member in its series: give two documents")
            }
            references.insert(previous.reference, at: 0)
        }
        let diff = try index.diff(references[0], references[1], options: options)
        return json ? jsonText(diff) : human(diff, styled: styled, changesOnly: parsed.flag("changes"))
    }

    static func side(_ side: DiffSide) -> String {
        side.reference + (side.paragraph.map { "#" + $0 } ?? "") + (side.year.map { " (\($0))" } ?? "")
    }

    static func human(_ diff: DocumentDiff, styled: Bool, changesOnly: Bool) -> String {
        var lines = [
            Style.bold(side(diff.old), enabled: styled) + " → " + Style.bold(side(diff.new), enabled: styled)
                + "  similarity " + DraftingOutput.percentTenths(diff.similarity)
        ]
        let pairs = diff.changes.count { $0.old != nil && $0.new != nil }
        lines.append(
            "\(pairs) paragraph pair\(pairs == 1 ? "" : "s"): \(diff.count(.kept)) kept, \(diff.count(.reworded)) reworded, "
                + "\(diff.count(.moved)) moved; \(diff.count(.added)) added, \(diff.count(.removed)) removed")
        let width = max(6, diff.changes.map { max($0.old?.label.count ?? 0, $0.new?.label.count ?? 0) }.max() ?? 0)
        lines.append("")
        for change in diff.changes where !(changesOnly && change.kind == .kept) {
            let oldLabel = DraftingOutput.pad(change.old?.label ?? "—", width)
            let newLabel = DraftingOutput.pad(change.new?.label ?? "—", width)
            var line =
                "  " + Style.cyan(oldLabel, enabled: styled) + " → " + Style.cyan(newLabel, enabled: styled) + "  "
            let kind = DraftingOutput.pad(change.kind.rawValue, 9)
            switch change.kind {
            case .kept: line += Style.dim(kind, enabled: styled)
            case .reworded: line += Style.yellow(kind, enabled: styled)
            case .moved: line += Style.magenta(kind, enabled: styled)
            case .added: line += Style.green(kind, enabled: styled)
            case .removed: line += Style.red(kind, enabled: styled)
            }
            if change.old != nil && change.new != nil {
                line += " " + DraftingOutput.percent(change.similarity)
            }
            if change.verbChanged, let old = change.old, let new = change.new {
                line += "  " + Style.yellow("verb: \(old.verb ?? "—") → \(new.verb ?? "—")", enabled: styled)
            }
            while line.last == " " { line.removeLast() }
            lines.append(line)
            switch change.kind {
            case .kept: break
            case .reworded, .moved:
                if let wordDiff = change.diff, !wordDiff.isIdentical {
                    lines.append("      " + DraftingOutput.marked(wordDiff, styled: styled))
                }
            case .added: lines.append("      " + Style.green(change.new?.text ?? "", enabled: styled))
            case .removed: lines.append("      " + Style.red(change.old?.text ?? "", enabled: styled))
            }
        }
        return lines.joined(separator: "\n")
    }

    static func jsonText(_ diff: DocumentDiff) -> String {
        func sideValue(_ side: DiffSide) -> JSON.Value {
            .object([
                ("id", .string(side.id)), ("symbol", side.symbol.map { .string($0) } ?? .null),
                ("year", side.year.map { .integer($0) } ?? .null), ("title", .string(side.title)),
                ("paragraph", side.paragraph.map { .string($0) } ?? .null),
            ])
        }
        let changes: [JSON.Value] = diff.changes.map { change in
            var fields: [(String, JSON.Value)] = [
                ("status", .string(change.kind.rawValue)), ("old", change.old.map { .string($0.label) } ?? .null),
                ("new", change.new.map { .string($0.label) } ?? .null),
                ("similarity", .number(DraftingOutput.rounded(change.similarity))),
                ("old_verb", change.old?.verb.map { .string($0) } ?? .null),
                ("new_verb", change.new?.verb.map { .string($0) } ?? .null),
                ("verb_changed", .bool(change.verbChanged)),
            ]
            if let wordDiff = change.diff {
                fields.append(("identical", .bool(wordDiff.isIdentical)))
                fields.append(("inserted_words", .integer(Int64(wordDiff.insertedWords))))
                fields.append(("deleted_words", .integer(Int64(wordDiff.deletedWords))))
                fields.append(("diff", wordDiff.isIdentical ? .null : DraftingOutput.json(wordDiff)))
            } else {
                fields.append(("text", .string(change.new?.text ?? change.old?.text ?? "")))
            }
            return .object(fields)
        }
        let counts: [(String, JSON.Value)] = [ParagraphChangeKind.kept, .reworded, .moved, .added, .removed].map {
            ($0.rawValue, .integer(Int64(diff.count($0))))
        }
        return JSON.encode(
            .object([
                ("old", sideValue(diff.old)), ("new", sideValue(diff.new)),
                ("similarity", .number(DraftingOutput.rounded(diff.similarity))), ("counts", .object(counts)),
                ("paragraphs", .array(changes)),
            ]))
    }
}

/// `concord similar TEXT | ID#PARA`: precedents, the paragraphs with the most shared wording.
package enum SimilarCommand {
    static let options: [OptionSpec] = [
        CommandHelp.indexOption, .value("limit", short: "k", "N", "paragraphs to show (default 10)"),
        .value("candidates", "N", "documents examined (default 200)"), .flag("json", "as JSON"),
        CommandHelp.helpOption,
    ]

    /// Runs the command with its arguments (without the command name); returns the exit code.
    package static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ArgumentParser.parse(arguments, specs: options, command: "similar")
        if parsed.flag("help") {
            print(
                CommandHelp.help(
                    "similar",
                    summary:
                        "Finds precedents: paragraphs anywhere in the index sharing the most wording (3-word shingles) with\nTEXT or with the paragraph ID#PARA, each with its longest shared passage and year.",
                    options: options))
            return ExitCode.success
        }
        let index = try IndexLocation.open(parsed, firstRun: true)
        print(try render(parsed, index: index, styled: Style.standardOutputEnabled, json: parsed.flag("json")))
        return ExitCode.success
    }

    /// The output of `similar` (also `:similar` in the REPL).
    package static func render(_ parsed: ParsedArguments, index: SearchIndex, styled: Bool, json: Bool) throws -> String
    {
        let text = parsed.positionals.joined(separator: " ")
        guard !WordSequence(text).words.isEmpty else { throw UsageError("give a TEXT or ID#PARA", command: "similar") }
        var options = PrecedentOptions()
        options.limit = try parsed.integer("limit", in: 1...1000, command: "similar") ?? 10
        options.candidateDocuments = try parsed.integer("candidates", in: 1...100_000, command: "similar") ?? 200
        let isReference = parsed.positionals.count == 1 && text.contains("#") && !text.contains(" ")
        let result =
            isReference
            ? try index.similarParagraphs(toParagraph: text, options: options)
            : try index.similarParagraphs(to: text, options: options)
        return json ? jsonText(result) : human(result, styled: styled)
    }

    static func human(_ result: PrecedentResult, styled: Bool) -> String {
        let words = WordSequence(result.text).count
        let shown = result.text.count > 70 ? String(result.text.prefix(67)) + "..." : result.text
        var lines = [
            "Precedents of " + (result.source.map { Style.bold($0, enabled: styled) + " " } ?? "") + "\"\(shown)\""
                + Style.dim(" (\(words) words)", enabled: styled)
        ]
        for (rank, precedent) in result.precedents.enumerated() {
            var head = "\(rank + 1). " + Style.bold(precedent.reference, enabled: styled)
            if let year = precedent.year { head += "  \(year)" }
            head += "  " + Style.cyan(precedent.paragraph, enabled: styled)
            head += "  " + DraftingOutput.percent(precedent.score) + " shared"
            head += Style.dim(" (\(precedent.sharedShingles) of \(result.queryShingles) shingles)", enabled: styled)
            lines.append(head)
            lines.append(
                "   longest shared passage (\(precedent.longestSharedWords) words): \"\(precedent.longestShared)\"")
            lines.append("   " + highlighted(precedent, styled: styled))
        }
        if result.precedents.isEmpty { lines.append("no paragraph shares wording with this text") }
        lines.append(
            Style.dim(
                "\(result.paragraphsExamined) paragraph\(result.paragraphsExamined == 1 ? "" : "s") of \(result.documentsExamined) document\(result.documentsExamined == 1 ? "" : "s") compared (\(DraftingOutput.milliseconds(result.tookMilliseconds)))",
                enabled: styled))
        return lines.joined(separator: "\n")
    }

    /// The paragraph with its longest shared passage in bold (on a terminal).
    static func highlighted(_ precedent: Precedent, styled: Bool) -> String {
        guard styled, !precedent.longestShared.isEmpty, let range = precedent.text.range(of: precedent.longestShared)
        else {
            return precedent.text
        }
        return String(precedent.text[..<range.lowerBound]) + Style.bold(precedent.longestShared, enabled: true)
            + String(precedent.text[range.upperBound...])
    }

    static func jsonText(_ result: PrecedentResult) -> String {
        let results: [JSON.Value] = result.precedents.map { precedent in
            .object([
                ("id", .string(precedent.id)), ("symbol", precedent.symbol.map { .string($0) } ?? .null),
                ("year", precedent.year.map { .integer($0) } ?? .null), ("title", .string(precedent.title)),
                ("paragraph", .string(precedent.paragraph)), ("verb", precedent.verb.map { .string($0) } ?? .null),
                ("score", .number(DraftingOutput.rounded(precedent.score))),
                ("shared_shingles", .integer(Int64(precedent.sharedShingles))),
                ("containment", .number(DraftingOutput.rounded(precedent.containment))),
                ("longest_shared", .string(precedent.longestShared)),
                ("longest_shared_words", .integer(Int64(precedent.longestSharedWords))),
                ("text", .string(precedent.text)),
            ])
        }
        return JSON.encode(
            .object([
                ("text", .string(result.text)), ("source", result.source.map { .string($0) } ?? .null),
                ("query_shingles", .integer(Int64(result.queryShingles))),
                ("documents_examined", .integer(Int64(result.documentsExamined))),
                ("paragraphs_examined", .integer(Int64(result.paragraphsExamined))),
                ("took_ms", .number(DraftingOutput.rounded(result.tookMilliseconds))), ("results", .array(results)),
            ]))
    }
}
