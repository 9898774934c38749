import ConcordQuery
import Testing

/// SplitMix64 (Steele, Lea and Flood): a tiny seedable generator, so a failing input can be
/// regenerated from the printed seed.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// Change this to explore other inputs; a failure prints the seed and the query.
private let fuzzSeed: UInt64 = 0x00C0_4C0D_2015_0153

/// Bytes the grammar cares about, drawn more often than uniform bytes would be.
private let interestingBytes = Array("()\"*~+-=:/.' \taANDORNOTEyar0123456789".utf8)

/// Fragments of real syntax, glued together with or without spaces.
private let tokenSoup: [String] = [
    "a", "human", "rights", "coopération", "A/RES/70/153", "self-determination", "don't",
    "AND", "OR", "NOT", "and", "(", ")", "((", "))", "\"", "\"a b\"", "\"human rights\"~3", "~", "~2",
    "+", "-", "=", "=rights", "*", "cooperat*", "**", "year:", "year:2015", "year:2010..2015", "year:..",
    "year:2015..2010", "session:70", "title:", "title:\"x y\"", "symbol:A/RES/7*", "para:op", ":", "..",
    "NEAR", "NEAR/", "NEAR/5(", "ONEAR(", "NEAR/x(", "“", "”", "\t", "\u{1}", "\u{7F}", "人", "e\u{301}",
    "\u{00A0}", "0", "99999999999999999999",
]

/// Well-formed fragments, so that a good share of soups parse and their trees get checked.
private let cleanSoup: [String] = [
    "a", "b", "peace", "coopération", "A/RES/70/153", "AND", "OR", "NOT", "+a", "-b", "=rights",
    "cooperat*", "\"a b\"", "\"a b c\"~2", "(a b)", "(a OR b)", "-(a b)", "(NOT a)", "year:2015",
    "year:2010..", "session:70", "title:x", "symbol:A/RES/7*", "para:op", "NEAR/3(a b)", "ONEAR(a \"b c\")",
    "(year:2015 OR session:70)", "-year:2015", "+para:op",
]

private enum FuzzOutcome {
    case parsed
    case refused
}

@Suite("Query parser: fuzz and hostile input")
struct QueryParserFuzzTests {
    /// Parses with both default operators and checks the contract: a tree that keeps the
    /// documented invariants, or a `QuerySyntaxError` whose column lies inside the query.
    private func check(_ query: String, seed: UInt64) -> FuzzOutcome {
        let scalarCount = query.unicodeScalars.count
        var outcome = FuzzOutcome.refused
        for defaultOperator in [DefaultOperator.or, .and] {
            do {
                let root = try QueryParser(defaultOperator: defaultOperator).parse(query).root
                let problems = violations(of: root, scored: true)
                #expect(problems.isEmpty, "seed \(seed): \(query.debugDescription) -> \(root): \(problems)")
                outcome = .parsed
            } catch {
                #expect(
                    error.column >= 1 && error.column <= max(1, scalarCount),
                    "seed \(seed): \(query.debugDescription): \(error)")
                #expect(!error.message.isEmpty)
            }
        }
        return outcome
    }

    @Test("20,000 random byte strings never crash")
    func randomBytes() {
        print("QueryParserFuzzTests.randomBytes seed: \(fuzzSeed)")
        var random = SplitMix64(state: fuzzSeed)
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...48, using: &random)
            var bytes: [UInt8] = []
            for _ in 0..<length {
                let pickInteresting = Bool.random(using: &random)
                bytes.append(
                    pickInteresting
                        ? interestingBytes.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random))
            }
            _ = check(String(decoding: bytes, as: UTF8.self), seed: fuzzSeed)
        }
    }

    @Test("20,000 random token soups never crash, and many of them parse")
    func tokenSoups() {
        let seed = fuzzSeed &+ 1
        print("QueryParserFuzzTests.tokenSoups seed: \(seed)")
        var random = SplitMix64(state: seed)
        var parsed = 0
        for _ in 0..<20_000 {
            var query = ""
            let fragments = Bool.random(using: &random) ? tokenSoup : cleanSoup
            for _ in 0..<Int.random(in: 1...12, using: &random) {
                query += fragments.randomElement(using: &random)!
                if Int.random(in: 0..<4, using: &random) != 0 {
                    query += " "
                }
            }
            if check(query, seed: seed) == .parsed {
                parsed += 1
            }
        }
        // Soups that never parse would only exercise the error paths.
        print("QueryParserFuzzTests.tokenSoups parsed \(parsed) of 20000")
        #expect(parsed >= 4_000, "only \(parsed) soups parsed")
    }

    @Test("10,000 open parentheses give the depth error quickly")
    func deepNesting() {
        let clock = ContinuousClock()
        let started = clock.now
        // NOT and -( are longer openers: as many as fit in the byte limit.
        for (opener, count) in [("(", 10_000), ("NOT ", 4_000), ("-(", 8_000)] {
            let query = String(repeating: opener, count: count) + "a"
            #expect(throws: QuerySyntaxError.self) { try QueryParser().parse(query) }
            do {
                _ = try QueryParser().parse(query)
            } catch {
                #expect(error.message == "query nests deeper than 64 levels")
            }
        }
        #expect(clock.now - started < .seconds(2))
    }

    @Test("a 1 MB query gives the length error at once")
    func megabyteQuery() {
        let query = String(repeating: "human rights ", count: 80_000)
        let clock = ContinuousClock()
        let started = clock.now
        #expect(throws: QuerySyntaxError(message: "query is longer than 16384 bytes", column: 16_385)) {
            try QueryParser().parse(query)
        }
        #expect(clock.now - started < .seconds(1))
    }
}

extension QueryParserFuzzTests {
    @Test(
        "unbalanced straight and typographic quotes give the unterminated-phrase error at the open quote",
        arguments: [
            ("\"", 1), ("a \"b\" \"c", 7), ("abc\u{201D}", 4), ("\"a b\u{201D} c \u{201C}d", 9),
            ("\u{201E}human rights", 1), (String(repeating: "\"a\" ", count: 1_000) + "\"", 4_001),
        ])
    func unbalancedQuotes(query: String, column: Int) {
        for defaultOperator in [DefaultOperator.or, .and] {
            #expect(throws: QuerySyntaxError(message: "unterminated phrase: no closing quote", column: column)) {
                try QueryParser(defaultOperator: defaultOperator).parse(query)
            }
        }
    }

    @Test("NUL and every other refused control byte is an error at its column, wherever it is")
    func controlBytes() {
        let refused = (0..<0x20).filter { $0 != 0x09 }.map { UInt8($0) } + [0x7F]
        for byte in refused {
            let name =
                "U+" + String(repeating: "0", count: byte < 0x10 ? 3 : 2) + String(byte, radix: 16, uppercase: true)
            for (prefix, column) in [("", 1), ("human ", 7), ("\"right to ", 11), ("(a OR b", 8)] {
                let query = prefix + String(decoding: [byte], as: UTF8.self) + "rights"
                #expect(
                    throws: QuerySyntaxError(
                        message: "control character \(name) is not allowed in a query", column: column)
                ) { try QueryParser().parse(query) }
            }
        }
        // A query made only of NULs, and NUL after invalid UTF-8 (decoded to U+FFFD as argv is).
        #expect(throws: QuerySyntaxError(message: "control character U+0000 is not allowed in a query", column: 1)) {
            try QueryParser().parse(String(repeating: "\u{0}", count: 10_000))
        }
        let repaired = String(decoding: [0xFF, 0xC3, 0x00, 0x61], as: UTF8.self)
        #expect(throws: QuerySyntaxError(message: "control character U+0000 is not allowed in a query", column: 3)) {
            try QueryParser().parse(repaired)
        }
    }
}

/// Broken invariants of a parsed tree (see `QueryNode`); `scored` tells whether the node
/// sits where it would contribute to the score (the root, `must` or `should`).
private func violations(of node: QueryNode, scored: Bool) -> [String] {
    switch node {
    case .term(let word), .exact(let word):
        return word.isEmpty ? ["empty word"] : []
    case .prefix(let text):
        return text.isEmpty || text.hasSuffix("*") ? ["bad prefix \(text)"] : []
    case .phrase(let words, let slop):
        let badWord = words.contains { $0.isEmpty || $0.unicodeScalars.contains { $0.properties.isWhitespace } }
        return words.isEmpty || badWord || slop < 0 ? ["bad phrase \(node)"] : []
    case .near(let operands, let distance, _):
        let badOperand = operands.contains {
            switch $0 {
            case .term, .exact, .phrase: false
            default: true
            }
        }
        let nested = operands.flatMap { violations(of: $0, scored: true) }
        return (operands.count < 2 || badOperand || distance < 0 ? ["bad near \(node)"] : []) + nested
    case .field(let name, let value):
        let misplaced = scored && name != "title"
        return value.isEmpty || name.isEmpty || misplaced ? ["bad field \(node), scored: \(scored)"] : []
    case .range(_, let lower, let upper):
        if scored || (lower == nil && upper == nil) {
            return ["bad range \(node), scored: \(scored)"]
        }
        if let lower, let upper, lower > upper {
            return ["reversed range \(node)"]
        }
        return []
    case .boolean(let must, let should, let mustNot, let filter):
        var problems: [String] = []
        if must.isEmpty && should.isEmpty && mustNot.isEmpty && filter.isEmpty {
            problems.append("empty boolean")
        }
        if mustNot.isEmpty && filter.isEmpty && must.count + should.count == 1 {
            problems.append("single clause left wrapped: \(node)")
        }
        problems += (must + should).flatMap { violations(of: $0, scored: true) }
        problems += (mustNot + filter).flatMap { violations(of: $0, scored: false) }
        return problems
    case .matchAll:
        return ["matchAll produced"]
    }
}
