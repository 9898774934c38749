/// Turns one text or Markdown file into a cleaned, labelled `IngestDocument`.
///
/// A UN resolution is recognised from its content (a "70/153. Title" line followed by "The General
/// Assembly,") whatever the file extension, and gets `HEAD`/`TITLE`/`PP`/`OP`/`END`/`FN` paragraphs and
/// metadata fields. Anything else is a generic document with paragraphs `P1`, `P2`...
public enum TextDocumentParser {
    /// Parses one text or Markdown file into a document. `id` is the id to give it (path relative to the
    /// indexed root). Recognises UN resolutions from their content (header/title line/"The General
    /// Assembly,") whatever the extension; those are always cleaned as Markdown, because converters put
    /// Markdown into `.txt` files too. Other documents get Markdown cleanup only when `markdown` is true.
    public static func parse(id: String, source: String, markdown: Bool) -> IngestDocument {
        var contiguous = source
        return contiguous.withUTF8 { bytes in
            let lines = SourceLines.split(bytes)
            if UNResolutionParser.looksLikeResolution(bytes, lines: lines),
                let document = UNResolutionParser.parse(id: id, source: source, bytes: bytes, lines: lines)
            {
                return document
            }
            if markdown {
                return parseMarkdown(id: id, source: source, bytes: bytes, lines: lines)
            }
            let paragraphs = genericParagraphs(source, sourceOffset: 0)
            let title = firstLineTitle(bytes, lines: lines)
            return IngestDocument(id: id, title: title, source: source, paragraphs: paragraphs)
        }
    }

    /// Title length limit, in characters.
    static let maximumTitleLength = 200

    /// A generic Markdown document: markup and page furniture removed, paragraphs at blank lines, at
    /// headings and before numbered-paragraph starts ("12. "); title from the first heading.
    static func parseMarkdown(
        id: String, source: String, bytes: UnsafeBufferPointer<UInt8>, lines: [Range<Int>]
    ) -> IngestDocument {
        let cleaner = MarkupCleaner(source: bytes, markdown: true, footnoteNumbers: [])
        var paragraphs: [IngestParagraph] = []
        var current = CleanText()
        var headingTitle: String?
        var firstLine: String?

        func finishParagraph() {
            guard !current.isEmpty else { return }
            paragraphs.append(current.paragraph(label: "P\(paragraphs.count + 1)", kind: .body))
            current = CleanText()
        }

        for range in lines {
            if SourceLines.isPageFurniture(bytes, range, inResolution: false) {
                finishParagraph()
                continue
            }
            var line = CleanText()
            let shape = cleaner.cleanLine(range, into: &line)
            if line.isEmpty {
                finishParagraph()
                continue
            }
            if firstLine == nil { firstLine = line.text }
            if shape.isHeading {
                if headingTitle == nil { headingTitle = line.text }
                finishParagraph()
                current = line
                finishParagraph()
                continue
            }
            if SourceLines.numberedStart(line.bytes) != nil { finishParagraph() }
            SourceLines.join(line, to: &current)
        }
        finishParagraph()
        let title = truncatedTitle(headingTitle ?? firstLine ?? "")
        return IngestDocument(id: id, title: title, source: source, paragraphs: paragraphs)
    }

    /// The first non-empty line, whitespace-normalised, as a title.
    static func firstLineTitle(_ bytes: UnsafeBufferPointer<UInt8>, lines: [Range<Int>]) -> String {
        for range in lines {
            var line = CleanText()
            var index = range.lowerBound
            while index < range.upperBound {
                let byte = bytes[index]
                if ByteClass.isSpace(byte) {
                    line.appendSpace(sourceOffset: nil)
                } else {
                    line.appendSourceByte(byte, at: index)
                }
                index += 1
                if line.bytes.count > maximumTitleLength * 4 { break }
            }
            if !line.isEmpty { return truncatedTitle(line.text) }
        }
        return ""
    }

    /// Cuts a title to `maximumTitleLength` characters, preferring a word boundary.
    static func truncatedTitle(_ title: String) -> String {
        guard title.count > maximumTitleLength else { return title }
        let cut = title.prefix(maximumTitleLength)
        if let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) > maximumTitleLength / 2 {
            return String(cut[..<space])
        }
        return String(cut)
    }
}

/// Line-level helpers shared by the Markdown and UN paths.
enum SourceLines {
    /// Byte ranges of the lines of `bytes`, without `\n` or a trailing `\r`.
    static func split(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0A {
                var end = index
                if end > start && bytes[end - 1] == 0x0D { end -= 1 }
                lines.append(start..<end)
                start = index + 1
            }
            index += 1
        }
        if start < bytes.count {
            var end = bytes.count
            if bytes[end - 1] == 0x0D { end -= 1 }
            lines.append(start..<end)
        }
        return lines
    }

    /// Appends a cleaned line to a paragraph: joined by one synthetic space, or glued when the paragraph ends
    /// with a hyphen at the line end (`coopera-` + `tion` gives "cooperation", `non-` + `selectivity` gives
    /// "non-selectivity").
    static func join(_ line: CleanText, to paragraph: inout CleanText) {
        if paragraph.isEmpty {
            paragraph = line
            return
        }
        switch lineEndHyphen(paragraph.bytes, next: line.bytes) {
        case .none: paragraph.appendSpace(sourceOffset: nil)
        case .keep: break
        case .remove: paragraph.removeLastByte()
        }
        paragraph.append(line)
    }

    /// What to do with a hyphen that ends a line.
    enum LineEndHyphen {
        /// No hyphen before a lower-case continuation: join with a space.
        case none
        /// A real hyphen (`non-`, `self-`, `capacity-`): keep it and glue.
        case keep
        /// Hyphenation (`coopera-`): drop it and glue.
        case remove
    }

    /// Word parts that keep their hyphen at a line end: "non-|selectivity" is the word "non-selectivity".
    static let hyphenatedPrefixes: Set<String> = [
        "non", "self", "all", "ex", "cross", "well", "half", "quasi", "high", "low", "long", "short", "far", "full",
        "so", "first", "mid", "post", "decision", "confidence", "capacity", "people", "peace",
    ]

    /// Classifies a paragraph ending in `letters-` followed by a line starting with a lower-case letter.
    static func lineEndHyphen(_ text: [UInt8], next: [UInt8]) -> LineEndHyphen {
        guard text.count >= 3, text[text.count - 1] == UInt8(ascii: "-"), let first = next.first,
            ByteClass.isLower(first)
        else { return .none }
        var wordStart = text.count - 1
        while wordStart > 0 && ByteClass.isLetterByte(text[wordStart - 1]) { wordStart -= 1 }
        guard text.count - 1 - wordStart >= 1 else { return .none }
        let word = String(decoding: text[wordStart..<text.count - 1], as: UTF8.self).lowercased()
        return hyphenatedPrefixes.contains(word) ? .keep : .remove
    }

    /// Length of a numbered-paragraph start (`12.` followed by a space) at the start of `text`, or nil.
    static func numberedStart(_ text: [UInt8]) -> Int? {
        var index = 0
        while index < text.count && index < 4 && ByteClass.isDigit(text[index]) { index += 1 }
        guard index > 0, index < 4, index + 1 < text.count, text[index] == UInt8(ascii: "."),
            text[index + 1] == 0x20
        else { return nil }
        return index + 1
    }

    /// True for lines that are conversion furniture rather than text: job-number markers (`<<ODS JOB NO>>`),
    /// "Please recycle", barcodes (`*1344905*`), separator lines (`____`, `----`), page footers
    /// (`2/4 21-19201`, `3/3`, `13-44905 (E)`), OCR garbage, and (in resolutions) bare page numbers.
    static func isPageFurniture(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, inResolution: Bool) -> Bool {
        var start = range.lowerBound
        var end = range.upperBound
        while start < end && ByteClass.isSpace(bytes[start]) { start += 1 }
        while end > start && ByteClass.isSpace(bytes[end - 1]) { end -= 1 }
        guard start < end else { return false }
        let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
        // Furniture lines are short; a long line is text (the garbage test below exits early on real words).
        if line.count <= 160 {
            if contains(line, "<<ODS") || contains(line, "Please recycle") { return true }
            if isBarcode(line) || isSeparator(line) || isPageFooter(line) { return true }
        }
        if inResolution && line.count <= 3 && line.allSatisfy(ByteClass.isDigit) { return true }
        return isGarbage(line)
    }

    /// `*1344905*`: a star-delimited run of at least five digits at the start of the line.
    static func isBarcode(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard line.count >= 7, line[0] == UInt8(ascii: "*") else { return false }
        var index = 1
        while index < line.count && ByteClass.isDigit(line[index]) { index += 1 }
        return index >= 6 && index < line.count && line[index] == UInt8(ascii: "*")
    }

    /// At least three of `-_=*~` and nothing else but spaces.
    static func isSeparator(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var marks = 0
        for byte in line {
            switch byte {
            case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "="), UInt8(ascii: "*"), UInt8(ascii: "~"):
                marks += 1
            case 0x20, 0x09: continue
            default: return false
            }
        }
        return marks >= 3
    }

    /// Only page numbers (`2/4`, page ≤ pages ≤ 999), job numbers (`21-19201`) and `(E)`-style language tags.
    static func isPageFooter(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var sawNumber = false
        for token in line.split(whereSeparator: ByteClass.isSpace) {
            let bytes = Array(token)
            if let slash = bytes.firstIndex(of: UInt8(ascii: "/")),
                let page = number(bytes[..<slash]), let pages = number(bytes[(slash + 1)...]),
                page >= 1, page <= pages, pages <= 999
            {
                sawNumber = true
            } else if bytes.count == 8, bytes[2] == UInt8(ascii: "-"),
                bytes.enumerated().allSatisfy({ $0.offset == 2 || ByteClass.isDigit($0.element) })
            {
                sawNumber = true
            } else if bytes.count == 3, bytes[0] == UInt8(ascii: "("), bytes[2] == UInt8(ascii: ")"),
                ByteClass.isUpper(bytes[1])
            {
                continue
            } else {
                return false
            }
        }
        return sawNumber
    }

    /// OCR garbage such as `ы..... ... П`: no word of two or more letters or digits, and at least three
    /// punctuation marks. ("(a)" and "1." stay text.)
    static func isGarbage(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var previousWasASCIIWord = false
        for byte in line {
            let isWord = ByteClass.isASCIILetter(byte) || ByteClass.isDigit(byte)
            if isWord && previousWasASCIIWord { return false }
            previousWasASCIIWord = isWord
        }
        var punctuation = 0
        var run = 0
        for scalar in String(decoding: line, as: UTF8.self).unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                run += 1
                if run >= 2 { return false }
            } else {
                run = 0
                if !scalar.properties.isWhitespace { punctuation += 1 }
            }
        }
        return punctuation >= 3
    }

    static func contains(_ line: UnsafeBufferPointer<UInt8>, _ needle: String) -> Bool {
        let needle = Array(needle.utf8)
        guard line.count >= needle.count else { return false }
        for start in 0...(line.count - needle.count) where line[start] == needle[0] {
            if zip(line[start..<start + needle.count], needle).allSatisfy({ $0 == $1 }) { return true }
        }
        return false
    }

    private static func number<Bytes: Collection>(_ bytes: Bytes) -> Int? where Bytes.Element == UInt8 {
        guard (1...3).contains(bytes.count), bytes.allSatisfy(ByteClass.isDigit) else { return nil }
        return bytes.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}
