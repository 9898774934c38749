import ConcordIngest
import Foundation
import Testing

private func parse(_ line: String) throws(JSONSyntaxError) -> [JSONMember] {
    try parse(bytes: Array(line.utf8))
}

private func parse(bytes: [UInt8]) throws(JSONSyntaxError) -> [JSONMember] {
    let result = bytes.withUnsafeBytes { buffer in
        Result { () throws(JSONSyntaxError) in try JSONLineParser.parseObject(buffer) }
    }
    return try result.get()
}

private func parseError(_ line: String) -> JSONSyntaxError? {
    do {
        _ = try parse(line)
        return nil
    } catch {
        return error
    }
}

@Suite struct JSONLineParserTests {
    @Test func scalarMembersInOrder() throws {
        let members = try parse(
            #"{"id": 7, "a": "x", "b": -12, "c": 1.5e3, "d": true, "e": false, "f": null, "g": 0, "h": -0.25}"#)
        #expect(
            members == [
                JSONMember(key: "id", value: .number("7", integer: 7)),
                JSONMember(key: "a", value: .string("x")),
                JSONMember(key: "b", value: .number("-12", integer: -12)),
                JSONMember(key: "c", value: .number("1.5e3", integer: nil)),
                JSONMember(key: "d", value: .bool(true)),
                JSONMember(key: "e", value: .bool(false)),
                JSONMember(key: "f", value: .null),
                JSONMember(key: "g", value: .number("0", integer: 0)),
                JSONMember(key: "h", value: .number("-0.25", integer: nil)),
            ])
    }

    @Test func integerBeyondInt64KeepsItsText() throws {
        let members = try parse(#"{"big": 123456789012345678901234567890}"#)
        #expect(members == [JSONMember(key: "big", value: .number("123456789012345678901234567890", integer: nil))])
    }

    @Test func nestedValuesAreSkippedButChecked() throws {
        let members = try parse(
            #" { "a" : [1, [2, {"x": [true, null]}], "s"] , "o": {"k": {"l": []}, "m": {}}, "z": 1 } "#)
        #expect(members.map(\.key) == ["a", "o", "z"])
        #expect(members[0].value == .array)
        #expect(members[1].value == .object)
        #expect(members[2].value == .number("1", integer: 1))
        #expect(try parse("{}").isEmpty)
    }

    @Test func escapesAreDecoded() throws {
        let members = try parse(
            #"{"s": "q\"b\\s\/ \b\f\n\r\t \u00e9\u4E2D \uD83D\uDE00 end", "k\u0041": "plain é 中 😀"}"#)
        #expect(members[0].value == .string("q\"b\\s/ \u{8}\u{C}\n\r\t é中 😀 end"))
        #expect(members[1] == JSONMember(key: "kA", value: .string("plain é 中 😀")))
    }

    @Test func longStringsCrossTheEightByteFastPath() throws {
        for length in 0..<40 {
            let text = String(repeating: "abcdefg", count: length / 7) + String(repeating: "z", count: length % 7)
            for suffix in ["", "é", "\\n", "\\u0041"] {
                let members = try parse("{\"t\":\"\(text)\(suffix)\"}")
                let expectedSuffix = ["": "", "é": "é", "\\n": "\n", "\\u0041": "A"][suffix]!
                #expect(members.first?.value == .string(text + expectedSuffix))
            }
        }
    }

    @Test(arguments: [
        (#"{"a" 1}"#, 6, "expected ':'"),
        (#"{"a": 1,}"#, 9, "expected a key"),
        (#"{"a": 1"#, 8, "line ends early"),
        (#"{"a": "abc}"#, 7, "string is not closed"),
        (#"{"a": "\x"}"#, 8, "invalid escape"),
        (#"{"a": "\u12G4"}"#, 8, "four hex digits"),
        (#"{"a": "\uDC00"}"#, 8, "lone low surrogate"),
        (#"{"a": "\uD800x"}"#, 8, "not followed by a low surrogate"),
        (#"{"a": "\uD800\u0041"}"#, 8, "not followed by a low surrogate"),
        ("{\"a\": \"tab\there\"}", 11, "control character"),
        (#"{"a": 01}"#, 8, "expected ',' or '}'"),
        (#"{"a": 1.}"#, 9, "digit after '.'"),
        (#"{"a": -}"#, 8, "expected a digit"),
        (#"{"a": 1e}"#, 9, "exponent"),
        (#"{"a": tru}"#, 7, "expected a value"),
        (#"{"a": 1} x"#, 10, "unexpected text after the object"),
        (#"["a"]"#, 1, "expected '{'"),
        (#"{"a": [1, 2}"#, 12, "expected ',' or ']'"),
        (#"{"a": {"b" 1}}"#, 12, "expected ':'"),
        (#"{"é": x}"#, 7, "expected a value"),
        ("", 1, "empty line"),
    ])
    func syntaxErrorsNameTheColumn(line: String, column: Int, message: String) throws {
        let error = try #require(parseError(line))
        #expect(error.column == column)
        #expect(error.message.contains(message), "\(error.message)")
        #expect(!error.isEncodingError)
        #expect(error.reason.hasPrefix("invalid JSON at column \(column): "))
    }

    @Test(
        arguments: [
            [0xFF], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82],
            [0x80],
        ] as [[UInt8]])
    func invalidUTF8IsAnEncodingError(sequence: [UInt8]) throws {
        let bytes = Array(#"{"a": "é"#.utf8) + sequence + Array(#""}"#.utf8)
        do {
            _ = try parse(bytes: bytes)
            Issue.record("accepted invalid UTF-8 \(sequence)")
        } catch {
            #expect(error.isEncodingError)
            #expect(error.column == 9)
            #expect(error.reason == "not valid UTF-8 at column 9")
        }
    }

    @Test func nestingIsLimited() throws {
        let depth = JSONLineParser.maxDepth
        let accepted = "{\"a\":" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        #expect(try parse(accepted).count == 1)
        let tooDeep =
            "{\"a\":" + String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1) + "}"
        #expect(parseError(tooDeep)?.message.contains("nesting deeper") == true)
    }

    /// The fast parser must read random records exactly as Foundation's JSONSerialization does.
    @Test func agreesWithJSONSerializationOnRandomRecords() throws {
        var random = JSONTestRandom(seed: 0x5EED)
        let alphabet: [String] = [
            "a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "é", "中", "😀", "\u{7F}", "\u{FFFF}",
        ]
        for _ in 0..<300 {
            var object: [String: Any] = [:]
            for index in 0..<Int(random.next() % 6) {
                let length = Int(random.next() % 30)
                let text = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined()
                switch random.next() % 4 {
                case 0: object["s\(index)"] = text
                case 1: object["n\(index)"] = Int64(bitPattern: random.next()) >> (random.next() % 64)
                case 2: object["b\(index)"] = random.next() % 2 == 0
                default: object["a\(index)"] = [text, 1, ["k": NSNull()]] as [Any]
                }
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            let bytes = [UInt8](data)
            let members = try parse(bytes: bytes)
            #expect(members.map(\.key) == object.keys.sorted())
            for member in members {
                switch (member.value, object[member.key]) {
                case (.string(let parsed), let expected as String): #expect(parsed == expected)
                case (.number(_, let parsed), let expected as Int64): #expect(parsed == expected)
                case (.bool(let parsed), let expected as Bool): #expect(parsed == expected)
                case (.array, _ as [Any]): break
                default: Issue.record("\(member) does not match \(String(describing: object[member.key]))")
                }
            }
        }
    }

    /// The validator must agree with the standard library's on random, mostly-valid bytes.
    @Test func utf8CheckAgreesWithTheStandardLibrary() {
        var random = JSONTestRandom(seed: 42)
        let pieces: [[UInt8]] = [
            Array("plain ascii text".utf8), Array("é".utf8), Array("中".utf8), Array("😀".utf8), [0x80], [0xC3],
            [0xED, 0xA0, 0x80],
            [0xF4, 0x90, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xF0, 0x8F, 0xBF, 0xBF], [0xC1, 0xBF],
        ]
        for _ in 0..<2000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(random.next() % 8) {
                let pick = random.next() % 20
                bytes += pick < 11 && pick >= 4 ? pieces[Int(pick)] : pieces[Int(pick % 4)]
            }
            let offset = bytes.withUnsafeBytes { UTF8Check.firstInvalidOffset(in: $0) }
            #expect((offset == nil) == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
            if let offset {
                #expect(String(validating: bytes[..<offset], as: UTF8.self) != nil)
            }
        }
    }
}

extension JSONLineParserTests {
    /// Seed of `randomBytesNeverTrap`; change it to explore other inputs.
    static let randomBytesSeed: UInt64 = 0x0715_0153_2015

    /// The seeded twin of the libFuzzer target `Fuzz/run.sh jsonl`: random bytes and mutated
    /// records either parse into members (and then a document or a `Problem`) or give an error
    /// whose column lies in the line; nothing traps.
    @Test func randomBytesNeverTrap() {
        print("JSONLineParserTests.randomBytesNeverTrap seed: \(Self.randomBytesSeed)")
        var random = JSONTestRandom(seed: Self.randomBytesSeed)
        let pieces: [[UInt8]] = [
            Array(#"{"id":"a","text":"b"}"#.utf8), Array(#"{"#.utf8), Array(#"}"#.utf8), Array(#"["#.utf8),
            Array(#"]"#.utf8), [0x22], Array(#"\"#.utf8), Array(#"\u"#.utf8), Array(#"\ud800"#.utf8),
            Array(#"\udc00"#.utf8), Array(":".utf8), Array(",".utf8), Array("-0.5e+3".utf8), Array("1e999".utf8),
            Array("99999999999999999999".utf8), Array("true".utf8), Array("null".utf8), Array(#""id""#.utf8),
            Array(#""text""#.utf8), Array(#""title""#.utf8), Array("é".utf8), Array("😀".utf8), [0x00], [0x1F],
            [0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90], [0xFF], [0x20], [0x09],
        ]
        let records: [[UInt8]] = [
            Array(#"{"id":"r1","title":"T","text":"Human rights","year":2015,"ok":true,"x":null}"#.utf8),
            Array(#"{"_id":7,"text":"caf\u00e9 \ud83d\ude00","nested":{"a":[1,{"b":[]}]}}"#.utf8),
        ]
        var parsed = 0
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            if random.next() % 2 == 0 {
                // A valid record with up to three pieces inserted or bytes removed.
                bytes = records[Int(random.next() % UInt64(records.count))]
                for _ in 0..<Int(random.next() % 4) {
                    let at = Int(random.next() % UInt64(bytes.count + 1))
                    if random.next() % 2 == 0, at < bytes.count {
                        bytes.remove(at: at)
                    } else {
                        bytes.insert(contentsOf: pieces[Int(random.next() % UInt64(pieces.count))], at: at)
                    }
                }
            } else {
                for _ in 0..<Int(random.next() % 24) {
                    bytes +=
                        random.next() % 5 == 0
                        ? [UInt8(truncatingIfNeeded: random.next())]
                        : pieces[Int(random.next() % UInt64(pieces.count))]
                }
            }
            let outcome = bytes.withUnsafeBytes { buffer in
                Result { () throws(JSONSyntaxError) in try JSONLineParser.parseObject(buffer) }
            }
            switch outcome {
            case .success(let members):
                parsed += 1
                if case .failure(let problem) = JSONRecord.document(from: members) {
                    #expect(!problem.reason.isEmpty)
                }
            case .failure(let error):
                let lastColumn = bytes.withUnsafeBytes { JSONLineParser.columnOf(byteOffset: $0.count, in: $0) }
                #expect(
                    error.column >= 1 && error.column <= lastColumn,
                    "seed \(Self.randomBytesSeed): \(bytes) -> \(error.reason)")
            }
        }
        // Inputs that never parse would only exercise the error paths.
        print("JSONLineParserTests.randomBytesNeverTrap parsed \(parsed) of 20000")
        #expect(parsed >= 2_000, "only \(parsed) inputs parsed")
    }
}

/// A small seeded generator so that random tests repeat exactly.
private struct JSONTestRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
