/// Receives tokens from `Tokenizer`; `term` bytes are valid only during the call.
public protocol TokenSink {
    /// One token: `term` is its folded UTF-8; `position` its word position; `start..<end` the
    /// bytes of the input it came from; `isWhole` marks a whole compound (see `Tokenizer`).
    mutating func token(_ term: UnsafeRawBufferPointer, position: Int, start: Int, end: Int, isWhole: Bool)
}

/// Splits UTF-8 text into folded search terms.
///
/// **Tokens.** A token is a maximal run of Unicode letters (`isAlphabetic`) and digits (scalars
/// with a numeric type), not only ASCII. Combining marks and invisible joiners (soft hyphen,
/// ZWJ, ZWNJ, word joiner, BOM) continue a token but never start one.
///
/// **Folding.** Each token's bytes are folded: ASCII is lowercased inline; other scalars are
/// replaced by their entry in the generated `FoldingTable`: full case folding (`ß` → `ss`),
/// compatibility forms (`ﬁ` → `fi`, `Ａ` → `a`, `²` → `2`), diacritics removed (`é` → `e`,
/// `ø` → `o`; a decomposed `e` + U+0301 folds the same way), and decimal digits of every script
/// as ASCII digits (`٣` → `3`). Marks that are not diacritics (Indic vowel signs, kana voicing)
/// are kept.
///
/// **Joiners.** An apostrophe (`'`, `’`, `ʼ`) between two letters stays inside the token as
/// `'` (`don't`); elsewhere it separates (`States'` → `states`). A hyphen (`-`, U+2010, U+2011),
/// slash or period between two letters or digits joins a *compound* (`COVID-19`,
/// `self-determination`, `A/RES/70/153`, `3.5`, `U.S.`). A compound emits its *parts* as
/// ordinary tokens at consecutive positions (`a`, `res`, `70`, `153`), then the *whole* folded
/// compound with its joiners (`a/res/70/153`) with `isWhole == true` at the position of its first
/// part. Every maximal run of two or more numeric parts joined by slashes that is not the whole
/// compound is emitted whole as well (`70/153` from `A/RES/70/153`, `70/489` from
/// `A/70/489/Add.2`), at the position of its first part, so a user typing the number finds it.
/// Each whole token comes right after the last part it covers (a numeric run before the whole
/// compound when both end at the same part).
///
/// **Positions and offsets.** Each part consumes one position, starting at `firstPosition`;
/// whole tokens consume none, so the field length is the number of parts (`tokenize` returns
/// the position after the last part). `start..<end` are byte offsets into the input, spanning
/// from the first to the last scalar of the token, joiners and trailing marks included.
///
/// **Hostile input.** Bytes that are not well-formed UTF-8 (stray continuation bytes, overlong
/// forms, surrogates, truncated sequences), NUL and other controls are separators: they never
/// glue words together and never trap.
///
/// **Long terms.** A term whose folded form exceeds `maxTermBytes` is not emitted and is counted
/// in `skippedLongTerms`; a skipped part still consumes its position, so phrases do not bridge
/// it. Scanning is linear in the input whatever the token lengths.
///
/// Folds come from the generated `FoldingTable` (Unicode data of its generator); classes from
/// the standard library's `Unicode.Scalar.Properties`, cached in an immutable table on first
/// use. `Tokenizer` itself is a plain value with no shared mutable state.
public struct Tokenizer: Sendable {
    /// The longest folded term, in bytes, that is emitted.
    public static let maxTermBytes = 255

    /// Terms not emitted because their folded form exceeds `maxTermBytes`, over every
    /// `tokenize` call on this value: parts and whole compounds alike (numeric runs, being extra
    /// views of their parts, are dropped silently).
    public private(set) var skippedLongTerms = 0

    /// Creates a tokenizer with `skippedLongTerms == 0`.
    public init() {}

    /// Tokenizes `text` into `sink`; positions start at `firstPosition`. Returns the position
    /// after the last part token (`firstPosition` for text without tokens).
    public mutating func tokenize<Sink: TokenSink>(
        _ text: UnsafeRawBufferPointer, firstPosition: Int, into sink: inout Sink
    ) -> Int {
        guard let base = text.baseAddress, !text.isEmpty else { return firstPosition }
        // Raw bytes are read as UInt8, which may alias any memory.
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        return Folding.asciiClasses.withUnsafeBufferPointer { asciiClasses in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: TokenScanner.bufferCapacity) { buffer in
                var scanner = TokenScanner(
                    text: bytes, count: text.count, asciiClasses: asciiClasses.baseAddress!,
                    buffer: buffer.baseAddress!, firstPosition: firstPosition)
                scanner.scanText(into: &sink)
                skippedLongTerms += scanner.skippedLongTerms
                return scanner.nextPosition
            }
        }
    }
}

/// The state of one `Tokenizer.tokenize` call: the input, the term buffer and the compound
/// being built (see `Tokenizer+Compounds.swift`).
struct TokenScanner {
    /// Term buffer size: a compound prefix short enough to emit whole (`maxTermBytes`), a
    /// joiner, and a part long enough to be known too long, with room for one multi-byte fold.
    static let bufferCapacity = 1024

    let text: UnsafePointer<UInt8>
    let count: Int
    let asciiClasses: UnsafePointer<UInt8>
    /// Folded bytes of the current compound (or, after it grew too long, of its tail).
    let buffer: UnsafeMutablePointer<UInt8>
    var nextPosition: Int
    var skippedLongTerms = 0

    /// Folded bytes of the current compound, counting bytes beyond `bufferCapacity` that were
    /// not stored, so a term's length is exact however long it grows.
    var length = 0
    var compound = CompoundState()
    var numericRun = NumericRun()

    init(
        text: UnsafePointer<UInt8>, count: Int, asciiClasses: UnsafePointer<UInt8>,
        buffer: UnsafeMutablePointer<UInt8>, firstPosition: Int
    ) {
        self.text = text
        self.count = count
        self.asciiClasses = asciiClasses
        self.buffer = buffer
        self.nextPosition = firstPosition
    }

    /// Emits every token of the text.
    mutating func scanText<Sink: TokenSink>(into sink: inout Sink) {
        var offset = 0
        while offset < count {
            let byteClass = asciiClasses[Int(text[offset])]
            if ScalarClass.isAlphanumeric(byteClass) {
                offset = scanToken(from: offset, into: &sink)
            } else if byteClass == ScalarClass.nonASCII {
                let (scalar, length) = Folding.decodeMultiByteScalar(text, at: offset, count: count)
                if length == 0 {
                    offset &+= 1
                } else if ScalarClass.isAlphanumeric(Folding.lookUp(scalar).scalarClass) {
                    offset = scanToken(from: offset, into: &sink)
                } else {
                    offset &+= length
                }
            } else {
                offset &+= 1
            }
        }
    }

    /// Scans the token (simple word or compound) starting with the letter or digit at `start`,
    /// emits its parts and wholes, and returns the offset just past it.
    private mutating func scanToken<Sink: TokenSink>(from start: Int, into sink: inout Sink) -> Int {
        length = 0
        var offset = start
        // Bit `ScalarClass.letter` is set once the part has a letter; `lastClass` is the class of
        // the last letter or digit (marks leave it alone), for the apostrophe rule.
        var classesSeen: UInt8 = 0
        var lastClass: UInt8 = 0
        foldASCIIRun(from: &offset, classesSeen: &classesSeen, lastClass: &lastClass)
        if offset == count || asciiClasses[Int(text[offset])] == ScalarClass.separator {
            // Most tokens are ASCII words ended by a separator: no compound bookkeeping.
            emitWord(start: start, end: offset, into: &sink)
            return offset
        }
        beginCompound(at: start)
        scanning: while offset < count {
            foldASCIIRun(from: &offset, classesSeen: &classesSeen, lastClass: &lastClass)
            guard offset < count else { break }
            let byteClass = asciiClasses[Int(text[offset])]
            var joinerClass = byteClass
            var joinerLength = 1
            if byteClass == ScalarClass.nonASCII {
                let (scalar, scalarLength) = Folding.decodeMultiByteScalar(text, at: offset, count: count)
                guard scalarLength > 0 else { break scanning }
                let (scalarClass, foldIndex) = Folding.lookUp(scalar)
                switch scalarClass {
                case ScalarClass.letter, ScalarClass.digit:
                    appendFold(of: offset, length: scalarLength, foldIndex: foldIndex)
                    classesSeen |= scalarClass
                    lastClass = scalarClass
                    offset &+= scalarLength
                    continue scanning
                case ScalarClass.continuing:
                    appendFold(of: offset, length: scalarLength, foldIndex: foldIndex)
                    offset &+= scalarLength
                    continue scanning
                case ScalarClass.apostrophe...ScalarClass.period:
                    joinerClass = scalarClass
                    joinerLength = scalarLength
                default:
                    break scanning
                }
            } else if byteClass < ScalarClass.apostrophe {
                break scanning
            }
            // A joiner: it joins only between two letters (apostrophe) or alphanumerics.
            let nextClass = alphanumericClass(at: offset &+ joinerLength)
            if joinerClass == ScalarClass.apostrophe {
                guard lastClass == ScalarClass.letter, nextClass == ScalarClass.letter else { break scanning }
                appendByte(UInt8(ascii: "'"))
            } else {
                guard ScalarClass.isAlphanumeric(nextClass) else { break scanning }
                finishPart(end: offset, hasLetter: classesSeen & ScalarClass.letter != 0, into: &sink)
                beginPart(at: offset &+ joinerLength, after: joinerClass)
                classesSeen = 0
                lastClass = 0
            }
            offset &+= joinerLength
        }
        finishPart(end: offset, hasLetter: classesSeen & ScalarClass.letter != 0, into: &sink)
        finishCompound(into: &sink)
        return offset
    }

    /// Emits the buffered single-part token `start..<end` (or counts it as too long).
    @inline(__always)
    private mutating func emitWord<Sink: TokenSink>(start: Int, end: Int, into sink: inout Sink) {
        if length <= Tokenizer.maxTermBytes {
            sink.token(
                UnsafeRawBufferPointer(start: buffer, count: length), position: nextPosition, start: start, end: end,
                isWhole: false)
        } else {
            skippedLongTerms &+= 1
        }
        nextPosition &+= 1
    }

    /// Folds the run of ASCII letters and digits at `offset` (possibly empty) into the buffer
    /// and moves past it: the hot loop. Fields are copied to locals so they stay in registers
    /// across the buffer stores, and the buffer bound is hoisted out of the loop.
    @inline(__always)
    private mutating func foldASCIIRun(from offset: inout Int, classesSeen: inout UInt8, lastClass: inout UInt8) {
        let text = self.text
        let count = self.count
        let asciiClasses = self.asciiClasses
        let buffer = self.buffer
        let runStart = offset
        var position = offset
        var length = self.length
        var seen = classesSeen
        let storableEnd = min(count, position &+ max(0, Self.bufferCapacity &- length))
        while position < storableEnd {
            let byte = text[position]
            let byteClass = asciiClasses[Int(byte)]
            guard ScalarClass.isAlphanumeric(byteClass) else { break }
            // Letters and digits fold to `byte | 0x20`: digits already have the bit.
            buffer[length] = byte | 0x20
            length &+= 1
            seen |= byteClass
            position &+= 1
        }
        if position == storableEnd {
            // The buffer is full (the term is far too long): only measure the rest of the run.
            while position < count {
                let byteClass = asciiClasses[Int(text[position])]
                guard ScalarClass.isAlphanumeric(byteClass) else { break }
                length &+= 1
                seen |= byteClass
                position &+= 1
            }
        }
        if position != runStart { lastClass = asciiClasses[Int(text[position &- 1])] }
        offset = position
        classesSeen = seen
        self.length = length
    }

    /// The class of the scalar at `offset` if it is a letter or digit, else `separator`.
    @inline(__always)
    private func alphanumericClass(at offset: Int) -> UInt8 {
        guard offset < count else { return ScalarClass.separator }
        let byteClass = asciiClasses[Int(text[offset])]
        if byteClass == ScalarClass.nonASCII {
            let (scalar, length) = Folding.decodeMultiByteScalar(text, at: offset, count: count)
            guard length > 0 else { return ScalarClass.separator }
            let scalarClass = Folding.lookUp(scalar).scalarClass
            return ScalarClass.isAlphanumeric(scalarClass) ? scalarClass : ScalarClass.separator
        }
        return ScalarClass.isAlphanumeric(byteClass) ? byteClass : ScalarClass.separator
    }

    /// Appends one folded byte (counted even when the buffer is full; see `length`).
    @inline(__always)
    mutating func appendByte(_ byte: UInt8) {
        if length < Self.bufferCapacity { buffer[length] = byte }
        length &+= 1
    }

    /// Appends the fold of the `scalarLength`-byte scalar at `offset` of the input.
    private mutating func appendFold(of offset: Int, length scalarLength: Int, foldIndex: Int) {
        if foldIndex == 0 {
            for index in offset..<offset &+ scalarLength { appendByte(text[index]) }
        } else {
            for index in Folding.foldedBytes(at: foldIndex) { appendByte(FoldingTable.foldedBytes[index]) }
        }
    }
}
