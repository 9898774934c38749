import Testing

@testable import ConcordText

/// Analyzer and stem cache tests.
struct AnalyzerTests {}

/// An analyzer case: input and the expected tokens as `surface>stem@position[+]`.
struct AnalyzerCase: Sendable, CustomStringConvertible {
    var input: String
    var expected: [String]

    init(_ input: String, _ expected: [String]) {
        self.input = input
        self.expected = expected
    }

    var description: String { input }
}

private func notation(_ tokens: [AnalyzedToken]) -> [String] {
    tokens.map { "\($0.surface)>\($0.stem)@\($0.position)\($0.isWhole ? "+" : "")" }
}

private let stemmingCases: [AnalyzerCase] = [
    AnalyzerCase("Human rights", ["human>human@0", "rights>right@1"]),
    AnalyzerCase("cooperation", ["cooperation>cooper@0"]),
    AnalyzerCase("The United Nations", ["the>the@0", "united>unit@1", "nations>nation@2"]),
    AnalyzerCase("sustainable development", ["sustainable>sustain@0", "development>develop@1"]),
    AnalyzerCase("Member States'", ["member>member@0", "states>state@1"]),
    AnalyzerCase("don't", ["don't>don't@0"]),
    AnalyzerCase("Coopération", ["cooperation>cooper@0"]),
    AnalyzerCase("2030 Agenda", ["2030>2030@0", "agenda>agenda@1"]),
    AnalyzerCase("２０３０", ["2030>2030@0"]),
    AnalyzerCase("COVID-19", ["covid>covid@0", "19>19@1", "covid-19>covid-19@0+"]),
    AnalyzerCase(
        "self-determination",
        ["self>self@0", "determination>determin@1", "self-determination>self-determination@0+"]),
    AnalyzerCase(
        "A/RES/70/153",
        ["a>a@0", "res>res@1", "70>70@2", "153>153@3", "70/153>70/153@2+", "a/res/70/153>a/res/70/153@0+"]),
    AnalyzerCase("3.5 percent", ["3>3@0", "5>5@1", "3.5>3.5@0+", "percent>percent@2"]),
]

extension AnalyzerTests {
    @Test(arguments: stemmingCases)
    func stemmingAnalyzerCase(_ testCase: AnalyzerCase) {
        var analyzer = Analyzer()
        #expect(notation(analyzer.tokens(testCase.input)) == testCase.expected)
    }

    @Test func withoutStemmingEveryStemIsTheSurface() {
        var analyzer = Analyzer(stemming: false)
        #expect(!analyzer.isStemming)
        let tokens = analyzer.tokens("Human rights and COVID-19 cooperation")
        #expect(
            notation(tokens) == [
                "human>human@0", "rights>rights@1", "and>and@2", "covid>covid@3", "19>19@4",
                "covid-19>covid-19@3+", "cooperation>cooperation@5",
            ])
    }

    @Test func positionsOffsetsAndLongTermsPassThrough() {
        var analyzer = Analyzer()
        let long = String(repeating: "x", count: 300)
        let tokens = analyzer.tokens("  Rights \(long) of peoples", firstPosition: 40)
        #expect(
            tokens == [
                AnalyzedToken(surface: "rights", stem: "right", position: 40, start: 2, end: 8, isWhole: false),
                AnalyzedToken(surface: "of", stem: "of", position: 42, start: 310, end: 312, isWhole: false),
                AnalyzedToken(surface: "peoples", stem: "peopl", position: 43, start: 313, end: 320, isWhole: false),
            ])
        #expect(analyzer.skippedLongTerms == 1)
    }
}

/// Counts and checks tokens streamed through `analyze`.
private struct StemCheckingSink: AnalyzedTokenSink {
    let stemmer = Porter2Stemmer()
    var tokens = 0
    var mismatches: [String] = []

    mutating func token(
        stem: UnsafeRawBufferPointer, surface: UnsafeRawBufferPointer, position: Int, start: Int, end: Int,
        isWhole: Bool
    ) {
        tokens += 1
        let surfaceText = String(decoding: surface, as: UTF8.self)
        let expected = isWhole ? surfaceText : stemmer.stem(surfaceText)
        let stemText = String(decoding: stem, as: UTF8.self)
        if stemText != expected, mismatches.count < 10 { mismatches.append("\(surfaceText): \(stemText)") }
    }
}

/// Random words with English suffixes, enough distinct ones to make the stem cache grow to its
/// maximum and empty itself several times.
private func randomText(wordCount: Int, random: inout AnalysisTestRandom) -> String {
    let roots = ["nation", "develop", "cooper", "right", "sustain", "secur", "peace", "govern", "agree", "relat"]
    let suffixes = ["", "s", "ing", "ed", "ation", "ational", "ness", "ly", "ment", "ities", "ize", "izations"]
    var words: [String] = []
    for _ in 0..<wordCount {
        let root = roots[Int(random.next() % UInt64(roots.count))]
        let suffix = suffixes[Int(random.next() % UInt64(suffixes.count))]
        // A random letter infix makes most words distinct while keeping real suffixes.
        let infix = String(
            (0..<Int(random.next() % 4)).map { _ in Character(Unicode.Scalar(UInt8(97 + random.next() % 26))) })
        words.append(root + infix + suffix)
    }
    return words.joined(separator: " ")
}

extension AnalyzerTests {
    @Test func cachedStemsMatchTheStemmerAcrossCacheGrowthAndResets() {
        var random = AnalysisTestRandom(seed: 0xA11A_1CE5)
        print("cachedStemsMatchTheStemmerAcrossCacheGrowthAndResets seed \(random.seed)")
        var analyzer = Analyzer()
        var sink = StemCheckingSink()
        var text = randomText(wordCount: 300_000, random: &random)
        let next = text.withUTF8 { analyzer.analyze(UnsafeRawBufferPointer($0), firstPosition: 0, into: &sink) }
        #expect(next == 300_000)
        #expect(sink.tokens == 300_000)
        #expect(sink.mismatches.isEmpty, "\(sink.mismatches)")
        let counts = analyzer.stemCacheCounts
        #expect(counts.hits + counts.misses == 300_000)
        #expect(counts.misses > StemCache.maximumSlotCount)  // the cache had to empty itself
    }

    @Test func repeatedWordsHitTheCache() {
        var analyzer = Analyzer()
        _ = analyzer.tokens(String(repeating: "rights of peoples ", count: 1000))
        #expect(analyzer.stemCacheCounts == (hits: 2997, misses: 3))
    }

    @Test func copiesAnalyzeIndependently() async {
        var original = Analyzer()
        _ = original.tokens("rights nations")
        let copy = original
        // Each task analyzes through its own copy of the same value; copy-on-write gives each its
        // own cache, so concurrent use stays correct.
        let results = await withTaskGroup(of: [String].self) { group in
            for taskIndex in 0..<4 {
                group.addTask {
                    var analyzer = copy
                    var random = AnalysisTestRandom(seed: UInt64(taskIndex))
                    var sink = StemCheckingSink()
                    var text = randomText(wordCount: 20_000, random: &random)
                    _ = text.withUTF8 { analyzer.analyze(UnsafeRawBufferPointer($0), firstPosition: 0, into: &sink) }
                    return sink.mismatches
                }
            }
            var all: [String] = []
            for await mismatches in group { all += mismatches }
            return all
        }
        #expect(results.isEmpty, "\(results)")
        #expect(notation(original.tokens("cooperation")) == ["cooperation>cooper@0"])
    }

    @Test func emptyTextProducesNoTokens() {
        var analyzer = Analyzer()
        #expect(analyzer.tokens("").isEmpty)
        #expect(analyzer.tokens(" -- ", firstPosition: 3).isEmpty)
    }
}
