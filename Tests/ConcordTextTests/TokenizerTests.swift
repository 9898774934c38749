import Testing

@testable import ConcordText

/// Tokenizer and folding tests.
struct TokenizerTests {}

/// One emitted token, as the tests compare it.
private struct EmittedToken: Equatable, CustomStringConvertible {
    var term: String
    var position: Int
    var start: Int
    var end: Int
    var isWhole: Bool

    /// `term@position`, with a trailing `+` for whole compounds: the notation of the tables.
    var description: String { "\(term)@\(position)\(isWhole ? "+" : "")" }
}

private struct CollectingSink: TokenSink {
    var tokens: [EmittedToken] = []
    var rawTerms: [[UInt8]] = []

    mutating func token(_ term: UnsafeRawBufferPointer, position: Int, start: Int, end: Int, isWhole: Bool) {
        tokens.append(
            EmittedToken(
                term: String(decoding: term, as: UTF8.self), position: position, start: start, end: end,
                isWhole: isWhole))
        rawTerms.append(Array(term))
    }
}

private struct TokenizerRun {
    var tokens: [EmittedToken]
    var rawTerms: [[UInt8]]
    var nextPosition: Int
    var skippedLongTerms: Int

    var notation: [String] { tokens.map(\.description) }
}

private func tokenize(_ bytes: [UInt8], firstPosition: Int = 0) -> TokenizerRun {
    var tokenizer = Tokenizer()
    var sink = CollectingSink()
    let next = bytes.withUnsafeBytes { tokenizer.tokenize($0, firstPosition: firstPosition, into: &sink) }
    return TokenizerRun(
        tokens: sink.tokens, rawTerms: sink.rawTerms, nextPosition: next,
        skippedLongTerms: tokenizer.skippedLongTerms)
}

private func tokenize(_ text: String, firstPosition: Int = 0) -> TokenizerRun {
    tokenize(Array(text.utf8), firstPosition: firstPosition)
}

/// A tokenizer case: input and the expected tokens in `term@position[+]` notation, in emission
/// order (a whole token right after the last part it covers).
struct TokenizerCase: Sendable, CustomStringConvertible {
    var name: String
    var input: [UInt8]
    var expected: [String]

    init(_ name: String, _ input: String, _ expected: [String]) {
        self.init(name, bytes: Array(input.utf8), expected)
    }

    init(_ name: String, bytes: [UInt8], _ expected: [String]) {
        self.name = name
        self.input = bytes
        self.expected = expected
    }

    var description: String { name }
}

private let tokenizerCases: [TokenizerCase] = [
    TokenizerCase("ASCII words", "the right to development", ["the@0", "right@1", "to@2", "development@3"]),
    TokenizerCase("uppercase", "THE United NaTiOnS", ["the@0", "united@1", "nations@2"]),
    TokenizerCase("punctuation separates", "peace, (security); rights!", ["peace@0", "security@1", "rights@2"]),
    TokenizerCase("digits", "in 2030 and 1945", ["in@0", "2030@1", "and@2", "1945@3"]),
    TokenizerCase("acute accent", "Café RÉSUMÉ", ["cafe@0", "resume@1"]),
    TokenizerCase("decomposed accent", "Cafe\u{301}", ["cafe@0"]),
    TokenizerCase("sharp s", "Straße STRASSE", ["strasse@0", "strasse@1"]),
    TokenizerCase("capital sharp s", "GROẞ", ["gross@0"]),
    TokenizerCase("fi ligature", "ﬁnance ﬀ", ["finance@0", "ff@1"]),
    TokenizerCase("full-width digits", "２０３０ Agenda", ["2030@0", "agenda@1"]),
    TokenizerCase("full-width letters", "ＵＮＤＰ", ["undp@0"]),
    TokenizerCase("superscript digit", "km² x₂", ["km2@0", "x2@1"]),
    TokenizerCase("Arabic-Indic digits", "٢٠٣٠", ["2030@0"]),
    TokenizerCase("Cyrillic", "Москва ЁЛКА", ["москва@0", "елка@1"]),
    TokenizerCase("Greek", "Αθήνα ΟΔΟΣ", ["αθηνα@0", "οδοσ@1"]),
    TokenizerCase("stroke letters and ligatures", "Łódź Ørsted Æther", ["lodz@0", "orsted@1", "aether@2"]),
    TokenizerCase("Turkish dotted capital I", "İstanbul", ["istanbul@0"]),
    TokenizerCase("kana voicing kept", "がんばる", ["がんばる@0"]),
    TokenizerCase("CJK ideographs", "联合国 大会", ["联合国@0", "大会@1"]),
    TokenizerCase("emoji separates", "a😀b", ["a@0", "b@1"]),
    TokenizerCase("soft hyphen continues", "inter\u{AD}national", ["international@0"]),
    TokenizerCase("apostrophe inside word", "don't", ["don't@0"]),
    TokenizerCase("curly apostrophe", "Don’t l’homme", ["don't@0", "l'homme@1"]),
    TokenizerCase("modifier apostrophe", "donʼt", ["don't@0"]),
    TokenizerCase("trailing apostrophe", "States' rights", ["states@0", "rights@1"]),
    TokenizerCase("quoted word", "'peace'", ["peace@0"]),
    TokenizerCase("apostrophe after digit separates", "1990's", ["1990@0", "s@1"]),
    TokenizerCase("double apostrophe separates", "a''b", ["a@0", "b@1"]),
    TokenizerCase("COVID-19", "COVID-19 pandemic", ["covid@0", "19@1", "covid-19@0+", "pandemic@2"]),
    TokenizerCase(
        "self-determination", "self-determination",
        ["self@0", "determination@1", "self-determination@0+"]),
    TokenizerCase(
        "Unicode hyphens", "self‐help non‑aligned",
        ["self@0", "help@1", "self-help@0+", "non@2", "aligned@3", "non-aligned@2+"]),
    TokenizerCase("dangling hyphens", "-well- -", ["well@0"]),
    TokenizerCase("double hyphen separates", "peace--security", ["peace@0", "security@1"]),
    TokenizerCase(
        "resolution symbol", "A/RES/70/153",
        ["a@0", "res@1", "70@2", "153@3", "70/153@2+", "a/res/70/153@0+"]),
    TokenizerCase("bare numeric identifier", "70/153", ["70@0", "153@1", "70/153@0+"]),
    TokenizerCase(
        "document symbol with addendum", "A/70/489/Add.2",
        ["a@0", "70@1", "489@2", "70/489@1+", "add@3", "2@4", "a/70/489/add.2@0+"]),
    TokenizerCase(
        "document symbol with period", "E/CN.4/2001/2",
        ["e@0", "cn@1", "4@2", "2001@3", "2@4", "2001/2@3+", "e/cn.4/2001/2@0+"]),
    TokenizerCase(
        "numeric run after a hyphen part", "S-1/1",
        ["s@0", "1@1", "1@2", "s-1/1@0+"]),
    TokenizerCase(
        "numeric run leading a compound", "70/153-Rev",
        ["70@0", "153@1", "70/153@0+", "rev@2", "70/153-rev@0+"]),
    TokenizerCase("decimal number", "3.5 percent", ["3@0", "5@1", "3.5@0+", "percent@2"]),
    TokenizerCase("abbreviation", "U.S. policy", ["u@0", "s@1", "u.s@0+", "policy@2"]),
    TokenizerCase("sentence end", "end. Next", ["end@0", "next@1"]),
    TokenizerCase("full-width slash", "A／RES", ["a@0", "res@1", "a/res@0+"]),
    TokenizerCase("apostrophe inside compound part", "don't-care", ["don't@0", "care@1", "don't-care@0+"]),
    TokenizerCase("invalid byte", bytes: [0x66, 0x6F, 0xFF, 0x6F], ["fo@0", "o@1"]),
    TokenizerCase("stray continuation byte", bytes: [0x61, 0x80, 0x62], ["a@0", "b@1"]),
    TokenizerCase("overlong slash does not join", bytes: [0x61, 0xC0, 0xAF, 0x62], ["a@0", "b@1"]),
    TokenizerCase("encoded surrogate", bytes: [0x61, 0xED, 0xA0, 0x80, 0x62], ["a@0", "b@1"]),
    TokenizerCase("beyond U+10FFFF", bytes: [0x61, 0xF4, 0x90, 0x80, 0x80, 0x62], ["a@0", "b@1"]),
    TokenizerCase("truncated sequence at end", bytes: [0x61, 0xE2, 0x82], ["a@0"]),
    TokenizerCase("truncated sequence before letter", bytes: [0x61, 0xC3, 0x62], ["a@0", "b@1"]),
    TokenizerCase(
        "NUL and controls", bytes: [0x61, 0x62, 0x00, 0x63, 0x01, 0x64, 0x7F, 0x65], ["ab@0", "c@1", "d@2", "e@3"]),
    TokenizerCase("NUL does not join a hyphen", bytes: [0x61, 0x2D, 0x00, 0x62], ["a@0", "b@1"]),
    TokenizerCase("empty input", "", []),
    TokenizerCase("separators only", " \n\t.,-/'’", []),
    TokenizerCase("leading combining mark", "\u{301}abc", ["abc@0"]),
    // Found by Fuzz/run.sh analyzer: U+036F is alphabetic but folds to nothing.
    TokenizerCase("alphabetic mark that folds to nothing, alone", bytes: [0xCD, 0xAF], []),
    TokenizerCase("alphabetic mark that folds to nothing, leading", "\u{36F}abc \u{363}-x", ["abc@0", "x@1"]),
    TokenizerCase(
        "alphabetic mark that folds to nothing, inside", "a\u{36F}b 1\u{363}/2", ["ab@0", "1@1", "2@2", "1/2@1+"]),
]

extension TokenizerTests {
    @Test(arguments: tokenizerCases)
    func tokenizerCase(_ testCase: TokenizerCase) {
        let run = tokenize(testCase.input)
        #expect(run.notation == testCase.expected)
        let parts = testCase.expected.filter { !$0.hasSuffix("+") }.count
        #expect(run.nextPosition == parts)
        #expect(run.skippedLongTerms == 0)
    }

    @Test func positionsAndByteOffsets() {
        // "é" is two bytes, so every offset after it shifts by one.
        let run = tokenize("  Éta, A/RES/70/153 x", firstPosition: 10)
        let expected = [
            EmittedToken(term: "eta", position: 10, start: 2, end: 6, isWhole: false),
            EmittedToken(term: "a", position: 11, start: 8, end: 9, isWhole: false),
            EmittedToken(term: "res", position: 12, start: 10, end: 13, isWhole: false),
            EmittedToken(term: "70", position: 13, start: 14, end: 16, isWhole: false),
            EmittedToken(term: "153", position: 14, start: 17, end: 20, isWhole: false),
            EmittedToken(term: "70/153", position: 13, start: 14, end: 20, isWhole: true),
            EmittedToken(term: "a/res/70/153", position: 11, start: 8, end: 20, isWhole: true),
            EmittedToken(term: "x", position: 15, start: 21, end: 22, isWhole: false),
        ]
        #expect(run.tokens == expected)
        #expect(run.nextPosition == 16)
    }

    @Test func offsetsCoverTrailingMarksButNotJoiners() {
        let run = tokenize("e\u{301}- ok.")
        #expect(run.tokens.map { [$0.start, $0.end] } == [[0, 3], [5, 7]])
    }

    @Test func emptyInputKeepsFirstPosition() {
        #expect(tokenize([], firstPosition: 7).nextPosition == 7)
        #expect(tokenize("...", firstPosition: 7).nextPosition == 7)
    }

    @Test func longTermIsSkippedCountedAndKeepsItsPosition() {
        let long = String(repeating: "a", count: 300)
        let run = tokenize("before \(long) after")
        #expect(run.notation == ["before@0", "after@2"])
        #expect(run.nextPosition == 3)
        #expect(run.skippedLongTerms == 1)
    }

    @Test func termOfExactlyMaximumLengthIsKept() {
        let longest = String(repeating: "b", count: Tokenizer.maxTermBytes)
        let run = tokenize(longest + " " + longest + "b")
        #expect(run.notation == ["\(longest)@0"])
        #expect(run.skippedLongTerms == 1)
    }

    @Test func foldedLengthDecidesTheLimit() {
        // 128 × "ß" is 256 input bytes but 256 folded bytes ("ss"); 127 × "ß" folds to 254.
        #expect(tokenize(String(repeating: "ß", count: 128)).skippedLongTerms == 1)
        #expect(tokenize(String(repeating: "ß", count: 127)).tokens.first?.term.count == 254)
    }

    @Test func compoundTooLongToEmitWholeKeepsItsParts() {
        let first = String(repeating: "a", count: 200)
        let second = String(repeating: "b", count: 200)
        let run = tokenize("\(first)-\(second) end")
        #expect(run.notation == ["\(first)@0", "\(second)@1", "end@2"])
        #expect(run.skippedLongTerms == 1)
    }

    @Test func numericRunSurvivesTheBufferRestart() {
        // The compound passes maxTermBytes inside the numeric run, so the run is kept while the
        // rest of the buffered compound is dropped.
        let prefix = String(repeating: "a", count: 250)
        let run = tokenize("\(prefix)/12/34/56")
        #expect(run.notation == ["\(prefix)@0", "12@1", "34@2", "56@3", "12/34/56@1+"])
        #expect(run.skippedLongTerms == 1)
    }

    @Test func longPartInsideIdentifier() {
        let long = String(repeating: "x", count: 300)
        let run = tokenize("A/RES/\(long)/70/153")
        #expect(run.notation == ["a@0", "res@1", "70@3", "153@4", "70/153@3+"])
        #expect(run.skippedLongTerms == 2)  // the long part and the whole
        #expect(run.nextPosition == 5)
    }

    @Test func tenMegabyteTokenIsSkippedInLinearTime() {
        var bytes = [UInt8](repeating: UInt8(ascii: "z"), count: 10 << 20)
        bytes.append(contentsOf: Array(" tail".utf8))
        let clock = ContinuousClock()
        var run: TokenizerRun?
        let elapsed = clock.measure { run = tokenize(bytes) }
        #expect(run?.notation == ["tail@1"])
        #expect(run?.skippedLongTerms == 1)
        // Linear scanning takes milliseconds even in a debug build; quadratic work would take hours.
        #expect(elapsed < .seconds(10))
    }

    @Test func tenMegabyteCompoundIsSkippedInLinearTime() {
        var bytes: [UInt8] = []
        for _ in 0..<(1 << 20) { bytes.append(contentsOf: Array("ab-12/cd.".utf8)) }
        let clock = ContinuousClock()
        var run: TokenizerRun?
        let elapsed = clock.measure { run = tokenize(bytes) }
        #expect(run?.nextPosition == 3 << 20)
        #expect(run?.tokens.count == (3 << 20))  // parts only: the whole is far too long
        #expect(elapsed < .seconds(20))
    }

    @Test func skippedLongTermsAccumulatesAcrossCalls() {
        var tokenizer = Tokenizer()
        var sink = CollectingSink()
        let long = Array(repeating: UInt8(ascii: "q"), count: 400)
        for _ in 0..<3 {
            _ = long.withUnsafeBytes { tokenizer.tokenize($0, firstPosition: 0, into: &sink) }
        }
        #expect(tokenizer.skippedLongTerms == 3)
        #expect(sink.tokens.isEmpty)
    }
}

// MARK: - Folding table

extension TokenizerTests {
    @Test func foldingTableIsWellFormed() {
        let scalars = FoldingTable.scalars
        let offsets = FoldingTable.foldOffsets
        #expect(scalars.count > 5000)
        #expect(zip(scalars, scalars.dropFirst()).allSatisfy { $0 < $1 })
        #expect(scalars.allSatisfy { $0 >= 0x80 && $0 <= 0x10FFFF })
        #expect(offsets.count == scalars.count + 1)
        #expect(zip(offsets, offsets.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(Int(offsets.last!) == FoldingTable.foldedBytes.count)
        var decoder = UTF8()
        var iterator = FoldingTable.foldedBytes.makeIterator()
        var invalid = false
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: break decoding
            case .error:
                invalid = true
                break decoding
            }
        }
        #expect(!invalid)
    }

    @Test func lookUpAgreesWithUnicodePropertiesAndTable() {
        var random = AnalysisTestRandom(seed: 0x5EED_0001)
        print("lookUpAgreesWithUnicodePropertiesAndTable seed \(random.seed)")
        for _ in 0..<20_000 {
            let scalar = UInt32(truncatingIfNeeded: random.next() % 0xFF80) + 0x80
            #expect(Folding.lookUp(scalar).scalarClass == Folding.classify(scalar), "U+\(String(scalar, radix: 16))")
        }
        for (index, scalar) in FoldingTable.scalars.enumerated() {
            #expect(Folding.lookUp(scalar).foldIndex == index + 1, "U+\(String(scalar, radix: 16))")
        }
    }

    /// No scalar that folds to nothing yields a token, alone or after a separator, and inside a
    /// word it is dropped like a diacritic.
    @Test func scalarsFoldingToNothingNeverMakeEmptyTerms() {
        var failures: [String] = []
        for (index, scalar) in FoldingTable.scalars.enumerated() where Folding.foldedBytes(at: index + 1).isEmpty {
            let character = String(Character(Unicode.Scalar(scalar)!))
            let alone = tokenize(character + " -" + character).notation
            let inside = tokenize("a" + character + "b").notation
            if !alone.isEmpty || inside != ["ab@0"] {
                failures.append("U+\(String(scalar, radix: 16)): \(alone) \(inside)")
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(20))")
    }

    /// A folded term, analyzed again, is unchanged: queries and documents meet on the same term.
    @Test func foldingIsIdempotent() {
        var failures: [String] = []
        for scalar in FoldingTable.scalars {
            let text = "a" + String(Character(Unicode.Scalar(scalar)!))
            guard let term = tokenize(text).tokens.first?.term else { continue }
            let again = tokenize(term).tokens.map(\.term)
            if again != [term] { failures.append("U+\(String(scalar, radix: 16)): \(term) -> \(again)") }
        }
        #expect(failures.isEmpty, "\(failures.prefix(20))")
    }
}

// MARK: - Random input

extension TokenizerTests {
    /// Random bytes (biased towards ASCII letters, joiners and UTF-8 fragments) never trap, and
    /// every token is consistent with the input: re-tokenizing a part's `start..<end` gives back
    /// exactly that part, and a whole compound's span gives it back as its last token.
    @Test func randomBytesKeepTokenInvariants() {
        var random = AnalysisTestRandom(seed: 0xC0FF_EE00_2024)
        print("randomBytesKeepTokenInvariants seed \(random.seed)")
        let pieces: [[UInt8]] = [
            Array("a".utf8), Array("Z".utf8), Array("7".utf8), Array("é".utf8), Array("ß".utf8), Array("’".utf8),
            Array("-".utf8), Array("/".utf8), Array(".".utf8), Array("'".utf8), Array(" ".utf8), [0x00], [0xFF],
            [0xC3], [0xE2, 0x80], [0x80], Array("\u{301}".utf8), Array("ﬁ".utf8), Array("２".utf8),
        ]
        for iteration in 0..<2_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(random.next() % 40) {
                bytes +=
                    random.next() % 4 == 0
                    ? [UInt8(truncatingIfNeeded: random.next())] : pieces[Int(random.next() % UInt64(pieces.count))]
            }
            let run = tokenize(bytes, firstPosition: 5)
            let parts = run.tokens.filter { !$0.isWhole }
            #expect(parts.map(\.position) == Array(5..<5 + parts.count), "iteration \(iteration): \(bytes)")
            #expect(run.nextPosition == 5 + parts.count)
            for (token, raw) in zip(run.tokens, run.rawTerms) {
                #expect(!raw.isEmpty && raw.count <= Tokenizer.maxTermBytes)
                #expect(String(validating: raw, as: UTF8.self) != nil)
                #expect(0 <= token.start && token.start < token.end && token.end <= bytes.count)
                let again = tokenize(Array(bytes[token.start..<token.end]))
                let expected = token.isWhole ? again.tokens.last : again.tokens.first
                #expect(expected?.term == token.term, "iteration \(iteration): \(bytes) token \(token)")
                #expect(token.isWhole || again.nextPosition == 1, "iteration \(iteration): \(bytes) token \(token)")
            }
        }
    }
}

/// One piece of generated text for the reference tokenizer: its bytes, its role, its fold.
private struct Unit {
    enum Role { case letter, digit, mark, apostrophe, joiner, separator }
    var bytes: [UInt8]
    var role: Role
    var fold: String

    static let all: [Unit] = [
        Unit(bytes: Array("a".utf8), role: .letter, fold: "a"),
        Unit(bytes: Array("Q".utf8), role: .letter, fold: "q"),
        Unit(bytes: Array("É".utf8), role: .letter, fold: "e"),
        Unit(bytes: Array("ß".utf8), role: .letter, fold: "ss"),
        Unit(bytes: Array("Ж".utf8), role: .letter, fold: "ж"),
        Unit(bytes: Array("ﬁ".utf8), role: .letter, fold: "fi"),
        Unit(bytes: Array("4".utf8), role: .digit, fold: "4"),
        Unit(bytes: Array("²".utf8), role: .digit, fold: "2"),
        Unit(bytes: Array("٣".utf8), role: .digit, fold: "3"),
        Unit(bytes: Array("\u{301}".utf8), role: .mark, fold: ""),
        Unit(bytes: Array("'".utf8), role: .apostrophe, fold: "'"),
        Unit(bytes: Array("’".utf8), role: .apostrophe, fold: "'"),
        Unit(bytes: Array("-".utf8), role: .joiner, fold: "-"),
        Unit(bytes: Array("‐".utf8), role: .joiner, fold: "-"),
        Unit(bytes: Array("/".utf8), role: .joiner, fold: "/"),
        Unit(bytes: Array(".".utf8), role: .joiner, fold: "."),
        Unit(bytes: Array(" ".utf8), role: .separator, fold: ""),
        Unit(bytes: Array(",".utf8), role: .separator, fold: ""),
        Unit(bytes: [0x00], role: .separator, fold: ""),
        Unit(bytes: [0xFF], role: .separator, fold: ""),
    ]
}

/// The tokenizer's rules restated over whole units, the slow obvious way: find each token's
/// units, split it at joiners into parts, then derive wholes and numeric runs from the parts.
private func referenceTokens(_ units: [Unit], firstPosition: Int) -> [EmittedToken] {
    var offsets = [0]
    for unit in units { offsets.append(offsets.last! + unit.bytes.count) }
    func isAlphanumeric(_ index: Int) -> Bool {
        index < units.count && (units[index].role == .letter || units[index].role == .digit)
    }
    var tokens: [EmittedToken] = []
    var position = firstPosition
    var index = 0
    while index < units.count {
        guard isAlphanumeric(index) else {
            index += 1
            continue
        }
        // Parts as (first unit, end unit, fold, hasLetter), with the joiner before each.
        var parts: [(first: Int, end: Int, fold: String, hasLetter: Bool)] = []
        var joiners: [String] = [""]
        var first = index
        var fold = ""
        var hasLetter = false
        var lastRole = Unit.Role.separator
        while index < units.count {
            let unit = units[index]
            switch unit.role {
            case .letter, .digit:
                fold += unit.fold
                hasLetter = hasLetter || unit.role == .letter
                lastRole = unit.role
            case .mark:
                break
            case .apostrophe
            where lastRole == .letter && index + 1 < units.count
                && units[index + 1].role == .letter:
                fold += "'"
            case .joiner where isAlphanumeric(index + 1):
                parts.append((first, index, fold, hasLetter))
                joiners.append(unit.fold)
                first = index + 1
                fold = ""
                hasLetter = false
                lastRole = .separator
            default:
                break
            }
            if ![.letter, .digit, .mark].contains(unit.role) && first != index + 1 && !fold.hasSuffix("'") {
                break
            }
            index += 1
        }
        parts.append((first, index, fold, hasLetter))
        let firstPartPosition = position
        for part in parts {
            tokens.append(
                EmittedToken(
                    term: part.fold, position: position, start: offsets[part.first], end: offsets[part.end],
                    isWhole: false))
            position += 1
        }
        // Numeric runs: numeric parts chained by slashes, starting at the first part or a slash.
        var runStart: Int?
        for partIndex in 0...parts.count {
            let continues =
                partIndex < parts.count && !parts[partIndex].hasLetter && joiners[partIndex] == "/"
                && runStart != nil
            if continues { continue }
            if let start = runStart, partIndex - start >= 2, partIndex - start < parts.count {
                let run = parts[start..<partIndex].map(\.fold).joined(separator: "/")
                tokens.append(
                    EmittedToken(
                        term: run, position: firstPartPosition + start, start: offsets[parts[start].first],
                        end: offsets[parts[partIndex - 1].end], isWhole: true))
            }
            let startsRun =
                partIndex < parts.count && !parts[partIndex].hasLetter
                && (partIndex == 0 || joiners[partIndex] == "/")
            runStart = startsRun ? partIndex : nil
        }
        if parts.count > 1 {
            let whole = zip(joiners, parts).map { $0 + $1.fold }.joined()
            tokens.append(
                EmittedToken(
                    term: whole, position: firstPartPosition, start: offsets[parts[0].first],
                    end: offsets[parts.last!.end], isWhole: true))
        }
    }
    return tokens
}

extension TokenizerTests {
    @Test func randomUnitsMatchReferenceTokenizer() {
        var random = AnalysisTestRandom(seed: 0xDEC0_DE00_0153)
        print("randomUnitsMatchReferenceTokenizer seed \(random.seed)")
        func ordered(_ tokens: [EmittedToken]) -> [EmittedToken] {
            tokens.sorted { ($0.start, $0.end, $0.isWhole ? 1 : 0) < ($1.start, $1.end, $1.isWhole ? 1 : 0) }
        }
        for iteration in 0..<3_000 {
            // Short alphanumeric runs between joiners, so compounds and numeric runs are frequent.
            let units = (0..<Int(random.next() % 30)).map { _ in
                let roll = random.next() % 100
                let roles: [Unit.Role] =
                    roll < 30
                    ? [.digit] : roll < 55 ? [.letter] : roll < 80 ? [.joiner] : [.mark, .apostrophe, .separator]
                let candidates = Unit.all.filter { roles.contains($0.role) }
                return candidates[Int(random.next() % UInt64(candidates.count))]
            }
            let bytes = units.flatMap(\.bytes)
            let actual = tokenize(bytes, firstPosition: 3).tokens
            let expected = referenceTokens(units, firstPosition: 3)
            #expect(
                ordered(actual) == ordered(expected),
                "iteration \(iteration): \(String(decoding: bytes, as: UTF8.self))")
            if ordered(actual) != ordered(expected) { break }
        }
    }
}

/// SplitMix64: a small seeded generator so random tests are reproducible from the printed seed.
struct AnalysisTestRandom: RandomNumberGenerator {
    let seed: UInt64
    private var state: UInt64

    init(seed: UInt64) {
        self.seed = seed
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
