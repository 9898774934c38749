import Foundation
import Testing

@testable import Concord

// Unit tests of the drafting tools (issue 10): word diffs, series keys, and the series, history,
// diff and precedent APIs on a small index of synthetic resolutions written below.

/// A resolution in the layout of the sample corpus.
private func resolution(
    symbol: String, session: String, year: Int, title: String, preamble: [String], operative: [String]
) -> String {
    let number = symbol.dropFirst("A/RES/".count)
    var lines = [
        "General Assembly", "", "Distr.: General", "2 March \(year + 1)", "", "\(session) session", "Agenda item 65",
        "",
        "Resolution adopted by the General Assembly on 16 December \(year)", "",
        "[on the report of the Third Committee (A/\(number.split(separator: "/")[0])/500)]", "", "\(number). \(title)",
        "",
        "The General Assembly,", "",
    ]
    for paragraph in preamble { lines += [paragraph, ""] }
    for (index, paragraph) in operative.enumerated() { lines += ["\(index + 1). \(paragraph)", ""] }
    lines += ["60th plenary meeting", "16 December \(year)"]
    return lines.joined(separator: "\n")
}

private let ratify = "States to ratify the Convention on the Rights of the Child as a matter of priority;"
private let protect = "Urges States to protect children from violence in all settings;"
private let report =
    "Requests the Secretary-General to submit a report on the implementation of the present resolution;"

/// Four documents: a series retitled in 2007 and linked by citation, and an unrelated resolution
/// that recalls a member (not linked: the titles differ).
private let synthetic: [(String, String)] = [
    (
        "A-RES-60-10.md",
        resolution(
            symbol: "A/RES/60/10", session: "Sixtieth", year: 2005, title: "Rights of the child",
            preamble: ["Recalling its resolution 59/5 of 1 December 2004,"],
            operative: [
                protect, report, "Encourages " + ratify,
                "Notes with concern the situation of children deprived of their liberty in detention facilities;",
                "Decides to continue its consideration of the question at its sixty-first session.",
            ])
    ),
    (
        "A-RES-61-20.md",
        resolution(
            symbol: "A/RES/61/20", session: "Sixty-first", year: 2006, title: "Rights of the child",
            preamble: ["Recalling its resolution 60/10 of 16 December 2005,"],
            operative: [
                "Urges " + ratify, protect, report,
                "Calls upon States to end child marriage and to ensure birth registration for every child;",
                "Decides to continue its consideration of the question at its sixty-second session.",
            ])
    ),
    (
        "A-RES-62-30.md",
        resolution(
            symbol: "A/RES/62/30", session: "Sixty-second", year: 2007, title: "The rights of the child",
            preamble: [
                "Recalling its resolution 61/20 of 15 December 2006,",
                "Recalling also its resolution 60/1 of 16 September 2005, entitled “2005 World Summit Outcome”,",
            ],
            operative: [
                "Urges " + ratify, "Urges States to protect all children from violence in all settings;", report,
                "Decides to continue its consideration of the question at its sixty-third session.",
            ])
    ),
    (
        "A-RES-62-40.md",
        resolution(
            symbol: "A/RES/62/40", session: "Sixty-second", year: 2007, title: "Oceans and the law of the sea",
            preamble: ["Recalling its resolution 61/20 of 15 December 2006,"],
            operative: ["Calls upon States to become parties to the Convention on the Law of the Sea;"])
    ),
]

/// Writes the synthetic corpus, indexes it, and opens the index; removes it afterwards.
private func withSyntheticIndex(_ body: (SearchIndex) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
        "concord-drafting-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let corpus = directory.appendingPathComponent("corpus")
    try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
    for (name, text) in synthetic {
        try text.write(to: corpus.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    let path = directory.appendingPathComponent("index").path
    let summary = try Indexer.index(paths: [corpus.path], into: path)
    #expect(summary.indexed == synthetic.count)
    try body(try SearchIndex(path: path))
}

/// Length of the longest common subsequence, by the textbook table (the reference for Myers).
private func lcsLength(_ a: [Int], _ b: [Int]) -> Int {
    var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0..<a.count {
        for j in 0..<b.count {
            table[i + 1][j + 1] = a[i] == b[j] ? table[i][j] + 1 : max(table[i][j + 1], table[i + 1][j])
        }
    }
    return table[a.count][b.count]
}

@Suite("Drafting tools")
struct DraftingTests {
    // MARK: Word diff

    @Test("a word inserted into a paragraph is marked, punctuation kept, case ignored")
    func wordInsertion() {
        let diff = WordDiff(
            from: "promotion of a culture of tolerance and respect",
            to: "Promotion of a culture of peace, tolerance and respect")
        #expect(diff.matched == 8)
        #expect(diff.insertedWords == 1)
        #expect(diff.deletedWords == 0)
        #expect(diff.rendered() == "Promotion of a culture of {+peace,+} tolerance and respect")
        #expect(abs(diff.similarity - 16.0 / 17.0) < 1e-9)
        #expect(!diff.isIdentical)
    }

    @Test("a replaced word shows the deletion before the insertion")
    func wordReplacement() {
        let diff = WordDiff(
            from: "Encourages States to ratify the Convention", to: "Urges States to ratify the Convention")
        #expect(diff.rendered() == "[-Encourages-] {+Urges+} States to ratify the Convention")
        #expect(diff.segments.map(\.operation) == [.deleted, .inserted, .equal])
    }

    @Test("punctuation, case and diacritics do not count as changes")
    func identicalWords() {
        let diff = WordDiff(from: "Human Rights; coopération", to: "human rights, cooperation")
        #expect(diff.isIdentical)
        #expect(diff.similarity == 1)
        #expect(WordDiff(from: "", to: "").similarity == 1)
        #expect(WordDiff(from: "", to: "new words").insertedWords == 2)
    }

    @Test("the edit script keeps a longest common subsequence (seeded random word lists)")
    func myersMatchesTable() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<300 {
            let a = (0..<next(30)).map { _ in next(6) }
            let b = (0..<next(30)).map { _ in next(6) }
            let script = WordDiff.editScript(a, b)
            let kept = script.reduce(0) { $0 + ($1.operation == .equal ? $1.length : 0) }
            #expect(kept == lcsLength(a, b), "a=\(a) b=\(b)")
            // Replaying the script rebuilds b from a.
            var rebuilt: [Int] = []
            for edit in script {
                switch edit.operation {
                case .equal: rebuilt += a[edit.oldStart..<(edit.oldStart + edit.length)]
                case .inserted: rebuilt += b[edit.newStart..<(edit.newStart + edit.length)]
                case .deleted: break
                }
            }
            #expect(rebuilt == b)
        }
    }

    @Test("the closest window and the longest common run")
    func windows() {
        let window = WordDiff.closestWindow(of: [1, 2, 3], in: [9, 1, 2, 8, 3, 9])
        #expect(window?.range == 1..<5)
        #expect(window?.distance == 1)
        #expect(WordDiff.closestWindow(of: [], in: [1]) == nil)
        let run = WordDiff.longestCommonRun([5, 1, 2, 3, 7], [1, 2, 3, 9, 5])
        #expect(run.aStart == 1 && run.bStart == 0 && run.length == 3)
    }

    // MARK: Series keys

    @Test("title slugs fold case and diacritics")
    func slugs() {
        #expect(
            SeriesKeys.slug("Enhancement of international cooperation in the field of human rights")
                == "enhancement-of-international-cooperation-in-the-field-of-human-rights")
        #expect(SeriesKeys.slug("Coopération: Droits de l’homme") == "cooperation-droits-de-l-homme")
        #expect(SeriesKeys.slug("") == "")
        #expect(SeriesKeys.symbolPrefix("A/RES/70/153") == "A/RES/")
        #expect(SeriesKeys.symbolPrefix("A/HRC/RES/47/9") == "A/HRC/RES/")
        #expect(SeriesKeys.symbolPrefix("S/RES/2250 (2015)") == nil)
    }

    @Test("citations: its resolution(s) NN/NNN, not a resolution given with its title")
    func citations() {
        #expect(
            SeriesKeys.citations(
                in:
                    "Recalling its adoption of the Declaration and of its resolution 64/171 of 18 December 2009, Human Rights Council resolution 13/23"
            ) == ["64/171"])
        #expect(
            SeriesKeys.citations(
                in: "Recalling its resolution 70/1 of 25 September 2015, entitled “Transforming our world”, in which")
                == [])
        #expect(
            SeriesKeys.citations(
                in: "Recalling its resolutions 72/169 of 19 December 2017 and 73/170 of 17 December 2018,")
                == ["72/169", "73/170"])
        #expect(SeriesKeys.citations(in: "Recalling the adoption of resolution 2000/22 of 18 August 2000") == [])
        #expect(SeriesKeys.citations(in: "Recalling bits resolution 1/2") == [])
    }

    @Test("pasted paragraphs lose their numbering")
    func numbering() {
        #expect(PhraseLocator.stripNumbering("3. Reaffirms that") == "Reaffirms that")
        #expect(PhraseLocator.stripNumbering("- 2. Recognizes that") == "Recognizes that")
        #expect(PhraseLocator.stripNumbering("(a) To promote") == "To promote")
        #expect(PhraseLocator.stripNumbering("2030 Agenda") == "2030 Agenda")
        #expect(PhraseLocator.stripNumbering("  genuine dialogue") == "genuine dialogue")
    }

    // MARK: On an index

    @Test("series: same title, or a citation to an earlier session with a similar title")
    func seriesFromIndex() throws {
        try withSyntheticIndex { index in
            let all = try index.allSeries()
            #expect(all.count == 1)
            let series = try #require(all.first)
            #expect(series.name == "the-rights-of-the-child")
            #expect(series.members.map(\.reference) == ["A/RES/60/10", "A/RES/61/20", "A/RES/62/30"])
            #expect(series.members.map(\.year) == [2005, 2006, 2007])
            #expect(Set(series.keys) == ["rights-of-the-child", "the-rights-of-the-child"])
            #expect(try index.allSeries(minimumMembers: 1).count == 2)
            #expect(try index.series(named: "62/30").name == series.name)
            #expect(try index.series(named: "rights-of-the-child").name == series.name)
            #expect(try index.series(named: "oceans").members.map(\.reference) == ["A/RES/62/40"])
            #expect(throws: DraftingError.unknownSeries("zzz")) { try index.series(named: "zzz") }
            // The query filter matches the stored title slug.
            let hits = try index.search("series:rights-of-the-child").hits.compactMap(\.symbol)
            #expect(Set(hits) == ["A/RES/60/10", "A/RES/61/20"])
        }
    }

    @Test("history: verbatim, variant with marked words, first appearance and drop")
    func history() throws {
        try withSyntheticIndex { index in
            let history = try index.phraseHistory("Urges States to protect children from violence")
            #expect(history.series.name == "the-rights-of-the-child")
            #expect(history.entries.map(\.presence) == [.verbatim, .verbatim, .variant])
            #expect(history.entries.map(\.paragraphs) == [["OP1"], ["OP2"], ["OP2"]])
            let variant = try #require(history.entries[2].match)
            #expect(variant.diff.rendered() == "Urges States to protect {+all+} children from violence")
            #expect(history.firstAppeared?.member.year == 2005)
            #expect(history.dropped == nil)

            let dropped = try index.phraseHistory("children deprived of their liberty")
            #expect(dropped.entries.map(\.presence) == [.verbatim, .absent, .absent])
            #expect(dropped.dropped?.member.reference == "A/RES/61/20")

            let pasted = try index.phraseHistory(
                "4. Calls upon States to end child marriage and to ensure birth registration for every child;")
            #expect(pasted.entries.map(\.presence) == [.absent, .verbatim, .absent])
            #expect(pasted.firstAppeared?.member.year == 2006)
            #expect(pasted.dropped?.member.year == 2007)
        }
    }

    @Test("diff: kept, reworded, moved with a verb change, added and removed")
    func documentDiff() throws {
        try withSyntheticIndex { index in
            let diff = try index.diff("A/RES/60/10", "61/20")
            let summary = diff.changes.map { "\($0.old?.label ?? "-")>\($0.new?.label ?? "-"):\($0.kind.rawValue)" }
            #expect(
                summary == [
                    "TITLE>TITLE:reworded", "PP1>PP1:reworded", "OP3>OP1:moved", "OP1>OP2:kept", "OP2>OP3:kept",
                    "->OP4:added", "OP4>-:removed", "OP5>OP5:reworded",
                ])
            let moved = diff.changes[2]
            #expect(moved.verbChanged)
            #expect(moved.old?.verb == "Encourages" && moved.new?.verb == "Urges")
            #expect(moved.diff?.rendered().hasPrefix("[-Encourages-] {+Urges+} States to ratify") == true)
            #expect(diff.count(.kept) == 2 && diff.count(.added) == 1 && diff.count(.removed) == 1)
            #expect(diff.similarity > 0.6 && diff.similarity < 1)

            let one = try index.diff("A/RES/61/20#OP2", "A/RES/62/30#OP2")
            #expect(one.changes.count == 1 && one.changes[0].kind == .reworded)
            #expect(try index.previousInSeries("A/RES/62/30")?.reference == "A/RES/61/20")
            #expect(throws: DraftingError.unknownDocument("A/RES/1/1")) { try index.diff("A/RES/1/1", "61/20") }
        }
    }

    @Test("precedents: the versions of a paragraph first, each with its longest shared passage")
    func precedents() throws {
        try withSyntheticIndex { index in
            let result = try index.similarParagraphs(to: "Urges " + ratify)
            let top = result.precedents.prefix(3).map { "\($0.reference)#\($0.paragraph)" }
            #expect(Set(top) == ["A/RES/60/10#OP3", "A/RES/61/20#OP1", "A/RES/62/30#OP1"])
            #expect(result.precedents[0].score == 1)
            #expect(result.precedents.first { $0.reference == "A/RES/60/10" }?.longestSharedWords == 16)

            let byReference = try index.similarParagraphs(toParagraph: "A/RES/61/20#OP1")
            #expect(byReference.source == "A/RES/61/20#OP1")
            #expect(!byReference.precedents.contains { $0.reference == "A/RES/61/20" && $0.paragraph == "OP1" })
            #expect(byReference.precedents.prefix(2).map(\.paragraph).sorted() == ["OP1", "OP3"])
        }
    }
}
