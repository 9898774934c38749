import ConcordIndex
import ConcordText
import Glibc
import Testing

// Postings round trips through the real writer and reader (STYLE-ANCHORS §2
// BasePostingsFormatTestCase, §7 items 6–7). One segment of about 1.2 million documents is
// written through `IndexWriter`; most documents are empty, and the others are made of a
// filler word and target words at chosen positions, so every target term has exactly the
// postings (docs, freqs, positions) the model says. The seed comes from `CONCORD_SEED`.

/// SplitMix64 (seeded; the seed is named in every failure message).
private struct SeededRandom: RandomNumberGenerator {
    static let seed: UInt64 = {
        if let text = getenv("CONCORD_SEED"), let value = UInt64(String(cString: text)) { return value }
        return 0x0009_05E5_7EED
    }()

    private var state: UInt64

    init(stream: UInt64) { state = Self.seed ^ (stream &* 0x9E37_79B9_7F4A_7C15) }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }

    static func comment(_ details: String) -> Comment { "\(details) [CONCORD_SEED=\(seed)]" }
}

/// How the doc ids of one term are spaced.
enum PostingsGapPattern: String, CaseIterable, Sendable {
    /// Every document (gap 1).
    case consecutive
    /// Gap exactly 128 (a delta that needs 8 bits).
    case stride128
    /// Small gaps with a few gaps around 2^14 in every block.
    case mixed14
    /// One gap of exactly 2^20 (sometimes before the first doc, sometimes at a block edge).
    case huge
    /// Uniform gaps 1...1000.
    case random
    /// Dense docs at the very end of the segment (the largest doc ids).
    case atEnd
}

/// One term of the fixture: how many postings and how they are spaced.
struct PostingsRoundTripCase: Sendable, CustomTestStringConvertible {
    var count: Int
    var pattern: PostingsGapPattern

    var testDescription: String { "\(count) postings, \(pattern.rawValue)" }

    /// Posting counts around the block size of 128 (0 is covered by the absent-term test).
    static let counts = [1, 127, 128, 129, 255, 256, 257, 1000]
    static let all: [PostingsRoundTripCase] = counts.flatMap { count in
        PostingsGapPattern.allCases.map { PostingsRoundTripCase(count: count, pattern: $0) }
    }

    /// The target word of this case: consonants only, so the stemmer leaves it alone.
    var word: String {
        let index = Self.all.firstIndex { $0.count == count && $0.pattern == pattern }!
        let letters = Array("bcdfghjklmnpqrtvwxz")
        return "zq" + String(letters[index / letters.count]) + String(letters[index % letters.count])
    }
}

/// One posting of the model.
private struct ModelPosting: Equatable {
    var doc: UInt32
    var positions: [UInt32]
    var freq: UInt32 { UInt32(positions.count) }
}

/// The index written once for all round-trip tests, and the model it must read back as.
private final class RoundTripFixture: @unchecked Sendable {
    static let filler = "zz"
    static let shared = RoundTripFixture()

    let directory: String
    let documentCount: UInt32
    /// Postings per case (same order as `PostingsRoundTripCase.all`).
    let postings: [[ModelPosting]]
    /// Body norm code of every document that has postings.
    let norms: [UInt32: UInt8]
    let snapshot: Result<IndexSnapshot, any Error>

    private init() {
        var random = SeededRandom(stream: 1)
        var docsPerCase: [[UInt32]] = []
        for testCase in PostingsRoundTripCase.all where testCase.pattern != .atEnd {
            docsPerCase.append(Self.docIds(testCase, random: &random))
        }
        let lastUsed = docsPerCase.compactMap(\.last).max() ?? 0
        let documentCount = lastUsed + 1 + UInt32(PostingsRoundTripCase.counts.max()! * 8) + 1
        var withEnd: [[UInt32]] = []
        var next = docsPerCase.makeIterator()
        for testCase in PostingsRoundTripCase.all {
            if testCase.pattern == .atEnd {
                // Gaps 1...8 walking back from the very last doc id.
                var ids: [UInt32] = [documentCount - 1]
                while ids.count < testCase.count { ids.append(ids.last! - UInt32.random(in: 1...8, using: &random)) }
                withEnd.append(ids.reversed())
            } else {
                withEnd.append(next.next()!)
            }
        }
        self.documentCount = documentCount

        // Frequencies, then positions assigned per document across all terms in it.
        var occurrences: [UInt32: [(term: Int, posting: Int, freq: Int)]] = [:]
        var hugePositionGaps = 12
        for (term, ids) in withEnd.enumerated() {
            for (index, doc) in ids.enumerated() {
                var freq: Int
                if random.chance(0.7) {
                    freq = 1
                } else if random.chance(0.7) {
                    freq = Int.random(in: 2...5, using: &random)
                } else if random.chance(0.9) {
                    freq = Int.random(in: 6...40, using: &random)
                } else {
                    freq = Int.random(in: 100...1000, using: &random)
                }
                // One posting with a frequency above 2^16 (17-bit frequencies in its block).
                if PostingsRoundTripCase.all[term].count == 257 && PostingsRoundTripCase.all[term].pattern == .random
                    && index == 3
                {
                    freq = 70_000
                }
                occurrences[doc, default: []].append((term, index, freq))
            }
        }
        var postings = withEnd.map { ids in ids.map { ModelPosting(doc: $0, positions: []) } }
        var norms: [UInt32: UInt8] = [:]
        var documents: [UInt32: IndexDocument] = [:]
        for doc in occurrences.keys.sorted() {  // sorted: dictionary order differs between runs
            let entries = occurrences[doc]!
            var slots: [Int] = []
            for (slot, entry) in entries.enumerated() {
                slots.append(contentsOf: repeatElement(slot, count: entry.freq))
            }
            slots.shuffle(using: &random)
            var position: UInt32 = random.chance(0.1) ? UInt32.random(in: 0...300, using: &random) : 0
            var tokens: [(position: UInt32, word: String)] = []
            for (index, slot) in slots.enumerated() {
                if index > 0 {
                    var gap: UInt32 = 1
                    if random.chance(0.03) { gap = UInt32.random(in: 2...255, using: &random) }
                    if random.chance(0.01) { gap = UInt32.random(in: 256...300, using: &random) }
                    if random.chance(0.002) { gap = (1 << 14) + UInt32.random(in: 0...2, using: &random) }
                    if hugePositionGaps > 0 && random.chance(0.001) {
                        hugePositionGaps -= 1
                        gap = 1 << 20
                    }
                    position += gap
                }
                let entry = entries[slot]
                postings[entry.term][entry.posting].positions.append(position)
                tokens.append((position, PostingsRoundTripCase.all[entry.term].word))
            }
            let (document, bodyLength) = Self.document(id: Self.id(doc), tokens: tokens)
            documents[doc] = document
            norms[doc] = FieldNorm.encode(bodyLength)
        }
        self.postings = postings
        self.norms = norms

        let directory = makeTemporaryDirectory("roundtrip")
        self.directory = directory
        fixtureDirectory = directory
        atexit { if let directory = fixtureDirectory { removeDirectory(directory) } }
        snapshot = Result {
            try StorageFaultLock.shared {
                let writer = try IndexWriter(
                    directory: directory, options: .init(memoryBudget: Int.max, automaticMerges: false))
                for doc in 0..<documentCount {
                    try writer.add(
                        documents[doc]
                            ?? IndexDocument(id: Self.id(doc), title: "", source: "", paragraphs: [], fields: []))
                }
                try writer.commit()
                writer.close()
            }
            return try IndexSnapshot(directory: directory)
        }
    }

    static func id(_ doc: UInt32) -> String { "d\(doc)" }

    /// Doc ids of a case (ascending), following its gap pattern.
    private static func docIds(_ testCase: PostingsRoundTripCase, random: inout SeededRandom) -> [UInt32] {
        let count = testCase.count
        var gaps: [UInt32] = []
        switch testCase.pattern {
        case .consecutive:
            gaps = [UInt32.random(in: 0...3, using: &random)] + Array(repeating: 1, count: count - 1)
        case .stride128:
            gaps = [UInt32.random(in: 0...200, using: &random)] + Array(repeating: 128, count: count - 1)
        case .mixed14:
            let small: [UInt32] = [1, 2, 3, 127, 128, 129]
            gaps = (0..<count).map { _ in
                if random.chance(1.0 / 64) { return 16_383 + UInt32.random(in: 0...2, using: &random) }
                return random.chance(0.5)
                    ? small.randomElement(using: &random)! : UInt32.random(in: 1...200, using: &random)
            }
        case .huge:
            gaps = (0..<count).map { _ in UInt32.random(in: 1...32, using: &random) }
            // Before the first doc, at a block edge, or anywhere.
            let at = [0, min(128, count - 1), Int.random(in: 0..<count, using: &random)].randomElement(using: &random)!
            gaps[at] = 1 << 20
        case .random:
            gaps = (0..<count).map { _ in UInt32.random(in: 1...1000, using: &random) }
        case .atEnd:
            preconditionFailure("placed after the others")
        }
        var ids: [UInt32] = []
        var doc: UInt32 = 0
        for (index, gap) in gaps.enumerated() {
            doc = index == 0 ? gap : doc + gap
            ids.append(doc)
        }
        return ids
    }

    /// A document whose body has exactly `tokens` (word at position) and filler elsewhere;
    /// gaps of 256 or more become paragraph boundaries. Returns it with its body length.
    private static func document(id: String, tokens: [(position: UInt32, word: String)]) -> (IndexDocument, Int) {
        var paragraphs: [[String]] = [[]]
        var next: UInt32 = 0
        for (position, word) in tokens {
            while position - next >= UInt32(IndexLimits.paragraphGap) {
                paragraphs.append([])
                next += UInt32(IndexLimits.paragraphGap)
            }
            while next < position {
                paragraphs[paragraphs.count - 1].append(filler)
                next += 1
            }
            paragraphs[paragraphs.count - 1].append(word)
            next += 1
        }
        let length = paragraphs.reduce(0) { $0 + $1.count }
        let indexed = paragraphs.enumerated().map { index, words in
            IndexParagraph(label: "P\(index)", kind: 0, verb: nil, text: words.joined(separator: " "), sourceMap: [])
        }
        return (IndexDocument(id: id, title: "", source: "", paragraphs: indexed, fields: []), length)
    }

    func caseIndex(_ testCase: PostingsRoundTripCase) -> Int {
        PostingsRoundTripCase.all.firstIndex { $0.count == testCase.count && $0.pattern == testCase.pattern }!
    }

    /// The single segment of the fixture.
    func segment() throws -> SegmentReader {
        let snapshot = try self.snapshot.get()
        try #require(snapshot.segments.count == 1)
        return snapshot.segments[0]
    }
}

nonisolated(unsafe) private var fixtureDirectory: String?

/// A fresh directory under the system temporary directory.
private func makeTemporaryDirectory(_ label: String) -> String {
    var template = Array("/tmp/concord-\(label)-XXXXXX".utf8CString)
    let path = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    precondition(path != nil, "mkdtemp failed")
    return String(cString: path!)
}

/// Removes a flat directory of files.
private func removeDirectory(_ path: String) {
    guard let dir = opendir(path) else { return }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafePointer(to: entry.pointee.d_name) {
            $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
        }
        if name != "." && name != ".." { names.append(name) }
    }
    closedir(dir)
    for name in names { unlink(path + "/" + name) }
    rmdir(path)
}

private func bodyKey(_ word: String) -> [UInt8] { [0] + Array(word.utf8) }

/// The shared fixture, its segment, and what it holds for `testCase`'s word.
private func caseUnderTest(_ testCase: PostingsRoundTripCase) throws -> (
    fixture: RoundTripFixture, segment: SegmentReader, caseIndex: Int,
    model: [ModelPosting], info: TermInfo
) {
    let fixture = RoundTripFixture.shared
    let segment = try fixture.segment()
    let caseIndex = fixture.caseIndex(testCase)
    let info = try #require(try segment.termInfo(bodyKey(testCase.word)))
    return (fixture, segment, caseIndex, fixture.postings[caseIndex], info)
}
private func exactKey(_ word: String) -> [UInt8] { [1] + Array(word.utf8) }

/// Positions of the cursor's current document.
private func positions(_ cursor: PostingsCursor) -> [UInt32]? {
    cursor.withPositions { Array($0) }
}

@Suite("Postings round trip")
struct PostingsRoundTripTests {
    @Test("the fixture is what the model says: one segment, stems equal the target words")
    func fixtureShape() throws {
        let fixture = RoundTripFixture.shared
        let segment = try fixture.segment()
        #expect(segment.documentCount == fixture.documentCount)
        #expect(fixture.documentCount > (1 << 20))
        var analyzer = Analyzer(stemming: true)
        for testCase in PostingsRoundTripCase.all {
            #expect(analyzer.tokens(testCase.word).map(\.stem) == [testCase.word], "\(testCase.word)")
        }
        #expect(Set(PostingsRoundTripCase.all.map(\.word)).count == PostingsRoundTripCase.all.count)
    }

    @Test("docs, freqs, positions and statistics read back as written", arguments: PostingsRoundTripCase.all)
    func roundTrip(_ testCase: PostingsRoundTripCase) throws {
        let fixture = RoundTripFixture.shared
        let segment = try fixture.segment()
        let model = fixture.postings[fixture.caseIndex(testCase)]
        let comment = SeededRandom.comment("\(testCase.testDescription), word \(testCase.word)")
        try #require(model.count == testCase.count, comment)

        let info = try #require(try segment.termInfo(bodyKey(testCase.word)), comment)
        #expect(info.docFreq == UInt32(model.count), comment)
        #expect(info.totalFreq == model.reduce(0) { $0 + UInt64($1.freq) }, comment)
        #expect(info.maxFreq == model.map(\.freq).max(), comment)
        #expect(info.minNorm == model.map { fixture.norms[$0.doc]! }.min(), comment)

        let cursor = segment.cursor(info)
        var index = 0
        while cursor.doc != PostingsCursor.terminated && index < model.count {
            let expected = model[index]
            guard cursor.doc == expected.doc, cursor.freq == expected.freq else {
                Issue.record(
                    SeededRandom.comment(
                        "\(testCase.testDescription), posting \(index): read doc \(cursor.doc) freq \(cursor.freq),"
                            + " wrote doc \(expected.doc) freq \(expected.freq)"))
                return
            }
            let read = positions(cursor)
            #expect(read == expected.positions, "posting \(index) (doc \(expected.doc)): \(comment)")
            #expect(segment.bodyNorm(cursor.doc) == fixture.norms[expected.doc], comment)
            cursor.advance()
            index += 1
        }
        #expect(index == model.count, "read \(index) postings: \(comment)")
        #expect(cursor.doc == PostingsCursor.terminated, comment)
        #expect(!cursor.isCorrupt, comment)
        // An exhausted cursor stays exhausted.
        cursor.advance()
        #expect(cursor.doc == PostingsCursor.terminated, comment)
        #expect(cursor.seek(to: 5) == PostingsCursor.terminated, comment)

        // The exact-form field: same docs and frequencies, no positions.
        let exact = try #require(try segment.termInfo(exactKey(testCase.word)), comment)
        #expect(exact.docFreq == info.docFreq && exact.totalFreq == info.totalFreq, comment)
        let exactCursor = segment.cursor(exact)
        var exactRead: [(UInt32, UInt32)] = []
        while exactCursor.doc != PostingsCursor.terminated {
            exactRead.append((exactCursor.doc, exactCursor.freq))
            exactCursor.advance()
        }
        #expect(exactRead.map(\.0) == model.map(\.doc), comment)
        #expect(exactRead.map(\.1) == model.map(\.freq), comment)
        #expect(!exactCursor.isCorrupt, comment)
    }

    @Test("absent terms have no dictionary entry (0 postings)")
    func absentTerms() throws {
        let segment = try RoundTripFixture.shared.segment()
        let absent: [[UInt8]] = [
            [], [0], bodyKey("zqaa"), bodyKey("zqbb0"), bodyKey("zq"), bodyKey("zzz"), bodyKey("a"),
            bodyKey(String(repeating: "z", count: 255)), [0, 0xFF], [0xFF], [0xFF, 0xFF, 0xFF], [5] + Array("zz".utf8),
            exactKey("zqaa"), [4] + Array("d99999999".utf8),
        ]
        for key in absent {
            #expect(try segment.termInfo(key) == nil, "key \(key)")
        }
        // Neighbours of the absent keys are still found.
        #expect(try segment.termInfo(bodyKey(RoundTripFixture.filler)) != nil)
        #expect(try segment.termInfo([4] + Array(RoundTripFixture.id(0).utf8)) != nil)
        #expect(
            try segment.termInfo([4] + Array(RoundTripFixture.id(RoundTripFixture.shared.documentCount - 1).utf8))
                != nil)
    }

    @Test("seek(to:) agrees with repeated advance() and with the model", arguments: PostingsRoundTripCase.all)
    func seekAgainstAdvance(_ testCase: PostingsRoundTripCase) throws {
        let (fixture, segment, caseIndex, model, info) = try caseUnderTest(testCase)
        let docs = model.map(\.doc)
        for round in 0..<8 {
            var random = SeededRandom(stream: 1000 + UInt64(caseIndex) * 16 + UInt64(round))
            let comment = SeededRandom.comment("\(testCase.testDescription), round \(round)")
            let seeking = segment.cursor(info)
            let advancing = segment.cursor(info)
            var index = 0
            var steps: [String] = []
            while index < docs.count && steps.count < 300 {
                if random.chance(0.2) {
                    seeking.advance()
                    advancing.advance()
                    index += 1
                    steps.append("advance")
                } else {
                    let target = seekTarget(
                        docs: docs, index: index, documentCount: fixture.documentCount, random: &random)
                    steps.append("seek(\(target))")
                    seeking.seek(to: target)
                    while advancing.doc < target { advancing.advance() }
                    while index < docs.count && docs[index] < target { index += 1 }
                }
                let expected = index < docs.count ? docs[index] : PostingsCursor.terminated
                guard seeking.doc == expected, advancing.doc == expected else {
                    Issue.record(
                        SeededRandom.comment(
                            "\(testCase.testDescription), round \(round), after \(steps.suffix(4)): seek cursor at"
                                + " \(seeking.doc), advance cursor at \(advancing.doc), model \(expected)"))
                    return
                }
                if index < docs.count {
                    #expect(seeking.freq == model[index].freq, comment)
                    if random.chance(0.3) {
                        #expect(positions(seeking) == model[index].positions, "\(steps.suffix(3)) \(comment)")
                    }
                }
            }
            #expect(!seeking.isCorrupt && !advancing.isCorrupt, comment)
        }
    }

    @Test(
        "forEachPosting(before:) visits what advance() visits, in chunks, and stops at the bound",
        arguments: PostingsRoundTripCase.all)
    func bulkAgainstAdvance(_ testCase: PostingsRoundTripCase) throws {
        let (_, segment, caseIndex, model, info) = try caseUnderTest(testCase)
        for round in 0..<4 {
            var random = SeededRandom(stream: 5000 + UInt64(caseIndex) * 16 + UInt64(round))
            let comment = SeededRandom.comment("\(testCase.testDescription), round \(round)")
            let bulk = segment.cursor(info)
            var visited: [(UInt32, UInt32)] = []
            var end: UInt32 = 0
            while bulk.doc != PostingsCursor.terminated {
                // Bounds from just past the current document to past the end, some inside blocks.
                end =
                    random.chance(0.1)
                    ? PostingsCursor.terminated : bulk.doc + 1 + UInt32.random(in: 0..<300, using: &random)
                bulk.forEachPosting(before: end) { doc, freq in visited.append((doc, freq)) }
                let next = model.first { $0.doc >= end }?.doc ?? PostingsCursor.terminated
                guard bulk.doc == next else {
                    Issue.record(comment)
                    return
                }
            }
            #expect(visited.map(\.0) == model.map(\.doc), comment)
            #expect(visited.map(\.1) == model.map(\.freq), comment)
            #expect(!bulk.isCorrupt, comment)
        }
    }

    @Test(
        "shallowSeek + blockUpperBound bound the block that seek(to:) then decodes",
        arguments: PostingsRoundTripCase.all)
    func shallowSeekBounds(_ testCase: PostingsRoundTripCase) throws {
        let (fixture, segment, caseIndex, model, info) = try caseUnderTest(testCase)
        let docs = model.map(\.doc)
        let blockSize = 128
        let fullBlocks = docs.count / blockSize
        for round in 0..<8 {
            var random = SeededRandom(stream: 5000 + UInt64(caseIndex) * 16 + UInt64(round))
            let comment = SeededRandom.comment("\(testCase.testDescription), round \(round)")
            let cursor = segment.cursor(info)
            var index = 0
            var steps = 0
            while index < docs.count && steps < 200 {
                steps += 1
                let target = seekTarget(docs: docs, index: index, documentCount: fixture.documentCount, random: &random)
                cursor.shallowSeek(to: target)
                #expect(cursor.doc == docs[index], "shallowSeek moved the cursor: \(comment)")
                let bound = cursor.blockUpperBound
                #expect(bound.lastDoc >= target, "bound \(bound) below target \(target): \(comment)")
                var first = index
                while first < docs.count && docs[first] < target { first += 1 }
                if first < docs.count {
                    // Every posting from the target up to lastDoc obeys the bound.
                    var k = first
                    while k < docs.count && docs[k] <= bound.lastDoc {
                        #expect(model[k].freq <= bound.maxFreq, "doc \(docs[k]) target \(target): \(comment)")
                        #expect(fixture.norms[docs[k]]! >= bound.minNorm, "doc \(docs[k]) target \(target): \(comment)")
                        k += 1
                    }
                    // And it is exactly the skip data of the block holding the first doc ≥ target.
                    let block = first / blockSize
                    if block < fullBlocks {
                        let range = (block * blockSize)..<((block + 1) * blockSize)
                        #expect(bound.lastDoc == docs[range.upperBound - 1], "target \(target): \(comment)")
                        #expect(bound.maxFreq == model[range].map(\.freq).max()!, "target \(target): \(comment)")
                        #expect(bound.minNorm == model[range].map { fixture.norms[$0.doc]! }.min()!, "\(comment)")
                    } else {
                        #expect(bound.maxFreq >= model[first...].map(\.freq).max()!, "\(comment)")
                    }
                }
                // Then seek to the target or beyond it (never below: that is the pruning contract).
                let next =
                    random.chance(0.5) ? target : max(target, min(bound.lastDoc, PostingsCursor.terminated - 1) &+ 1)
                cursor.seek(to: next)
                index = first
                while index < docs.count && docs[index] < next { index += 1 }
                let expected = index < docs.count ? docs[index] : PostingsCursor.terminated
                guard cursor.doc == expected else {
                    Issue.record(
                        "shallowSeek(\(target)) then seek(\(next)): at \(cursor.doc), model \(expected): \(comment)")
                    return
                }
                if index < docs.count {
                    #expect(cursor.freq == model[index].freq, comment)
                    #expect(cursor.doc <= cursor.blockUpperBound.lastDoc, comment)
                }
            }
            #expect(!cursor.isCorrupt, comment)
        }
    }

    @Test("advance() after shallowSeek(to:) still visits every document")
    func advanceAfterShallowSeek() throws {
        let fixture = RoundTripFixture.shared
        let segment = try fixture.segment()
        let testCase = PostingsRoundTripCase(count: 1000, pattern: .consecutive)
        let docs = fixture.postings[fixture.caseIndex(testCase)].map(\.doc)
        let info = try #require(try segment.termInfo(bodyKey(testCase.word)))
        let cursor = segment.cursor(info)
        // Look at the bounds of block 3 (as block-max pruning does), then keep iterating.
        cursor.shallowSeek(to: docs[3 * 128 + 5])
        var read: [UInt32] = []
        while cursor.doc != PostingsCursor.terminated {
            read.append(cursor.doc)
            cursor.advance()
        }
        let missing = docs.filter { !read.contains($0) }
        #expect(read == docs, "read \(read.count) of \(docs.count) docs; first missing \(missing.prefix(3))")

    }
}

/// A target for `seek`/`shallowSeek` from the cursor at `docs[index]`: equal to the current
/// doc, the next one, inside the block, across blocks, between docs, or past the end.
private func seekTarget(docs: [UInt32], index: Int, documentCount: UInt32, random: inout SeededRandom) -> UInt32 {
    let current = docs[index]
    let last = docs.count - 1
    switch Int.random(in: 0..<10, using: &random) {
    case 0: return current
    case 1: return current + 1
    case 2: return docs[min(last, index + Int.random(in: 1...3, using: &random))]
    case 3: return docs[min(last, index + Int.random(in: 100...300, using: &random))]
    case 4:  // first doc of the next block, or the last doc of the current block
        let blockStart = (index / 128 + 1) * 128
        return docs[min(last, random.chance(0.5) ? blockStart : blockStart - 1)]
    case 5:  // just before or after a doc (between docs when the gap allows it)
        let doc = docs[min(last, index + Int.random(in: 1...40, using: &random))]
        return random.chance(0.5) ? max(current, doc - 1) : doc + 1
    case 6: return UInt32.random(in: current...(documentCount - 1), using: &random)
    case 7:
        if random.chance(0.3) {
            return [docs[last] + 1, documentCount, PostingsCursor.terminated - 1].randomElement(using: &random)!
        }
        return docs[min(last, index + Int.random(in: 1...20, using: &random))]
    default: return docs[min(last, index + Int.random(in: 1...130, using: &random))]
    }
}
