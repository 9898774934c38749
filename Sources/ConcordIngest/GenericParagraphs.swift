extension TextDocumentParser {
    /// Fast path for generic text (JSONL records, plain files): paragraphs at blank lines (and before a line
    /// starting with a paragraph number such as "12. "), whitespace runs folded to one space, trimmed, labels
    /// `P1`, `P2`...; no markup cleanup and no UN detection. Segments point at `sourceOffset` plus the byte
    /// offset in `text`. Copied spaces are covered by segments; spaces standing for tabs or line breaks are not.
    public static func genericParagraphs(_ text: String, sourceOffset: Int) -> [IngestParagraph] {
        var text = text
        let runs = text.withUTF8 { bytes in
            var splitter = ParagraphSplitter()
            return splitter.split(bytes)
        }
        // Texts are sliced from the (now contiguous UTF-8) string rather than decoded from bytes: runs end at
        // ASCII whitespace, so they are valid UTF-8 and need no validation pass.
        let utf8 = text.utf8
        func piece(_ segment: OffsetSegment) -> Substring {
            let start = utf8.index(utf8.startIndex, offsetBy: Int(segment.sourceStart))
            let end = utf8.index(start, offsetBy: Int(segment.length))
            return Substring(utf8[start..<end])
        }
        var paragraphs: [IngestParagraph] = []
        paragraphs.reserveCapacity(runs.count)
        for var segments in runs {
            var paragraphText: String
            if segments.count == 1 {
                paragraphText = String(piece(segments[0]))
            } else {
                paragraphText = ""
                paragraphText.reserveCapacity(
                    Int(segments[segments.count - 1].textStart + segments[segments.count - 1].length))
                for (position, segment) in segments.enumerated() {
                    if position > 0 { paragraphText.append(" ") }
                    paragraphText.append(contentsOf: piece(segment))
                }
            }
            for position in segments.indices { segments[position].sourceStart += UInt32(sourceOffset) }
            paragraphs.append(
                IngestParagraph(label: "P\(paragraphs.count + 1)", kind: .body, text: paragraphText, segments: segments)
            )
        }
        return paragraphs
    }
}

/// Single pass over UTF-8 bytes that finds each paragraph's runs: maximal source ranges in which words are
/// separated by exactly one space byte. A paragraph's text is its runs joined by single (synthetic) spaces;
/// each run is one segment (source offsets relative to the text).
private struct ParagraphSplitter {
    var paragraphs: [[OffsetSegment]] = []
    var segments: [OffsetSegment] = []
    /// Length of the current paragraph's text so far.
    var textLength = 0
    /// Source range of the run being accumulated.
    var runStart = -1
    var runEnd = -1

    mutating func split(_ bytes: UnsafeBufferPointer<UInt8>) -> [[OffsetSegment]] {
        let count = bytes.count
        var index = 0
        // Skip leading whitespace so that the first word opens the first run.
        while index < count && bytes[index] <= 0x20 { index += 1 }
        while index < count {
            // A run of words separated by single spaces ends at the first other whitespace: a control byte
            // (tab, line break) or a space followed by whitespace. Back up over the spaces that precede it.
            let runFrom = index
            index = nextIrregularWhitespace(bytes, from: index)
            var gapStart = index
            while gapStart > runFrom && bytes[gapStart - 1] == 0x20 { gapStart -= 1 }
            if runStart < 0 { runStart = runFrom }
            runEnd = gapStart
            index = gapStart
            var newlines = 0
            while index < count && bytes[index] <= 0x20 {
                if bytes[index] == 0x0A { newlines += 1 }
                index += 1
            }
            guard index < count else { break }
            if newlines >= 2 || (newlines == 1 && startsNumberedParagraph(bytes, at: index)) {
                finishParagraph()
            } else {
                flushRun()
                textLength += 1
            }
        }
        finishParagraph()
        return paragraphs
    }

    /// First index at or after `start` holding a byte below 0x20 or a space followed by a byte of at most
    /// 0x20 (or a space ending the text), or `bytes.count`. Eight bytes are tested at a time (advancing by
    /// seven, so that a pair of spaces straddling two loads is still seen); the exact byte is then found by
    /// the byte loop.
    func nextIrregularWhitespace(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let count = bytes.count
        var index = start
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            let spaces: UInt64 = 0x2020_2020_2020_2020
            while index + 8 <= count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                // Some byte < 0x20 (exact as an "any" test for thresholds up to 0x80).
                let control = (word &- spaces) & ~word & highs
                // Some pair of adjacent bytes in positions 0...6 that are both spaces.
                let notSpace = word ^ spaces
                let pair = notSpace | (notSpace >> 8)
                let doubleSpace = (pair &- ones) & ~pair & highs & 0x0080_8080_8080_8080
                if control | doubleSpace != 0 { break }
                index += 7
            }
        }
        while index < count {
            let byte = bytes[index]
            if byte < 0x20 { return index }
            if byte == 0x20 && (index + 1 == count || bytes[index + 1] <= 0x20) { return index }
            index += 1
        }
        return count
    }

    /// True for `12. ` (one to four digits, a dot, a space or tab) at `index`.
    func startsNumberedParagraph(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        var cursor = index
        while cursor < bytes.count && cursor - index < 5 && bytes[cursor] >= 0x30 && bytes[cursor] <= 0x39 {
            cursor += 1
        }
        let digits = cursor - index
        return digits >= 1 && digits <= 4 && cursor + 1 < bytes.count && bytes[cursor] == UInt8(ascii: ".")
            && (bytes[cursor + 1] == 0x20 || bytes[cursor + 1] == 0x09)
    }

    mutating func flushRun() {
        guard runStart >= 0 else { return }
        segments.append(
            OffsetSegment(
                textStart: UInt32(textLength), sourceStart: UInt32(runStart), length: UInt32(runEnd - runStart)))
        textLength += runEnd - runStart
        runStart = -1
    }

    mutating func finishParagraph() {
        flushRun()
        guard !segments.isEmpty else { return }
        paragraphs.append(segments)
        segments = []
        textLength = 0
    }
}
