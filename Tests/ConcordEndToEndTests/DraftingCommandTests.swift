import ConcordTestSupport
import Foundation
import Testing

// End-to-end tests of `concord series`, `history`, `diff` and `similar` on the sample corpus.
// Expected paragraph labels come from reading the five files by hand (index-data/corpus).

private let symbols = ["A/RES/65/218", "A/RES/68/160", "A/RES/70/153", "A/RES/74/153", "A/RES/76/159"]
private let seriesName = "enhancement-of-international-cooperation-in-the-field-of-human-rights"

/// OP3 of A/RES/74/153 as a drafter would paste it, number included.
private let pastedOP3 =
    "3. Reaffirms that dialogue among cultures and civilizations facilitates the promotion of a culture of tolerance and respect for diversity, and welcomes in this regard the holding of conferences and meetings at the national, regional and international levels on dialogue among civilizations;"

/// A workspace with the sample corpus indexed at the default path.
private func indexedWorkspace() throws -> URL {
    let workspace = try ConcordProcess.sampleWorkspace()
    let built = try ConcordProcess.run(["index", "index-data/corpus"], in: workspace)
    #expect(built.status == 0, "stderr: \(built.stderr)")
    return workspace
}

private func run(_ arguments: [String], in workspace: URL, input: String? = nil) throws -> ConcordProcess.Output {
    let result = try ConcordProcess.run(arguments, in: workspace, input: input)
    #expect(result.status == 0, "concord \(arguments.joined(separator: " ")): \(result.stderr)")
    return result
}

private func json(_ output: ConcordProcess.Output) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
}

@Suite("concord drafting commands end to end")
struct DraftingCommandTests {
    @Test("series: the five resolutions form one series, in year order, and series: filters searches")
    func series() throws {
        let workspace = try indexedWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let object = try json(try run(["series", "--json"], in: workspace))
        let list = object["series"] as? [[String: Any]] ?? []
        #expect(list.count == 1)
        let members = list.first?["members"] as? [[String: Any]] ?? []
        #expect(members.compactMap { $0["symbol"] as? String } == symbols)
        #expect(members.compactMap { $0["year"] as? Int } == [2010, 2013, 2015, 2019, 2021])
        #expect(list.first?["name"] as? String == seriesName)

        let human = try run(["series", "70/153"], in: workspace).stdout
        #expect(human.contains(seriesName + "  (5 members, 2010–2021)"))
        #expect(
            human.contains(
                "  2010  A/RES/65/218\n  2013  A/RES/68/160\n  2015  A/RES/70/153\n  2019  A/RES/74/153\n  2021  A/RES/76/159"
            ))

        let filtered = try json(try run(["search", "--json", "dialogue series:\(seriesName)"], in: workspace))
        #expect(filtered["total_hits"] as? Int == 5)
        let none = try json(
            try run(["search", "--json", "dialogue series:oceans-and-the-law-of-the-sea"], in: workspace))
        #expect(none["total_hits"] as? Int == 0)

        let unknown = try ConcordProcess.run(["series", "zzz-no-such-series"], in: workspace)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no series matches 'zzz-no-such-series'"))
    }

    @Test("history \"2030 Agenda for Sustainable Development\": absent until 2019, then PP2")
    func historyAgenda() throws {
        let workspace = try indexedWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let phrase = "2030 Agenda for Sustainable Development"
        let object = try json(try run(["history", "--json", phrase], in: workspace))
        let members = object["members"] as? [[String: Any]] ?? []
        #expect(members.compactMap { $0["symbol"] as? String } == symbols)
        #expect(
            members.compactMap { $0["status"] as? String } == ["absent", "absent", "absent", "verbatim", "verbatim"])
        #expect(members.compactMap { $0["paragraphs"] as? [String] } == [[], [], [], ["PP2"], ["PP2"]])
        #expect(object["first_appeared"] as? Int == 2019)
        #expect(object["first_appeared_symbol"] as? String == "A/RES/74/153")
        #expect(object["dropped"] is NSNull)

        let human = try run(["history", phrase], in: workspace).stdout
        let lines = human.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("2010  A/RES/65/218  absent") })
        #expect(lines.contains { $0.hasPrefix("2015  A/RES/70/153  absent") })
        #expect(lines.contains("2019  A/RES/74/153  verbatim      PP2"))
        #expect(lines.contains("2021  A/RES/76/159  verbatim      PP2"))
        #expect(human.contains("the 2030 Agenda for Sustainable Development”, in which"))
        #expect(lines.last == "first appeared 2019 (A/RES/74/153 PP2); still present in 2021 (A/RES/76/159)")
    }

    @Test("history \"genuine dialogue\": in all five, with every paragraph")
    func historyGenuineDialogue() throws {
        let workspace = try indexedWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let object = try json(try run(["history", "--json", "genuine dialogue"], in: workspace))
        let members = object["members"] as? [[String: Any]] ?? []
        #expect(members.allSatisfy { $0["status"] as? String == "verbatim" })
        #expect(
            members.compactMap { $0["paragraphs"] as? [String] } == [
                ["PP5"], ["PP5"], ["PP5", "OP7", "OP15"], ["PP6", "PP11", "OP8", "OP16"],
                ["PP6", "PP11", "OP8", "OP16"],
            ])
        #expect(object["first_appeared"] as? Int == 2010)

        let human = try run(["history", "genuine dialogue", "--series", "A/RES/70/153"], in: workspace).stdout
        #expect(human.contains("2015  A/RES/70/153  verbatim      PP5 OP7 OP15"))
        #expect(human.contains("2021  A/RES/76/159  verbatim      PP6 PP11 OP8 OP16"))
    }

    @Test("history of a pasted paragraph: verbatim through 2019, a marked variant in 2021; a dropped paragraph")
    func historyParagraph() throws {
        let workspace = try indexedWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let object = try json(try run(["history", "--json", pastedOP3], in: workspace))
        let members = object["members"] as? [[String: Any]] ?? []
        #expect(
            members.compactMap { $0["status"] as? String } == [
                "verbatim", "verbatim", "verbatim", "verbatim", "variant",
            ])
        #expect(members.allSatisfy { ($0["paragraphs"] as? [String]) == ["OP3"] })
        let human = try run(["history", pastedOP3], in: workspace).stdout
        #expect(human.contains("a culture of {+peace,+} tolerance"))

        let seminar = try json(
            try run(["history", "--json", "Takes note of the holding of the seminar"], in: workspace))
        #expect(seminar["first_appeared"] as? Int == 2013)
        #expect(seminar["dropped"] as? Int == 2015)
        #expect(seminar["dropped_symbol"] as? String == "A/RES/70/153")
    }

    @Test("diff 74/153 → 76/159: every paragraph once, OP3 reworded, FN5 added")
    func diffNeighbours() throws {
        let workspace = try indexedWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let object = try json(try run(["diff", "--json", "A/RES/74/153", "A/RES/76/159"], in: workspace))
        let paragraphs = object["paragraphs"] as? [[String: Any]] ?? []
        func labels(_ symbol: String) throws -> [String] {
            let shown = try json(try run(["show", "--json", symbol], in: workspace))
            let all = shown["paragraphs"] as? [[String: Any]] ?? []
            return all.filter { !["head", "end"].contains($0["kind"] as? String ?? "") }.compactMap {
                $0["label"] as? String
            }
        }
        #expect(paragraphs.compactMap { $0["old"] as? String }.sorted() == (try labels("A/RES/74/153")).sorted())
        #expect(paragraphs.compactMap { $0["new"] as? String } == (try labels("A/RES/76/159")))
        let op3 = try #require(paragraphs.first { $0["old"] as? String == "OP3" })
        #expect(op3["status"] as? String == "reworded")
        #expect(op3["new"] as? String == "OP3")
        #expect(op3["inserted_words"] as? Int == 1)
        let inserted = (op3["diff"] as? [[String: Any]] ?? []).filter { $0["op"] as? String == "inserted" }
        #expect(inserted.compactMap { $0["text"] as? String } == ["peace, "])
        let added = paragraphs.filter { $0["status"] as? String == "added" }
        #expect(added.compactMap { $0["new"] as? String } == ["FN5"])
        #expect(added.first?["text"] as? String == "Resolution 76/1.")
        let counts = object["counts"] as? [String: Int] ?? [:]
        #expect(counts["removed"] == 0 && counts["moved"] == 0 && counts["added"] == 1)

        let human = try run(["diff", "A/RES/74/153", "A/RES/76/159"], in: workspace).stdout
        #expect(human.hasPrefix("A/RES/74/153 (2019) → A/RES/76/159 (2021)  similarity "))
        #expect(human.contains("  OP3    → OP3     reworded  98%\n"))
        #expect(human.contains("a culture of {+peace,+} tolerance"))
        #expect(human.contains("  —      → FN5     added\n      Resolution 76/1."))
        #expect(human.contains("  OP2    → OP2     kept"))
        let changesOnly = try run(["diff", "--changes", "A/RES/76/159"], in: workspace).stdout
        #expect(!changesOnly.contains("kept "))
        #expect(changesOnly.hasPrefix("A/RES/74/153 (2019) → A/RES/76/159 (2021)"))
    }

    @Test("diff 70/153 → 74/153: added and removed paragraphs, opening verbs flagged")
    func diffVerbs() throws {
        let workspace = try indexedWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let object = try json(try run(["diff", "--json", "70/153", "74/153"], in: workspace))
        let paragraphs = object["paragraphs"] as? [[String: Any]] ?? []
        let added = paragraphs.filter { $0["status"] as? String == "added" }.compactMap { $0["new"] as? String }
        #expect(added == ["PP2", "PP7", "PP10", "PP11", "PP12", "OP4", "OP9", "OP15"])
        let removed = paragraphs.filter { $0["status"] as? String == "removed" }.compactMap { $0["old"] as? String }
        #expect(removed == ["OP13", "OP14"])
        let op8 = try #require(paragraphs.first { $0["old"] as? String == "OP8" })
        #expect(op8["new"] as? String == "OP10")
        #expect(op8["verb_changed"] as? Bool == true)
        #expect(op8["old_verb"] as? String == "Emphasizes" && op8["new_verb"] as? String == "Also emphasizes")
        let human = try run(["diff", "70/153", "74/153"], in: workspace).stdout
        #expect(human.contains("  OP8    → OP10    reworded  93%  verb: Emphasizes → Also emphasizes"))
        #expect(human.contains("  OP13   → —       removed"))

        let missing = try ConcordProcess.run(["diff", "A/RES/99/999", "A/RES/76/159"], in: workspace)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no document 'A/RES/99/999'"))
        let usage = try ConcordProcess.run(["diff"], in: workspace)
        #expect(usage.status == 2)
    }

    @Test("similar: a pasted operative paragraph finds its versions of the five years first")
    func similarPasted() throws {
        let workspace = try indexedWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let object = try json(try run(["similar", "--json", pastedOP3], in: workspace))
        let results = object["results"] as? [[String: Any]] ?? []
        let top = results.prefix(5).map { "\($0["symbol"] as? String ?? "")#\($0["paragraph"] as? String ?? "")" }
        #expect(Set(top) == Set(symbols.map { $0 + "#OP3" }))
        #expect(results.count > 5)
        #expect((results[4]["score"] as? Double ?? 0) > (results[5]["score"] as? Double ?? 1))
        #expect(results.first?["longest_shared_words"] as? Int == 41)
        #expect(results.allSatisfy { $0["year"] is Int && $0["longest_shared"] is String })

        let human = try run(["similar", "-k", "3", pastedOP3], in: workspace).stdout
        let heads = human.split(separator: "\n").filter {
            $0.range(of: #"^\d+\. "#, options: .regularExpression) != nil
        }
        #expect(heads.count == 3)
        #expect(heads.allSatisfy { $0.contains("OP3  100% shared") })
        #expect(human.contains("longest shared passage (41 words)"))
    }

    @Test("similar ID#PARA: counterparts in other years, the paragraph itself left out")
    func similarReference() throws {
        let workspace = try indexedWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let object = try json(try run(["similar", "--json", "A/RES/70/153#OP8"], in: workspace))
        #expect(object["source"] as? String == "A/RES/70/153#OP8")
        let results = object["results"] as? [[String: Any]] ?? []
        let top = results.prefix(2).map { "\($0["symbol"] as? String ?? "")#\($0["paragraph"] as? String ?? "")" }
        #expect(Set(top) == ["A/RES/74/153#OP10", "A/RES/76/159#OP10"])
        #expect(!results.contains { $0["symbol"] as? String == "A/RES/70/153" && $0["paragraph"] as? String == "OP8" })
        let missing = try ConcordProcess.run(["similar", "A/RES/70/153#OP99"], in: workspace)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("has no paragraph OP99"))
    }

    @Test("REPL: :series, :history, :diff, :similar and :cite")
    func repl() throws {
        let workspace = try indexedWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let input = """
            :series
            :history "genuine dialogue"
            :diff A/RES/74/153#OP3 A/RES/76/159#OP3
            :similar A/RES/70/153#OP8 -k 2
            :cite A/RES/76/159#OP3
            :help

            """
        let output = try run(["repl"], in: workspace, input: input).stdout
        #expect(output.contains(seriesName + "  (5 members, 2010–2021)"))
        #expect(output.contains("2019  A/RES/74/153  verbatim      PP6 PP11 OP8 OP16"))
        #expect(output.contains("1 paragraph pair: 0 kept, 1 reworded"))
        #expect(output.contains("1. A/RES/"))
        #expect(output.contains("General Assembly resolution 76/159, para. 3"))
        #expect(output.contains(":history TEXT"))
    }
}
