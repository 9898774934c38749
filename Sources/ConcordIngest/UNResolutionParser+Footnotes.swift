extension UNResolutionParser {
    /// A footnote definition line: the footnote's number and where its text starts in the source.
    struct FootnoteStart {
        /// The footnote number the line defines.
        var number: Int
        /// Source offset of the footnote text, after the marker.
        var contentStart: Int
    }

    /// Finds the lines that define footnotes, by line index.
    ///
    /// A definition opens with a marker: `<sup>N</sup>` (or the broken `<sup>&</sup>lt;sup>N</sup>`),
    /// superscript digits (`¹`) or `[^N]:`. After the closing line ("70th plenary meeting") a plain
    /// number also opens one (`1 A/CONF.157/24`), but only the next number in sequence, so that page
    /// furniture such as `21 February 2014` is not mistaken for footnote 21.
    static func footnoteLines(
        _ bytes: UnsafeBufferPointer<UInt8>, lines: [Range<Int>], closingLine: Int?
    ) -> [Int: FootnoteStart] {
        var found: [Int: FootnoteStart] = [:]
        var highest = 0
        for (lineIndex, range) in lines.enumerated() {
            var start = markedFootnoteStart(bytes, range)
            if start == nil, let closingLine, lineIndex > closingLine,
                let plain = plainFootnoteStart(bytes, range), plain.number == highest + 1
            {
                start = plain
            }
            guard let start else { continue }
            found[lineIndex] = start
            highest = max(highest, start.number)
        }
        return found
    }

    /// A marker-style definition at the start of the line, followed by whitespace and text.
    static func markedFootnoteStart(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> FootnoteStart? {
        var index = range.lowerBound
        let end = range.upperBound
        while index < end && ByteClass.isSpace(bytes[index]) { index += 1 }
        let number: Int
        if let (value, next) = supTagNumber(bytes, at: index, end: end) {
            number = value
            index = next
        } else if let (value, next) = superscriptNumber(bytes, at: index, end: end) {
            number = value
            index = next
        } else if hasPrefix(bytes, "[^", at: index, end: end),
            let (value, next) = digits(bytes, at: index + 2, end: end),
            hasPrefix(bytes, "]:", at: next, end: end)
        {
            number = value
            index = next + 2
        } else {
            return nil
        }
        guard index < end, ByteClass.isSpace(bytes[index]) else { return nil }
        while index < end && ByteClass.isSpace(bytes[index]) { index += 1 }
        guard index < end else { return nil }
        return FootnoteStart(number: number, contentStart: index)
    }

    /// `N text` with N of one or two digits followed by a space or tab.
    static func plainFootnoteStart(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> FootnoteStart? {
        var index = range.lowerBound
        let end = range.upperBound
        while index < end && ByteClass.isSpace(bytes[index]) { index += 1 }
        guard let (number, next) = digits(bytes, at: index, end: end), next - index <= 2, number > 0,
            next < end, bytes[next] == 0x20 || bytes[next] == 0x09
        else { return nil }
        index = next
        while index < end && ByteClass.isSpace(bytes[index]) { index += 1 }
        guard index < end else { return nil }
        return FootnoteStart(number: number, contentStart: index)
    }

    /// `<sup>N</sup>` or `<sup>&</sup>lt;sup>N</sup>` at `index`: the number and the offset after the tag.
    private static func supTagNumber(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> (Int, Int)? {
        guard hasPrefix(bytes, "<sup>", at: index, end: end) else { return nil }
        var cursor = index + 5
        if hasPrefix(bytes, "&</sup>lt;sup>", at: cursor, end: end) { cursor += 14 }
        guard let (number, next) = digits(bytes, at: cursor, end: end), hasPrefix(bytes, "</sup>", at: next, end: end)
        else { return nil }
        return (number, next + 6)
    }

    /// A run of superscript digits at `index`: its value and the offset after it.
    private static func superscriptNumber(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> (Int, Int)? {
        var cursor = index
        var value = 0
        var count = 0
        while cursor + 1 < end && count < 3 {
            let digit: Int
            if bytes[cursor] == 0xC2 && [0xB9, 0xB2, 0xB3].contains(bytes[cursor + 1]) {
                digit = bytes[cursor + 1] == 0xB9 ? 1 : Int(bytes[cursor + 1] - 0xB0)
                cursor += 2
            } else if cursor + 2 < end && bytes[cursor] == 0xE2 && bytes[cursor + 1] == 0x81
                && (bytes[cursor + 2] == 0xB0 || (0xB4...0xB9).contains(bytes[cursor + 2]))
            {
                digit = Int(bytes[cursor + 2] - 0xB0)
                cursor += 3
            } else {
                break
            }
            value = value * 10 + digit
            count += 1
        }
        return count > 0 ? (value, cursor) : nil
    }

    /// A run of one to three ASCII digits at `index`: its value and the offset after it.
    static func digits(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> (Int, Int)? {
        var cursor = index
        var value = 0
        while cursor < end && cursor - index < 4 && ByteClass.isDigit(bytes[cursor]) {
            value = value * 10 + Int(bytes[cursor] - UInt8(ascii: "0"))
            cursor += 1
        }
        guard cursor > index, cursor - index <= 3 else { return nil }
        return (value, cursor)
    }

    static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: String, at index: Int, end: Int) -> Bool {
        var cursor = index
        for byte in prefix.utf8 {
            guard cursor < end, bytes[cursor] == byte else { return false }
            cursor += 1
        }
        return true
    }
}
