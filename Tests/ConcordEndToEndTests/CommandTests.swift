import Concord
import ConcordTestSupport
import Foundation
import Testing

/// A temporary workspace holding a copy of `index-data/corpus`, removed when released.
/// Commands run with the workspace as working directory.
final class CLIWorkspace {
    /// The workspace directory.
    let url: URL

    /// A fresh workspace without an index.
    init() throws {
        url = try ConcordProcess.sampleWorkspace()
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// A workspace whose sample corpus is indexed at `indexPath` (by `concord index`).
    static func indexed() throws -> CLIWorkspace {
        let workspace = try CLIWorkspace()
        let build = try workspace.run(["index", "index-data/corpus", "--index", workspace.indexPath])
        guard build.status == 0 else {
            throw SetupFailure(description: "concord index failed: \(build.stderr)")
        }
        return workspace
    }

    /// The absolute path of the test index (`idx` in the workspace).
    var indexPath: String { url.appendingPathComponent("idx").path }

    /// The absolute path of `relative` in the workspace.
    func path(_ relative: String) -> String { url.appendingPathComponent(relative).path }

    /// Whether `relative` exists in the workspace.
    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }

    /// Runs `concord` in the workspace (NO_COLOR=1, no CONCORD_INDEX unless given).
    func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws
        -> ConcordProcess.Output
    {
        try ConcordProcess.run(arguments, in: url, input: input, environment: environment)
    }

    /// Runs `concord ARGUMENTS --index <indexPath>`.
    func runOnIndex(_ arguments: [String], input: String? = nil) throws -> ConcordProcess.Output {
        try run(arguments + ["--index", indexPath], input: input)
    }
}

/// A failed step of a test's setup.
struct SetupFailure: Error, CustomStringConvertible {
    let description: String
}

/// Parses `text` as one JSON object.
func parseObject(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(value as? [String: Any], "not a JSON object: \(text)", sourceLocation: sourceLocation)
}

/// The stems of the words of `query` (what a highlight must contain).
func queryStems(_ query: String) -> [String] {
    var analyzer = Analyzer(stemming: true)
    return analyzer.tokens(query).map(\.stem)
}

/// Checks a `search --json` object against the schema of DESIGN §5 and that every
/// highlight is a sorted, disjoint half-open range of Unicode scalar offsets into the
/// snippet whose text contains one of the query's stems (case-insensitively).
func checkSearchSchema(
    _ object: [String: Any], query: String, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    #expect(object["query"] as? String == query, sourceLocation: sourceLocation)
    #expect(object["total_hits"] is Int, sourceLocation: sourceLocation)
    #expect(object["took_ms"] is Double, sourceLocation: sourceLocation)
    let hits = try #require(object["hits"] as? [[String: Any]], sourceLocation: sourceLocation)
    let stems = queryStems(query)
    var previousScore = Double.infinity
    for hit in hits {
        #expect(hit["id"] is String, "id: \(hit)", sourceLocation: sourceLocation)
        let score = try #require(hit["score"] as? Double, sourceLocation: sourceLocation)
        #expect(score <= previousScore, "hits not ranked by score", sourceLocation: sourceLocation)
        previousScore = score
        #expect(hit["title"] is String, sourceLocation: sourceLocation)
        #expect(hit["symbol"] is String || hit["symbol"] is NSNull, sourceLocation: sourceLocation)
        #expect(hit["year"] is Int || hit["year"] is NSNull, sourceLocation: sourceLocation)
        #expect(hit["paragraph"] is String || hit["paragraph"] is NSNull, sourceLocation: sourceLocation)
        let snippet = try #require(hit["snippet"] as? String, sourceLocation: sourceLocation)
        let highlights = try #require(
            hit["highlights"] as? [[Int]], "highlights: \(hit)", sourceLocation: sourceLocation)
        #expect(!highlights.isEmpty, "hit without highlights: \(hit)", sourceLocation: sourceLocation)
        let scalars = Array(snippet.unicodeScalars)
        var cursor = 0
        for range in highlights {
            try #require(range.count == 2, sourceLocation: sourceLocation)
            let (start, end) = (range[0], range[1])
            try #require(
                cursor <= start && start < end && end <= scalars.count,
                "bad highlight \(range) after \(cursor) in a snippet of \(scalars.count) scalars",
                sourceLocation: sourceLocation)
            cursor = end
            let text = String(String.UnicodeScalarView(scalars[start..<end])).lowercased()
            #expect(
                stems.contains { text.contains($0) }, "highlight '\(text)' contains none of \(stems)",
                sourceLocation: sourceLocation)
        }
    }
}

/// The symbols of the hits of a `search --json` object, in rank order.
func hitSymbols(_ object: [String: Any]) -> [String] {
    (object["hits"] as? [[String: Any]] ?? []).compactMap { $0["symbol"] as? String }
}

@Suite("concord commands end to end")
struct CommandTests {
    static let commands = ["index", "search", "repl", "show", "delete", "merge", "stats", "check", "analyze"]

    // MARK: - index

    @Test("index of a folder, then again: the same ids are replaced")
    func indexFolderAndReplace() throws {
        let workspace = try CLIWorkspace()
        let first = try workspace.runOnIndex(["index", "index-data/corpus"])
        #expect(first.status == 0, "stderr: \(first.stderr)")
        #expect(first.stderr.contains("indexed 5 documents (0 replaced, 0 skipped)"), "stderr: \(first.stderr)")
        #expect(first.stdout.isEmpty, "results go to stdout, summaries to stderr")
        #expect(workspace.exists("idx/MANIFEST"))

        let second = try workspace.runOnIndex(["index", "index-data/corpus"])
        #expect(second.status == 0, "stderr: \(second.stderr)")
        #expect(second.stderr.contains("indexed 5 documents (5 replaced, 0 skipped)"), "stderr: \(second.stderr)")

        let stats = try parseObject(try workspace.runOnIndex(["stats", "--json"]).stdout)
        #expect(stats["documents"] as? Int == 5)
        // The first segment's documents were all replaced, so the commit drops that segment.
        #expect(stats["deleted"] as? Int == 0)
        #expect(stats["segments"] as? Int == 1)
        let search = try parseObject(try workspace.runOnIndex(["search", "--json", "cooperation"]).stdout)
        #expect(search["total_hits"] as? Int == 5, "replaced documents must not be found twice")
        #expect(Set(hitSymbols(search)).count == 5)
    }

    @Test("index JSONL from standard input with --format jsonl; the same id again replaces")
    func indexJSONLFromStandardInput() throws {
        let workspace = try CLIWorkspace()
        let records = """
            {"id":"j1","title":"Bridges","text":"Bridging the digital divide in rural areas.","lang":"en"}
            {"id":2,"title":"Dialogue","text":"Cooperation and genuine dialogue among nations."}

            """
        let first = try workspace.runOnIndex(["index", "--format", "jsonl", "-"], input: records)
        #expect(first.status == 0, "stderr: \(first.stderr)")
        #expect(first.stderr.contains("indexed 2 documents (0 replaced, 0 skipped)"), "stderr: \(first.stderr)")

        let shown = try parseObject(try workspace.runOnIndex(["show", "j1", "--json"]).stdout)
        #expect(shown["title"] as? String == "Bridges")
        #expect(
            (shown["fields"] as? [String: Any])?["lang"] as? String == "en", "scalar fields become fields: \(shown)")
        let numeric = try workspace.runOnIndex(["show", "2"])
        #expect(numeric.status == 0, "a numeric id is a string id: \(numeric.stderr)")

        let update = """
            {"id":"j1","title":"Bridges, revised","text":"A revised text about bridges and tunnels."}
            this line is not JSON

            """
        let second = try workspace.runOnIndex(["index", "--format=jsonl", "-"], input: update)
        #expect(second.status == 0, "stderr: \(second.stderr)")
        #expect(second.stderr.contains("(1 replaced, 1 skipped)"), "stderr: \(second.stderr)")
        #expect(second.stderr.contains("-:2"), "a skipped line is reported with its line: \(second.stderr)")

        let stats = try parseObject(try workspace.runOnIndex(["stats", "--json"]).stdout)
        #expect(stats["documents"] as? Int == 2)
        let tunnels = try parseObject(try workspace.runOnIndex(["search", "--json", "tunnels"]).stdout)
        let hits = tunnels["hits"] as? [[String: Any]] ?? []
        #expect(hits.map { $0["id"] as? String } == ["j1"])
        #expect(hits.first?["title"] as? String == "Bridges, revised")
        let old = try parseObject(try workspace.runOnIndex(["search", "--json", "digital"]).stdout)
        #expect(old["total_hits"] as? Int == 0, "the replaced text must be gone")
    }

    // MARK: - search

    @Test("search: human output, and --json parsed back against the schema")
    func searchHumanAndJSON() throws {
        let workspace = try CLIWorkspace.indexed()
        let human = try workspace.runOnIndex(["search", "human rights"])
        #expect(human.status == 0, "stderr: \(human.stderr)")
        #expect(human.stdout.hasPrefix("1. A/RES/"), "stdout: \(human.stdout)")
        #expect(human.stdout.contains("5 hits, showing 1–5"), "stdout: \(human.stdout)")
        #expect(!human.stdout.contains("\u{1B}"), "NO_COLOR output has no escapes")

        for query in ["human rights", "cooperation", "\"genuine dialogue\"", "NEAR/5(dialogue civilizations)"] {
            let result = try workspace.runOnIndex(["search", "--json", query])
            #expect(result.status == 0, "\(query): \(result.stderr)")
            #expect(result.stdout.split(separator: "\n").count == 1, "one JSON object per query")
            let object = try parseObject(result.stdout)
            try checkSearchSchema(object, query: query)
            #expect((object["total_hits"] as? Int ?? 0) > 0, "\(query) finds nothing")
        }
        let phrase = try parseObject(try workspace.runOnIndex(["search", "--json", "\"genuine dialogue\""]).stdout)
        for hit in phrase["hits"] as? [[String: Any]] ?? [] {
            #expect((hit["paragraph"] as? String)?.isEmpty == false, "hit without paragraph: \(hit)")
        }
    }

    @Test("search --explain prints a score tree under each hit")
    func searchExplain() throws {
        let workspace = try CLIWorkspace.indexed()
        let result = try workspace.runOnIndex(["search", "--explain", "-k", "1", "dialogue"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("     ") && $0.contains("weight(") }, "stdout: \(result.stdout)")
        #expect(lines.contains { $0.hasPrefix("       ") && $0.contains("idf") }, "no nested idf node")
        #expect(lines.contains { $0.contains("tf") } && lines.contains { $0.contains("k1") })
        let json = try parseObject(
            try workspace.runOnIndex(["search", "--json", "--explain", "-k", "1", "dialogue"]).stdout)
        let hit = try #require((json["hits"] as? [[String: Any]])?.first)
        let explanation = try #require(hit["explanation"] as? [String: Any])
        #expect(explanation["value"] is Double)
        #expect((explanation["details"] as? [Any])?.isEmpty == false)
    }

    @Test("search -k and --offset page through the same ranking")
    func searchPaging() throws {
        let workspace = try CLIWorkspace.indexed()
        for query in ["human rights", "dialogue"] {
            let all = hitSymbols(try parseObject(try workspace.runOnIndex(["search", "--json", query]).stdout))
            #expect(all.count == 5)
            let first = try parseObject(try workspace.runOnIndex(["search", "--json", "-k", "2", query]).stdout)
            let second = try parseObject(
                try workspace.runOnIndex(["search", "--json", "-k", "2", "--offset", "2", query]).stdout)
            let third = try parseObject(
                try workspace.runOnIndex(["search", "--json", "--limit=2", "--offset=4", query]).stdout)
            #expect(first["total_hits"] as? Int == 5 && second["total_hits"] as? Int == 5)
            #expect(hitSymbols(first) + hitSymbols(second) + hitSymbols(third) == all, "\(query)")
        }
        let human = try workspace.runOnIndex(["search", "-k2", "--offset", "2", "human rights"])
        #expect(human.stdout.hasPrefix("3. "), "ranks continue after the offset: \(human.stdout)")
        #expect(human.stdout.contains("5 hits, showing 3–4"), "stdout: \(human.stdout)")
    }

    @Test("search --and requires every word")
    func searchAnd() throws {
        let workspace = try CLIWorkspace.indexed()
        let orResult = try parseObject(try workspace.runOnIndex(["search", "--json", "dialogue zzqxyv"]).stdout)
        #expect(orResult["total_hits"] as? Int == 5)
        let andResult = try workspace.runOnIndex(["search", "--json", "--and", "dialogue zzqxyv"])
        #expect(andResult.status == 0, "zero hits is success")
        #expect(try parseObject(andResult.stdout)["total_hits"] as? Int == 0)
        let both = try parseObject(
            try workspace.runOnIndex(["search", "--json", "--and", "dialogue civilizations"]).stdout)
        #expect((both["total_hits"] as? Int ?? 0) > 0)
        try checkSearchSchema(both, query: "dialogue civilizations")
    }

    // MARK: - show

    @Test("show SYMBOL, SYMBOL#OP3, --json and --cite")
    func show() throws {
        let workspace = try CLIWorkspace.indexed()
        let document = try workspace.runOnIndex(["show", "A/RES/76/159"])
        #expect(document.status == 0, "stderr: \(document.stderr)")
        #expect(document.stdout.contains("symbol: A/RES/76/159"))
        #expect(document.stdout.contains("year: 2021"))
        #expect(document.stdout.contains("\nPP1 [Reaffirming]\n"), "stdout: \(document.stdout)")
        #expect(document.stdout.contains("\nOP3 [Reaffirms]\n"))

        let paragraph = try workspace.runOnIndex(["show", "A/RES/76/159#OP3"])
        #expect(paragraph.status == 0, "stderr: \(paragraph.stderr)")
        #expect(paragraph.stdout.contains("\nOP3 [Reaffirms]\nReaffirms that dialogue among cultures"))
        #expect(!paragraph.stdout.contains("PP1"), "only the asked paragraph: \(paragraph.stdout)")

        let json = try parseObject(try workspace.runOnIndex(["show", "--json", "A/RES/76/159#OP3"]).stdout)
        #expect(json["id"] as? String == "A-RES-76-159.md")
        #expect(json["symbol"] as? String == "A/RES/76/159")
        #expect(json["year"] as? Int == 2021)
        #expect(json["session"] as? Int == 76)
        #expect(json["title"] as? String == "Enhancement of international cooperation in the field of human rights")
        let paragraphs = try #require(json["paragraphs"] as? [[String: Any]])
        #expect(paragraphs.count == 1)
        #expect(paragraphs.first?["label"] as? String == "OP3")
        #expect(paragraphs.first?["kind"] as? String == "op")
        #expect(paragraphs.first?["verb"] as? String == "Reaffirms")
        #expect((paragraphs.first?["text"] as? String)?.hasPrefix("Reaffirms that dialogue") == true)

        let whole = try parseObject(try workspace.runOnIndex(["show", "--json", "A/RES/76/159"]).stdout)
        let all = try #require(whole["paragraphs"] as? [[String: Any]])
        let kinds = Set(all.compactMap { $0["kind"] as? String })
        #expect(kinds.isSuperset(of: ["head", "pp", "op"]), "kinds: \(kinds)")
        #expect(all.allSatisfy { $0["label"] is String && $0["text"] is String })
        #expect(all.allSatisfy { $0["verb"] is String || $0["verb"] is NSNull })
        #expect(all.contains { $0["label"] as? String == "PP1" && $0["kind"] as? String == "pp" })

        let byId = try workspace.runOnIndex(["show", "A-RES-76-159.md#op3"])
        #expect(byId.status == 0 && byId.stdout.contains("Reaffirms that dialogue"), "ids and labels: \(byId.stderr)")

        let cite = try workspace.runOnIndex(["show", "--cite", "A/RES/76/159#OP3"])
        #expect(cite.status == 0)
        #expect(cite.stdout == "General Assembly resolution 76/159, para. 3\n")
        let preamble = try workspace.runOnIndex(["show", "--cite", "A/RES/76/159#PP1"])
        #expect(preamble.stdout == "General Assembly resolution 76/159, preambular para. 1\n")

        let missing = try workspace.runOnIndex(["show", "A/RES/99/999"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no document 'A/RES/99/999'"))
        let noParagraph = try workspace.runOnIndex(["show", "A/RES/76/159#OP99"])
        #expect(noParagraph.status == 1)
        #expect(noParagraph.stderr.contains("has no paragraph OP99"))
    }

    // MARK: - delete, merge, stats, check

    @Test("delete removes documents; an unknown id is exit 1")
    func delete() throws {
        let workspace = try CLIWorkspace.indexed()
        let result = try workspace.runOnIndex(["delete", "A-RES-65-218.md"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("deleted 1 document"))
        let search = try parseObject(try workspace.runOnIndex(["search", "--json", "human rights"]).stdout)
        #expect(search["total_hits"] as? Int == 4)
        #expect(!hitSymbols(search).contains("A/RES/65/218"))
        let stats = try parseObject(try workspace.runOnIndex(["stats", "--json"]).stdout)
        #expect(stats["documents"] as? Int == 4)
        #expect(stats["deleted"] as? Int == 1)
        let show = try workspace.runOnIndex(["show", "A-RES-65-218.md"])
        #expect(show.status == 1)

        let generation = stats["generation"] as? Int
        let unknown = try workspace.runOnIndex(["delete", "no-such-id"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("not found: no-such-id"))
        let after = try parseObject(try workspace.runOnIndex(["stats", "--json"]).stdout)
        #expect(after["generation"] as? Int == generation, "deleting nothing must not write a commit")
    }

    @Test("-k=N is read like -k N and -kN")
    func shortOptionWithEquals() throws {
        let workspace = try CLIWorkspace.indexed()
        for form in [["-k=2"], ["-k", "2"], ["-k2"]] {
            let result = try workspace.runOnIndex(["search", "--json"] + form + ["cooperation"])
            #expect(result.status == 0, "\(form): \(result.stderr)")
            let hits = (try parseObject(result.stdout)["hits"] as? [Any]) ?? []
            #expect(hits.count == 2, "\(form)")
        }
    }

    @Test("merge makes one segment and keeps every live document")
    func merge() throws {
        let workspace = try CLIWorkspace.indexed()
        _ = try workspace.runOnIndex(["index", "index-data/corpus/A-RES-76-159.md"])
        _ = try workspace.runOnIndex(["delete", "A-RES-65-218.md"])
        let before = try parseObject(try workspace.runOnIndex(["stats", "--json"]).stdout)
        #expect((before["segments"] as? Int ?? 0) >= 2)
        let merge = try workspace.runOnIndex(["merge"])
        #expect(merge.status == 0, "stderr: \(merge.stderr)")
        #expect(merge.stderr.contains("merged into 1 segment"))
        let after = try parseObject(try workspace.runOnIndex(["stats", "--json"]).stdout)
        #expect(after["segments"] as? Int == 1)
        #expect(after["documents"] as? Int == 4)
        #expect(after["deleted"] as? Int == 0)
        #expect(try workspace.runOnIndex(["check", "--deep"]).status == 0)
        let search = try parseObject(try workspace.runOnIndex(["search", "--json", "cooperation"]).stdout)
        #expect(Set(hitSymbols(search)) == ["A/RES/68/160", "A/RES/70/153", "A/RES/74/153", "A/RES/76/159"])
    }

    @Test("stats, human and --json")
    func stats() throws {
        let workspace = try CLIWorkspace.indexed()
        let human = try workspace.runOnIndex(["stats"])
        #expect(human.status == 0)
        #expect(human.stdout.contains("documents   5 live, 0 deleted"), "stdout: \(human.stdout)")
        #expect(human.stdout.contains("segments    1"))
        #expect(human.stdout.contains("postings"))
        let json = try parseObject(try workspace.runOnIndex(["stats", "--json"]).stdout)
        #expect(json["documents"] as? Int == 5)
        #expect(json["segments"] as? Int == 1)
        #expect((json["terms"] as? Int ?? 0) > 100)
        #expect(json["generation"] is Int)
        let components = try #require(json["components"] as? [String: Int])
        #expect(components.values.reduce(0, +) == json["bytes"] as? Int)
        #expect(components["postings"] != nil && components["terms"] != nil, "components: \(components)")
    }

    @Test("check and check --deep: 0 when healthy, 1 after a flipped byte in a .doc file")
    func checkDetectsCorruption() throws {
        let workspace = try CLIWorkspace.indexed()
        for arguments in [["check"], ["check", "--deep"]] {
            let healthy = try workspace.runOnIndex(arguments)
            #expect(healthy.status == 0, "\(arguments): \(healthy.stdout) \(healthy.stderr)")
            #expect(healthy.stdout.contains("is healthy"))
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: workspace.indexPath)
        let docFile = try #require(names.first { $0.hasSuffix(".doc") })
        let url = URL(fileURLWithPath: workspace.indexPath).appendingPathComponent(docFile)
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count / 2] ^= 0x5A
        try bytes.write(to: url)
        for arguments in [["check"], ["check", "--deep"]] {
            let corrupt = try workspace.runOnIndex(arguments)
            #expect(corrupt.status == 1, "\(arguments): \(corrupt.stdout)")
            #expect(corrupt.stdout.contains(docFile), "the damaged file is named: \(corrupt.stdout)")
            #expect(corrupt.stderr.contains("corrupt"))
        }
        let search = try workspace.runOnIndex(["search", "human rights"])
        #expect(search.status == 1, "a corrupt index is a runtime failure, not an answer")
        #expect(search.stderr.contains(docFile))
    }

    // MARK: - analyze

    @Test("analyze, human and --json")
    func analyze() throws {
        let workspace = try CLIWorkspace()
        let text = "Human Rights of bridging A/RES/70/153"
        let human = try workspace.run(["analyze", text])
        #expect(human.status == 0)
        #expect(human.stdout.contains("rights → right"), "stdout: \(human.stdout)")
        #expect(human.stdout.contains("bridging → bridg"))
        let result = try workspace.run(["analyze", "--json", text])
        #expect(result.status == 0)
        let tokens = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let bytes = Array(text.utf8)
        for token in tokens {
            let surface = try #require(token["token"] as? String)
            #expect(token["stem"] is String)
            #expect(token["position"] is Int)
            let start = try #require(token["start"] as? Int)
            let end = try #require(token["end"] as? Int)
            try #require(0 <= start && start < end && end <= bytes.count)
            #expect(String(decoding: bytes[start..<end], as: UTF8.self).lowercased() == surface)
        }
        let words = tokens.filter { ($0["token"] as? String)?.contains("/") == false }
        #expect(words.prefix(4).map { $0["stem"] as? String } == ["human", "right", "of", "bridg"])
        #expect(words.prefix(4).map { $0["position"] as? Int } == [0, 1, 2, 3])
        #expect(tokens.contains { $0["token"] as? String == "a/res/70/153" }, "identifiers stay whole")
        #expect(!workspace.exists("index-data/index"), "analyze needs no index")
    }

    // MARK: - help, version, usage errors

    @Test("--help on every command exits 0 without touching an index; --version")
    func helpAndVersion() throws {
        let workspace = try CLIWorkspace()
        for command in Self.commands {
            for flag in ["--help", "-h"] {
                let result = try workspace.run([command, flag])
                #expect(result.status == 0, "\(command) \(flag): \(result.stderr)")
                #expect(result.stdout.hasPrefix("usage: concord \(command)"), "\(command): \(result.stdout)")
                #expect(result.stdout.contains("--help"))
            }
        }
        let general = try workspace.run(["--help"])
        #expect(general.status == 0)
        for command in Self.commands { #expect(general.stdout.contains("\n  \(command)"), "\(command) not listed") }
        #expect(try workspace.run(["help"]).stdout == general.stdout)
        let version = try workspace.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("concord 0."), "stdout: \(version.stdout)")
        #expect(!workspace.exists("index-data/index"), "help must not build an index")
    }

    @Test(
        "usage errors exit 2 with one error line and the usage",
        arguments: [
            (["bogus"], "unknown command 'bogus'"),
            (["search", "--bogus", "x"], "unknown option '--bogus'"),
            (["stats", "-z"], "unknown option '-z'"),
            (["--bogus"], "unknown option '--bogus'"),
            (["search", "-k"], "needs a value"),
            (["search", "x", "--index"], "needs a value"),
            (["search", "-k", "many", "x"], "whole number"),
            (["search", "--json=yes", "x"], "takes no value"),
            (["search"], "give a QUERY"),
            (["search", "-torture"], "unknown option '-t'"),
            (["index"], "give at least one PATH"),
            (["index", "--format", "pdf", "x"], "--format takes"),
            (["show"], "give one ID"),
            (["delete"], "give at least one document ID"),
            (["merge", "extra"], "unexpected argument 'extra'"),
            (["repl", "extra"], "unexpected argument 'extra'"),
            (["analyze"], "give a TEXT"),
        ])
    func usageErrors(arguments: [String], message: String) throws {
        let workspace = try CLIWorkspace()
        let result = try workspace.run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 2, "one error line and the usage: \(result.stderr)")
        #expect(lines.first?.hasPrefix("concord: error: ") == true)
        #expect(lines.first?.contains(message) == true, "\(arguments): \(result.stderr)")
        #expect(lines.last?.hasPrefix("concord: usage: concord") == true)
        #expect(!workspace.exists("index-data/index"), "a usage error creates nothing")
    }

    @Test("query errors exit 2: syntax (with a caret), nesting depth, length")
    func queryErrors() throws {
        let workspace = try CLIWorkspace.indexed()
        let syntax = try workspace.runOnIndex(["search", "\"unbalanced quote"])
        #expect(syntax.status == 2)
        #expect(syntax.stderr.contains("^"))
        let deep = try workspace.runOnIndex(["search", String(repeating: "(", count: 200) + "x"])
        #expect(deep.status == 2, "stderr: \(deep.stderr)")
        let long = try workspace.runOnIndex(["search", String(repeating: "word ", count: 5_000)])
        #expect(long.status == 2, "stderr: \(long.stderr)")
        #expect(long.stderr.contains("longer than"))
    }

    @Test("--flag=value works and -- ends options so a query may start with -")
    func optionForms() throws {
        let workspace = try CLIWorkspace.indexed()
        let equals = try workspace.run(["search", "--index=\(workspace.indexPath)", "--limit=1", "--json", "dialogue"])
        #expect(equals.status == 0, "stderr: \(equals.stderr)")
        #expect((try parseObject(equals.stdout)["hits"] as? [Any])?.count == 1)

        let negation = try workspace.run([
            "search", "--json", "--index", workspace.indexPath, "--", "-torture dialogue",
        ])
        #expect(negation.status == 0, "stderr: \(negation.stderr)")
        let object = try parseObject(negation.stdout)
        #expect(object["query"] as? String == "-torture dialogue")
        #expect((object["total_hits"] as? Int ?? 0) > 0)
        let afterDashes = try workspace.run(["search", "--index", workspace.indexPath, "--", "--json"])
        #expect(afterDashes.status == 2, "--json after -- is query text (a syntax error): \(afterDashes.stderr)")
        #expect(afterDashes.stderr.contains("query error") && !afterDashes.stderr.contains("unknown option"))
        let trailing = try workspace.run(
            ["search", "--index", workspace.indexPath, "--json", "--", "dialogue", "-k", "1"])
        #expect(trailing.status == 0, "options after -- are query text: \(trailing.stderr)")
        let trailingObject = try parseObject(trailing.stdout)
        #expect(trailingObject["query"] as? String == "dialogue -k 1")
        #expect((trailingObject["hits"] as? [Any])?.count == 5, "-k after -- is not the limit")
        #expect(!workspace.exists("index-data/index"), "no default index was built")
    }

    // MARK: - index location

    @Test("CONCORD_INDEX picks the index; --index wins over it")
    func indexEnvironmentVariable() throws {
        let workspace = try CLIWorkspace()
        let environment = ["CONCORD_INDEX": workspace.path("envindex")]
        let build = try workspace.run(["index", "index-data/corpus/A-RES-76-159.md"], environment: environment)
        #expect(build.status == 0, "stderr: \(build.stderr)")
        #expect(workspace.exists("envindex/MANIFEST"))
        #expect(!workspace.exists("index-data/index"))
        let stats = try parseObject(try workspace.run(["stats", "--json"], environment: environment).stdout)
        #expect(stats["documents"] as? Int == 1)
        let search = try parseObject(
            try workspace.run(["search", "--json", "dialogue"], environment: environment).stdout)
        #expect(hitSymbols(search) == ["A/RES/76/159"])
        let missing = try workspace.run(["stats", "--index", workspace.path("other")], environment: environment)
        #expect(missing.status == 1, "--index overrides CONCORD_INDEX")
        #expect(missing.stderr.contains("other"))
    }

    @Test("a second writer while the lock is held fails with exit 1; readers still work")
    func lockHeld() throws {
        let workspace = try CLIWorkspace.indexed()
        let writer = try IndexWriter(directory: workspace.indexPath)
        let pid = ProcessInfo.processInfo.processIdentifier
        for arguments in [["index", "index-data/corpus"], ["delete", "A-RES-76-159.md"], ["merge"]] {
            let result = try workspace.runOnIndex(arguments)
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("index is locked by pid \(pid)"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        }
        let reader = try workspace.runOnIndex(["search", "--json", "dialogue"])
        #expect(reader.status == 0, "readers never block: \(reader.stderr)")
        #expect(try parseObject(reader.stdout)["total_hits"] as? Int == 5)
        writer.close()
        let after = try workspace.runOnIndex(["delete", "A-RES-76-159.md"])
        #expect(after.status == 0, "the lock is free again: \(after.stderr)")
    }

    @Test("a missing index is exit 1 for every command but index, and nothing is created")
    func missingIndex() throws {
        let workspace = try CLIWorkspace()
        let nowhere = workspace.path("nowhere")
        let commands = [
            ["stats"], ["show", "x"], ["delete", "x"], ["merge"], ["check"], ["check", "--deep"], ["search", "x"],
            ["repl"],
        ]
        for arguments in commands {
            let result = try workspace.run(arguments + ["--index", nowhere], input: "x\n")
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("no index at \(nowhere)"), "\(arguments): \(result.stderr)")
            #expect(!workspace.exists("nowhere"), "\(arguments) created the index directory")
        }
        // The default index is built on first use only by search and the REPL.
        for arguments in [["stats"], ["show", "x"], ["delete", "x"], ["merge"], ["check"]] {
            let result = try workspace.run(arguments)
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(!workspace.exists("index-data/index"), "\(arguments) created the default index")
        }
    }

    // MARK: - first run, piped REPL, plain output

    @Test("piped REPL on the first run: builds the default index, one result block per line")
    func pipedReplFirstRun() throws {
        let workspace = try CLIWorkspace()
        let result = try workspace.run(["repl"], input: "human rights\n\"right to development\"\n")
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("building index-data/index"))
        #expect(workspace.exists("index-data/index/MANIFEST"))
        let counts = result.stdout.split(separator: "\n").filter { line in
            line.range(of: #"^(at least )?\d+ hits?( \(|, showing)"#, options: .regularExpression) != nil
        }
        #expect(counts.count == 2, "stdout: \(result.stdout)")
        #expect(counts.first?.hasPrefix("5 hits") == true)
        #expect(!result.stdout.contains("concord>"), "no prompt when piped")
        #expect(!result.stdout.contains("\u{1B}"), "no escapes when piped")

        // `concord` alone is the REPL; piped commands work too.
        let bare = try workspace.run([], input: ":k 1\n:json on\ndialogue\n:more\n:quit\nhuman\n")
        #expect(bare.status == 0, "stderr: \(bare.stderr)")
        let objects = try bare.stdout.split(separator: "\n").filter { $0.hasPrefix("{") }.map {
            try parseObject(String($0))
        }
        #expect(objects.count == 2, ":quit ends the session: \(bare.stdout)")
        #expect(objects.allSatisfy { ($0["hits"] as? [Any])?.count == 1 })
        #expect(hitSymbols(objects[0]) != hitSymbols(objects[1]), ":more shows the next page")
    }

    @Test("non-terminal output has no ANSI escapes even without NO_COLOR")
    func plainOutputWhenPiped() throws {
        let workspace = try CLIWorkspace.indexed()
        let environment = ["NO_COLOR": ""]
        for arguments in [["search", "dialogue"], ["show", "A/RES/76/159#OP3"], ["stats"], ["check"]] {
            let result = try workspace.run(arguments + ["--index", workspace.indexPath], environment: environment)
            #expect(result.status == 0)
            #expect(!result.stdout.contains("\u{1B}") && !result.stderr.contains("\u{1B}"), "\(arguments)")
        }
    }
}
