/// Builds the cleaned UTF-8 text of one paragraph (or line) while recording which of its bytes were
/// copied from the source, so that snippets and highlights can map back to the original bytes.
///
/// Whitespace is normalised as it is appended: a run of whitespace becomes one space, leading
/// whitespace is dropped and trailing whitespace never reaches the text. A space that stands for a
/// single source space is recorded as copied; any other space (a tab, a line break, a gap left by
/// removed markup) is synthetic.
struct CleanText {
    /// Where the space owed before the next copied byte comes from.
    private enum PendingSpace {
        case none
        case synthetic
        case source(Int)
    }

    /// Cleaned UTF-8 bytes.
    private(set) var bytes: [UInt8] = []
    /// Copied runs, sorted by `textStart` and merged when contiguous in both text and source.
    private(set) var segments: [OffsetSegment] = []
    private var pendingSpace = PendingSpace.none

    init() {}

    /// True when nothing but (pending) whitespace has been appended.
    var isEmpty: Bool { bytes.isEmpty }

    /// Last byte of the text, ignoring a pending space.
    var lastByte: UInt8? { bytes.last }

    /// First byte of the text.
    var firstByte: UInt8? { bytes.first }

    /// True when a space will be written before the next byte.
    var hasPendingSpace: Bool {
        if case .none = pendingSpace { return false }
        return !bytes.isEmpty
    }

    /// Records whitespace. `sourceOffset` is the offset of a plain source space (0x20) that may stand
    /// for the whole run; pass nil for tabs, line breaks and gaps left by removed markup.
    mutating func appendSpace(sourceOffset: Int?) {
        guard !bytes.isEmpty else { return }
        switch pendingSpace {
        case .source: break
        case .none, .synthetic:
            if let sourceOffset {
                pendingSpace = .source(sourceOffset)
            } else {
                pendingSpace = .synthetic
            }
        }
    }

    /// Forgets a pending space (used when markup removal should glue its neighbours, as in `coopera-|tion`).
    mutating func cancelPendingSpace() {
        pendingSpace = .none
    }

    /// Appends one byte copied from source offset `offset`. The byte must not be whitespace.
    mutating func appendSourceByte(_ byte: UInt8, at offset: Int) {
        flushPendingSpace()
        record(sourceStart: offset, length: 1)
        bytes.append(byte)
    }

    /// Appends source bytes `range` (no whitespace inside) copied from `source`.
    mutating func appendSource(_ source: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        guard !range.isEmpty else { return }
        flushPendingSpace()
        record(sourceStart: range.lowerBound, length: range.count)
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[range]))
    }

    /// Appends bytes that do not exist in the source (a decoded entity): they get no segment.
    mutating func appendSynthetic<Bytes: Collection>(_ newBytes: Bytes) where Bytes.Element == UInt8 {
        guard !newBytes.isEmpty else { return }
        flushPendingSpace()
        bytes.append(contentsOf: newBytes)
    }

    /// Appends another cleaned text (the next line of a paragraph); a pending space is written first.
    mutating func append(_ other: CleanText) {
        guard !other.bytes.isEmpty else { return }
        flushPendingSpace()
        let shift = bytes.count
        for segment in other.segments {
            record(
                textStart: shift + Int(segment.textStart), sourceStart: Int(segment.sourceStart),
                length: Int(segment.length))
        }
        bytes.append(contentsOf: other.bytes)
    }

    /// Removes the last byte (a line-end hyphen being undone), shrinking its segment.
    mutating func removeLastByte() {
        guard !bytes.isEmpty else { return }
        bytes.removeLast()
        pendingSpace = .none
        guard let last = segments.last, Int(last.textStart + last.length) > bytes.count else { return }
        if last.length == 1 {
            segments.removeLast()
        } else {
            segments[segments.count - 1].length -= 1
        }
    }

    /// Removes the first `count` bytes (a paragraph number that the label already carries), then
    /// any spaces that follow them; segments are cut and shifted to match.
    mutating func removePrefix(_ count: Int) {
        var cut = min(count, bytes.count)
        while cut < bytes.count && bytes[cut] == 0x20 { cut += 1 }
        guard cut > 0 else { return }
        bytes.removeFirst(cut)
        var kept: [OffsetSegment] = []
        kept.reserveCapacity(segments.count)
        for var segment in segments {
            let end = Int(segment.textStart + segment.length)
            guard end > cut else { continue }
            if Int(segment.textStart) < cut {
                let dropped = UInt32(cut) - segment.textStart
                segment.sourceStart += dropped
                segment.length -= dropped
                segment.textStart = UInt32(cut)
            }
            segment.textStart -= UInt32(cut)
            kept.append(segment)
        }
        segments = kept
        if bytes.isEmpty { pendingSpace = .none }
    }

    /// The cleaned text as a string (valid UTF-8 because only whole characters are ever copied or synthesised).
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Makes a labelled paragraph from the text so far.
    func paragraph(label: String, kind: ParagraphKind, verb: String? = nil) -> IngestParagraph {
        IngestParagraph(label: label, kind: kind, verb: verb, text: text, segments: segments)
    }

    private mutating func flushPendingSpace() {
        switch pendingSpace {
        case .none: return
        case .synthetic:
            if !bytes.isEmpty { bytes.append(0x20) }
        case .source(let offset):
            if !bytes.isEmpty {
                record(sourceStart: offset, length: 1)
                bytes.append(0x20)
            }
        }
        pendingSpace = .none
    }

    private mutating func record(sourceStart: Int, length: Int) {
        record(textStart: bytes.count, sourceStart: sourceStart, length: length)
    }

    private mutating func record(textStart: Int, sourceStart: Int, length: Int) {
        if let last = segments.last, Int(last.textStart + last.length) == textStart,
            Int(last.sourceStart + last.length) == sourceStart
        {
            segments[segments.count - 1].length += UInt32(length)
            return
        }
        segments.append(
            OffsetSegment(textStart: UInt32(textStart), sourceStart: UInt32(sourceStart), length: UInt32(length)))
    }
}

/// Byte classes used by the cleaners (ASCII rules on UTF-8 bytes), in a namespace so that they cannot clash
/// with helpers elsewhere in the module.
enum ByteClass {
    /// Space, tab, line feed, vertical tab, form feed, carriage return.
    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    @inline(__always) static func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
    @inline(__always) static func isLower(_ byte: UInt8) -> Bool { byte >= 0x61 && byte <= 0x7A }
    @inline(__always) static func isASCIILetter(_ byte: UInt8) -> Bool { isUpper(byte) || isLower(byte) }
    /// A letter for our purposes: ASCII letters and any byte of a multi-byte UTF-8 character.
    @inline(__always) static func isLetterByte(_ byte: UInt8) -> Bool { isASCIILetter(byte) || byte >= 0x80 }
    @inline(__always) static func isWordByte(_ byte: UInt8) -> Bool { isLetterByte(byte) || isDigit(byte) }
    @inline(__always) static func isASCIIPunctuation(_ byte: UInt8) -> Bool {
        (0x21...0x2F).contains(byte) || (0x3A...0x40).contains(byte) || (0x5B...0x60).contains(byte)
            || (0x7B...0x7E).contains(byte)
    }

    /// A set of byte values, as a 256-bit map (no allocation, no reference counting in hot loops).
    struct Bitmap {
        private var low: UInt64 = 0
        private var lowMid: UInt64 = 0
        private var highMid: UInt64 = 0
        private var high: UInt64 = 0

        /// The set of the UTF-8 bytes of `ascii`.
        init(_ ascii: String) {
            insert(contentsOf: Array(ascii.utf8))
        }

        mutating func insert(contentsOf bytes: [UInt8]) {
            for byte in bytes {
                let bit = UInt64(1) << UInt64(byte & 63)
                switch byte >> 6 {
                case 0: low |= bit
                case 1: lowMid |= bit
                case 2: highMid |= bit
                default: high |= bit
                }
            }
        }

        @inline(__always) func contains(_ byte: UInt8) -> Bool {
            // Selects (no jump table) the word holding the byte's bit.
            let lowHalf = byte < 64 ? low : lowMid
            let highHalf = byte < 192 ? highMid : high
            let word = byte < 128 ? lowHalf : highHalf
            return (word >> UInt64(byte & 63)) & 1 != 0
        }
    }
}
