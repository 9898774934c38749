#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The value of a top-level member of a JSON object. Nested arrays and objects are checked for
/// syntax but not kept: JSONL records only contribute scalar fields.
package enum JSONValue: Equatable, Sendable {
    /// A string, unescaped.
    case string(String)
    /// A number as written; `integer` is its value when it has no fraction or exponent and fits Int64.
    case number(String, integer: Int64?)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null
    /// An array (contents skipped).
    case array
    /// An object (contents skipped).
    case object
}

/// One `"key": value` pair of a parsed object, in line order.
package struct JSONMember: Equatable, Sendable {
    /// The unescaped key.
    package var key: String
    /// The value.
    package var value: JSONValue

    /// Creates a member.
    package init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// Why a line is not a JSON object.
package struct JSONSyntaxError: Error, Equatable, Sendable {
    /// 1-based column (counted in Unicode scalars) where the problem was found.
    package var column: Int
    /// True when the line is not valid UTF-8 (as opposed to valid text that is not JSON).
    package var isEncodingError: Bool
    /// What is wrong, e.g. "expected ':' after a key".
    package var message: String

    /// The issue text: "invalid JSON at column N: …" or "not valid UTF-8 at column N".
    package var reason: String {
        isEncodingError ? "not valid UTF-8 at column \(column)" : "invalid JSON at column \(column): \(message)"
    }
}

/// A byte-level parser for one JSON object per line (RFC 8259), written for JSONL ingest speed: strings
/// are scanned eight bytes at a time, validated as UTF-8 in the same pass, and copied into a `String` once.
package enum JSONLineParser {
    /// Deepest nesting accepted inside skipped arrays and objects.
    package static let maxDepth = 512

    /// Parses `line` (without its line break), which must hold exactly one JSON object, and returns its
    /// members in order (a repeated key appears twice; callers let the last one win).
    package static func parseObject(_ line: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> [JSONMember] {
        guard let base = line.baseAddress, !line.isEmpty else {
            throw JSONSyntaxError(column: 1, isEncodingError: false, message: "empty line")
        }
        var cursor = JSONCursor(base: base.assumingMemoryBound(to: UInt8.self), count: line.count)
        do {
            return try cursor.parseTopLevelObject()
        } catch let failure {
            throw JSONSyntaxError(
                column: columnOf(byteOffset: failure.offset, in: line), isEncodingError: failure.isEncodingError,
                message: failure.message)
        }
    }

    /// 1-based column of a byte: the number of UTF-8 sequences that start before it, plus one.
    package static func columnOf(byteOffset: Int, in line: UnsafeRawBufferPointer) -> Int {
        var column = 1
        for byte in line.prefix(byteOffset) where byte & 0xC0 != 0x80 { column += 1 }
        return column
    }
}

/// A syntax error at a byte offset; turned into a `JSONSyntaxError` with a column by the caller.
private struct JSONFailure: Error {
    var offset: Int
    var isEncodingError = false
    var message: String
}

private enum Byte {
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C
    static let comma: UInt8 = 0x2C
    static let colon: UInt8 = 0x3A
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D
    static let openBracket: UInt8 = 0x5B
    static let closeBracket: UInt8 = 0x5D
    static let minus: UInt8 = 0x2D
    static let plus: UInt8 = 0x2B
    static let dot: UInt8 = 0x2E
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39
}

/// The raw extent of a string token: its content bytes between the quotes.
private struct StringToken {
    var start: Int
    var end: Int
    var hasEscapes: Bool
    /// No byte of the raw content is above 0x7F.
    var isASCII: Bool
}

/// Walks one line; `position` is the next byte to look at. Bounds are checked against `count` by hand
/// (no array bounds checks in the hot loops).
private struct JSONCursor {
    let base: UnsafePointer<UInt8>
    let count: Int
    var position = 0

    private func fail(_ message: String, at offset: Int? = nil) -> JSONFailure {
        JSONFailure(offset: offset ?? position, message: message)
    }

    private var current: UInt8? { position < count ? base[position] : nil }

    private mutating func skipWhitespace() {
        while position < count {
            switch base[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8, _ message: String) throws(JSONFailure) {
        guard current == byte else { throw fail(current == nil ? "line ends early: \(message)" : message) }
        position += 1
    }

    mutating func parseTopLevelObject() throws(JSONFailure) -> [JSONMember] {
        skipWhitespace()
        guard current == Byte.openBrace else { throw fail("expected '{': each line must be one JSON object") }
        position += 1
        var members: [JSONMember] = []
        skipWhitespace()
        if current == Byte.closeBrace {
            position += 1
        } else {
            while true {
                skipWhitespace()
                guard current == Byte.quote else { throw fail("expected a key in double quotes") }
                let key = decode(try scanString())
                skipWhitespace()
                try expect(Byte.colon, "expected ':' after a key")
                skipWhitespace()
                members.append(JSONMember(key: key, value: try parseMemberValue()))
                skipWhitespace()
                if current == Byte.comma {
                    position += 1
                    continue
                }
                try expect(Byte.closeBrace, "expected ',' or '}' after a value")
                break
            }
        }
        skipWhitespace()
        guard position == count else { throw fail("unexpected text after the object") }
        return members
    }

    private mutating func parseMemberValue() throws(JSONFailure) -> JSONValue {
        guard let byte = current else { throw fail("line ends early: expected a value") }
        switch byte {
        case Byte.quote: return .string(decode(try scanString()))
        case Byte.minus, Byte.zero...Byte.nine: return try scanNumber()
        case Byte.openBracket:
            try skipNestedValue()
            return .array
        case Byte.openBrace:
            try skipNestedValue()
            return .object
        default: return try scanLiteral()
        }
    }

    private mutating func scanLiteral() throws(JSONFailure) -> JSONValue {
        func matches(_ word: StaticString) -> Bool {
            let length = word.utf8CodeUnitCount
            guard count - position >= length else { return false }
            return memcmp(base + position, word.utf8Start, length) == 0
        }
        if matches("true") {
            position += 4
            return .bool(true)
        }
        if matches("false") {
            position += 5
            return .bool(false)
        }
        if matches("null") {
            position += 4
            return .null
        }
        throw fail("expected a value (string, number, true, false, null, array or object)")
    }

    private mutating func scanDigits() -> Int {
        let start = position
        while position < count, base[position] >= Byte.zero, base[position] <= Byte.nine { position += 1 }
        return position - start
    }

    private mutating func scanNumber() throws(JSONFailure) -> JSONValue {
        let start = position
        if current == Byte.minus { position += 1 }
        if current == Byte.zero {
            position += 1
        } else if scanDigits() == 0 {
            throw fail("expected a digit")
        }
        var isInteger = true
        if current == Byte.dot {
            position += 1
            isInteger = false
            guard scanDigits() > 0 else { throw fail("expected a digit after '.'") }
        }
        if current == 0x65 || current == 0x45 {
            position += 1
            isInteger = false
            if current == Byte.plus || current == Byte.minus { position += 1 }
            guard scanDigits() > 0 else { throw fail("expected a digit in the exponent") }
        }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: position - start), as: UTF8.self)
        return .number(text, integer: isInteger ? Int64(text) : nil)
    }

    /// Checks an array or object (at its opening bracket) without recursion, keeping one stack entry
    /// per open container: true for an object, whose members need a key and a colon.
    private mutating func skipNestedValue() throws(JSONFailure) {
        var openObjects: [Bool] = []
        while true {
            // A value is expected here.
            skipWhitespace()
            guard let byte = current else { throw fail("line ends early: expected a value") }
            var valueDone = true
            switch byte {
            case Byte.openBrace, Byte.openBracket:
                guard openObjects.count < JSONLineParser.maxDepth else {
                    throw fail("nesting deeper than \(JSONLineParser.maxDepth) levels")
                }
                let isObject = byte == Byte.openBrace
                position += 1
                skipWhitespace()
                if current == (isObject ? Byte.closeBrace : Byte.closeBracket) {
                    position += 1
                } else {
                    openObjects.append(isObject)
                    if isObject { try scanKeyAndColon() }
                    valueDone = false
                }
            case Byte.quote: _ = try scanString()
            case Byte.minus, Byte.zero...Byte.nine: _ = try scanNumber()
            default: _ = try scanLiteral()
            }
            guard valueDone else { continue }
            // After a value: close containers until one continues with a comma.
            while let isObject = openObjects.last {
                skipWhitespace()
                if current == Byte.comma {
                    position += 1
                    if isObject { try scanKeyAndColon() }
                    break
                }
                let close = isObject ? Byte.closeBrace : Byte.closeBracket
                guard current == close else {
                    throw fail(isObject ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
                }
                position += 1
                openObjects.removeLast()
            }
            if openObjects.isEmpty { return }
        }
    }

    private mutating func scanKeyAndColon() throws(JSONFailure) {
        skipWhitespace()
        guard current == Byte.quote else { throw fail("expected a key in double quotes") }
        _ = try scanString()
        skipWhitespace()
        try expect(Byte.colon, "expected ':' after a key")
    }

    /// Finds the end of the string starting at the opening quote under `position`, checking escapes,
    /// control characters and UTF-8 on the way; leaves `position` after the closing quote.
    private mutating func scanString() throws(JSONFailure) -> StringToken {
        position += 1
        let start = position
        var hasEscapes = false
        var isASCII = true
        while true {
            // Skip eight plain bytes at a time; stop at the first quote, backslash, control or non-ASCII byte.
            while count - position >= 8 {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
                let special = Self.specialBytes(in: word)
                if special != 0 {
                    position += special.trailingZeroBitCount >> 3
                    break
                }
                position += 8
            }
            guard position < count else { throw fail("string is not closed", at: start - 1) }
            let byte = base[position]
            switch byte {
            case Byte.quote:
                position += 1
                return StringToken(start: start, end: position - 1, hasEscapes: hasEscapes, isASCII: isASCII)
            case Byte.backslash:
                hasEscapes = true
                try scanEscape()
            case 0..<0x20:
                throw fail("control character in a string (write it as \\u00XX)")
            case 0x80...:
                isASCII = false
                try scanUTF8Sequence()
            default:
                position += 1
            }
        }
    }

    /// Marks (high bit of each byte) the bytes of `word` that are `"`, `\`, below 0x20 or above 0x7F.
    /// Borrows can mark a byte above a marked one wrongly; callers use only the lowest mark.
    private static func specialBytes(in word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func zeroBytes(_ value: UInt64) -> UInt64 { (value &- ones) & ~value & highs }
        let quotes = zeroBytes(word ^ (ones &* 0x22))
        let backslashes = zeroBytes(word ^ (ones &* 0x5C))
        let controls = (word &- ones &* 0x20) & ~word & highs
        return quotes | backslashes | controls | (word & highs)
    }

    private mutating func scanEscape() throws(JSONFailure) {
        let escapeStart = position
        guard position + 1 < count else { throw fail("string is not closed") }
        switch base[position + 1] {
        case Byte.quote, Byte.backslash, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
            position += 2
        case 0x75:
            let unit = try hexUnit(at: position + 2, escapeStart: escapeStart)
            position += 6
            if unit >= 0xDC00 && unit <= 0xDFFF {
                throw fail(
                    "lone low surrogate \\u\(hex(unit)) (a \\uD800-\\uDBFF escape must come first)", at: escapeStart)
            }
            if unit >= 0xD800 && unit <= 0xDBFF {
                guard position + 1 < count, base[position] == Byte.backslash, base[position + 1] == 0x75 else {
                    throw fail("high surrogate \\u\(hex(unit)) is not followed by a low surrogate", at: escapeStart)
                }
                let low = try hexUnit(at: position + 2, escapeStart: position)
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw fail("high surrogate \\u\(hex(unit)) is not followed by a low surrogate", at: escapeStart)
                }
                position += 6
            }
        default:
            throw fail("invalid escape (use \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX)")
        }
    }

    private func hex(_ unit: UInt32) -> String {
        let digits = String(unit, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private func hexUnit(at offset: Int, escapeStart: Int) throws(JSONFailure) -> UInt32 {
        guard count - offset >= 4 else { throw fail("\\u needs four hex digits", at: escapeStart) }
        var value: UInt32 = 0
        for index in offset..<offset + 4 {
            guard let digit = Self.hexValue(base[index]) else {
                throw fail("\\u needs four hex digits", at: escapeStart)
            }
            value = value << 4 | digit
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: UInt32(byte - 0x30)
        case 0x41...0x46: UInt32(byte - 0x41 + 10)
        case 0x61...0x66: UInt32(byte - 0x61 + 10)
        default: nil
        }
    }

    private mutating func scanUTF8Sequence() throws(JSONFailure) {
        guard let length = UTF8Check.sequenceLength(at: base + position, available: count - position) else {
            throw JSONFailure(offset: position, isEncodingError: true, message: "invalid UTF-8")
        }
        position += length
    }

    /// The string's value: its bytes as they are, or with escapes decoded into scratch space first (the
    /// result is never longer than the raw bytes).
    func decode(_ token: StringToken) -> String {
        let raw = UnsafeBufferPointer(start: base + token.start, count: token.end - token.start)
        guard token.hasEscapes else { return Self.string(fromValidated: raw, isASCII: token.isASCII) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: raw.count) { output in
            var written = 0
            var index = token.start
            var isASCII = token.isASCII
            func append(_ byte: UInt8) {
                output[written] = byte
                written += 1
            }
            while index < token.end {
                let plainEnd =
                    memchr(base + index, Int32(Byte.backslash), token.end - index).map {
                        UnsafePointer(base).distance(to: $0.assumingMemoryBound(to: UInt8.self))
                    } ?? token.end
                if plainEnd > index {
                    UnsafeMutableRawPointer(output.baseAddress! + written).copyMemory(
                        from: base + index, byteCount: plainEnd - index)
                    written += plainEnd - index
                    index = plainEnd
                }
                guard index < token.end else { break }
                let escaped = base[index + 1]
                index += 2
                switch escaped {
                case 0x62: append(0x08)
                case 0x66: append(0x0C)
                case 0x6E: append(0x0A)
                case 0x72: append(0x0D)
                case 0x74: append(0x09)
                case 0x75:
                    var scalar = Self.hexUnitUnchecked(base + index)
                    index += 4
                    if scalar >= 0xD800 && scalar <= 0xDBFF {
                        let low = Self.hexUnitUnchecked(base + index + 2)
                        index += 6
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    if scalar >= 0x80 { isASCII = false }
                    for byte in UTF8.encode(Unicode.Scalar(scalar)!)! { append(byte) }
                default: append(escaped)  // \" \\ \/
                }
            }
            return Self.string(fromValidated: UnsafeBufferPointer(rebasing: output[..<written]), isASCII: isASCII)
        }
    }

    /// A `String` of bytes this parser has already checked as UTF-8, copied without the standard library
    /// validating them a second time (that check alone cost a third of the parse time on UNGDC).
    private static func string(fromValidated bytes: UnsafeBufferPointer<UInt8>, isASCII: Bool) -> String {
        assert(String(validating: bytes, as: UTF8.self) != nil && (!isASCII || bytes.allSatisfy { $0 < 0x80 }))
        if #available(macOS 26.0, iOS 26.0, watchOS 26.0, tvOS 26.0, visionOS 26.0, *) {
            return String(copying: UTF8Span(unchecked: bytes.span, isKnownASCII: isASCII))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Value of four hex digits already checked by `scanEscape`.
    private static func hexUnitUnchecked(_ digits: UnsafePointer<UInt8>) -> UInt32 {
        var value: UInt32 = 0
        for index in 0..<4 { value = value << 4 | (hexValue(digits[index]) ?? 0) }
        return value
    }
}

/// UTF-8 validation shared by the JSONL and the text-file paths.
package enum UTF8Check {
    /// Length of the valid multi-byte sequence starting at `start` (a byte >= 0x80), or nil when it is
    /// invalid: Unicode table 3-7, so no overlong forms, surrogates or values above U+10FFFF.
    @inline(__always)
    package static func sequenceLength(at start: UnsafePointer<UInt8>, available: Int) -> Int? {
        let lead = start[0]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            secondRange = 0x80...0x9F
        case 0xF0:
            length = 4
            secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            secondRange = 0x80...0x8F
        default: return nil
        }
        guard available >= length, secondRange.contains(start[1]) else { return nil }
        for index in 2..<length where start[index] & 0xC0 != 0x80 { return nil }
        return length
    }

    /// Byte offset of the first byte that does not start a valid UTF-8 sequence, or nil if all are valid.
    package static func firstInvalidOffset(in bytes: UnsafeRawBufferPointer) -> Int? {
        guard let raw = bytes.baseAddress else { return nil }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let count = bytes.count
        var position = 0
        while position < count {
            // ASCII fast path: eight bytes at a time while no high bit is set.
            while count - position >= 8,
                UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0
            {
                position += 8
            }
            guard position < count else { break }
            if base[position] < 0x80 {
                position += 1
            } else if let length = sequenceLength(at: base + position, available: count - position) {
                position += length
            } else {
                return position
            }
        }
        return nil
    }
}
