import ConcordIngest
import Testing

/// Checks the segment contract of one paragraph against its source; returns a description of the first
/// violation, or nil.
private func segmentViolation(_ paragraph: IngestParagraph, source: [UInt8]) -> String? {
    let text = Array(paragraph.text.utf8)
    var previousEnd = 0
    for segment in paragraph.segments {
        let textStart = Int(segment.textStart)
        let sourceStart = Int(segment.sourceStart)
        let length = Int(segment.length)
        guard length > 0 else { return "\(paragraph.label): empty segment" }
        guard textStart >= previousEnd else { return "\(paragraph.label): segments overlap or are unsorted" }
        guard textStart + length <= text.count, sourceStart + length <= source.count else {
            return "\(paragraph.label): segment out of bounds"
        }
        guard text[textStart..<textStart + length] == source[sourceStart..<sourceStart + length] else {
            return "\(paragraph.label): text \(textStart) differs from source \(sourceStart)"
        }
        previousEnd = textStart + length
    }
    return nil
}

/// Words (split at spaces) of the paragraph that have a byte no segment covers.
private func uncoveredWords(_ paragraph: IngestParagraph) -> [String] {
    let text = Array(paragraph.text.utf8)
    var covered = [Bool](repeating: false, count: text.count)
    for segment in paragraph.segments {
        for offset in Int(segment.textStart)..<Int(segment.textStart + segment.length) { covered[offset] = true }
    }
    var words: [String] = []
    var start = 0
    for index in 0...text.count where index == text.count || text[index] == 0x20 {
        if index > start && !covered[start..<index].allSatisfy({ $0 }) {
            words.append(String(decoding: text[start..<index], as: UTF8.self))
        }
        start = index + 1
    }
    return words
}

@Suite("Offset maps from cleaned text back to the source")
struct OffsetMapTests {
    @Test("every segment of every corpus paragraph copies its source bytes", arguments: ResolutionCorpus.fileNames)
    func segmentsMatchSource(_ file: String) throws {
        let document = try ResolutionCorpus.document(file)
        let source = Array(document.source.utf8)
        #expect(document.source == (try ResolutionCorpus.source(file)))
        for paragraph in document.paragraphs {
            #expect(segmentViolation(paragraph, source: source) == nil)
        }
    }

    @Test("every word of the corpus texts is covered by segments", arguments: ResolutionCorpus.fileNames)
    func wordsAreCovered(_ file: String) throws {
        // The corpus has no HTML entities, the only cleanup that synthesises non-space bytes.
        let document = try ResolutionCorpus.document(file)
        for paragraph in document.paragraphs {
            #expect(uncoveredWords(paragraph) == [], "\(file) \(paragraph.label)")
        }
    }

    @Test("a year split from its fused footnote mark maps to the year's source bytes")
    func fusedYearMapsBack() throws {
        let document = try ResolutionCorpus.document("A-RES-68-160.txt")
        let source = Array(document.source.utf8)
        let recalling = try #require(document.paragraphs.first { $0.label == "PP2" })
        let text = Array(recalling.text.utf8)
        let needle = Array("September 2000 ".utf8)
        let textOffset = try #require(
            (0...(text.count - needle.count)).first { text[$0..<$0 + needle.count].elementsEqual(needle) })
        let yearOffset = textOffset + "September ".utf8.count
        let sourceOffset = try #require(recalling.sourceOffset(ofTextOffset: yearOffset))
        #expect(String(decoding: source[sourceOffset..<sourceOffset + 5], as: UTF8.self) == "20002")
        // The space after the year is the source's own space (after the dropped mark "2").
        let spaceOffset = try #require(recalling.sourceOffset(ofTextOffset: yearOffset + 4))
        #expect(spaceOffset == sourceOffset + 5)
    }

    @Test("markup removal, joins and dehyphenation keep the map exact")
    func markupMap() throws {
        let source = "# Head\n\nSee *the* [70/1](#) coopera-\ntion\tand $2000^2$ text<sup>3</sup>.\n"
        let document = TextDocumentParser.parse(id: "m.md", source: source, markdown: true)
        let body = try #require(document.paragraphs.last)
        #expect(body.text == "See the 70/1 cooperation and 2000 text.")
        #expect(segmentViolation(body, source: Array(source.utf8)) == nil)
        #expect(uncoveredWords(body) == [])
        // "cooperation" is two runs glued together; the tab became a synthetic space.
        let bytes = Array(source.utf8)
        let wordStart = Array(body.text.utf8).firstIndex(of: UInt8(ascii: "c"))!
        let first = try #require(body.sourceOffset(ofTextOffset: wordStart))
        let last = try #require(body.sourceOffset(ofTextOffset: wordStart + "cooperation".utf8.count - 1))
        #expect(bytes[first] == UInt8(ascii: "c") && bytes[last] == UInt8(ascii: "n"))
        #expect(last - first == "coopera-\ntion".utf8.count - 1)
        let tabSpace = wordStart + "cooperation".utf8.count
        #expect(body.sourceOffset(ofTextOffset: tabSpace) == nil)
    }

    @Test("decoded entities are synthetic: no segment covers them")
    func entitiesAreSynthetic() throws {
        let source = "Fish &amp; chips"
        let document = TextDocumentParser.parse(id: "e.md", source: source, markdown: true)
        let body = try #require(document.paragraphs.first)
        #expect(body.text == "Fish & chips")
        #expect(uncoveredWords(body) == ["&"])
        #expect(segmentViolation(body, source: Array(source.utf8)) == nil)
    }

    @Test("generic paragraphs map through the caller's source offset")
    func genericOffsets() throws {
        let prefix = "{\"text\": \""
        let text = "Alpha beta\n\ngamma\tdelta  epsilon"
        let paragraphs = TextDocumentParser.genericParagraphs(text, sourceOffset: prefix.utf8.count)
        let whole = Array((prefix + text).utf8)
        #expect(paragraphs.map(\.text) == ["Alpha beta", "gamma delta epsilon"])
        for paragraph in paragraphs {
            #expect(segmentViolation(paragraph, source: whole) == nil)
            #expect(uncoveredWords(paragraph) == [])
        }
        // "Alpha beta" is one run: its single space is copied.
        #expect(paragraphs[0].segments.count == 1)
        #expect(paragraphs[0].sourceOffset(ofTextOffset: 0) == prefix.utf8.count)
        // "gamma delta epsilon": the tab and the double space are synthetic spaces.
        #expect(paragraphs[1].segments.count == 3)
        #expect(paragraphs[1].sourceOffset(ofTextOffset: 5) == nil)
    }
}

@Suite("Offset maps survive arbitrary markup")
struct OffsetMapFuzzTests {
    /// Fragments that exercise every cleanup rule, glued at random.
    static let fragments = [
        "word", " ", "  ", "\t", "\n", "\n\n", "*", "**", "_", "[", "]", "(", ")", "[DU1]", "[70/1](#)", "\\(", "<sup>",
        "</sup>", "<sup>2</sup>", "<sup>&</sup>lt;sup>3</sup> ", "&amp;", "&#233;", "&bogus", "$", "$2000^2$", "^",
        "{", "¹", "²", "⁴", "é", "ы", "—", "coopera-", "non-", "12. ", "- ", "# ", "8 September 20002", ",4 ",
        "70th plenary meeting", "2/4 21-19201", "*1344905*", "<b>", "<!--", "-->", "<http://x.org>", "---",
        "70/153. Title\n\nThe General Assembly,\n\n", "1 Note.\n", "(a) ", "\r\n",
    ]

    @Test("random documents keep the segment contract", arguments: 0..<4)
    func randomDocuments(seed: UInt64) {
        var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for round in 0..<150 {
            let source = (0..<next(120)).map { _ in Self.fragments[next(Self.fragments.count)] }.joined()
            let bytes = Array(source.utf8)
            for markdown in [true, false] {
                let document = TextDocumentParser.parse(id: "\(round)", source: source, markdown: markdown)
                for paragraph in document.paragraphs {
                    #expect(segmentViolation(paragraph, source: bytes) == nil, "\(source.debugDescription)")
                    #expect(!paragraph.text.isEmpty, "\(paragraph.label) \(source.debugDescription)")
                    #expect(!paragraph.text.contains("  "), "\(paragraph.label) \(source.debugDescription)")
                    #expect(!paragraph.text.hasPrefix(" ") && !paragraph.text.hasSuffix(" "))
                }
            }
            for paragraph in TextDocumentParser.genericParagraphs(source, sourceOffset: 0) {
                #expect(segmentViolation(paragraph, source: bytes) == nil)
                #expect(uncoveredWords(paragraph) == [])
            }
        }
    }

    /// Seed of `randomBytes`; change it to explore other inputs.
    static let randomBytesSeed: UInt64 = 0x00A7_0153_0CE4

    /// The seeded twin of the libFuzzer target `Fuzz/run.sh text`: random bytes, invalid UTF-8
    /// and NUL included, decoded as a reader would repair them, through resolution detection,
    /// Markdown cleanup and paragraph splitting; the segment contract holds and nothing traps.
    @Test("random bytes keep the segment contract and never trap")
    func randomBytes() {
        print("OffsetMapFuzzTests.randomBytes seed: \(Self.randomBytesSeed)")
        var state = Self.randomBytesSeed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let rawPieces: [[UInt8]] = [[0x00], [0x0D], [0x0C], [0x80], [0xC3], [0xE2, 0x80], [0xED, 0xA0, 0x80], [0xFF]]
        for round in 0..<1_500 {
            var bytes: [UInt8] = []
            for _ in 0..<next(60) {
                switch next(4) {
                case 0: bytes += rawPieces[next(rawPieces.count)]
                case 1: bytes.append(UInt8(truncatingIfNeeded: next(256)))
                default: bytes += Array(Self.fragments[next(Self.fragments.count)].utf8)
                }
            }
            let source = String(decoding: bytes, as: UTF8.self)
            let sourceBytes = Array(source.utf8)
            for markdown in [true, false] {
                let document = TextDocumentParser.parse(id: "\(round)", source: source, markdown: markdown)
                for paragraph in document.paragraphs {
                    #expect(
                        segmentViolation(paragraph, source: sourceBytes) == nil,
                        "seed \(Self.randomBytesSeed) round \(round): \(bytes)")
                }
            }
        }
    }
}
