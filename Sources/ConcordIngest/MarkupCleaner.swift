/// Cleans one source line of Markdown/HTML/LaTeX markup and footnote marks, appending what remains to a
/// `CleanText` so that every kept byte stays mapped to its source offset.
///
/// Rules (each chosen from the noise the sample corpus shows):
/// - Line prefixes: `#` headings, `- `/`* `/`+ ` list markers and `> ` quotes are dropped (Markdown only).
/// - `*`/`**` emphasis and `_` emphasis at word edges are dropped; a `*` between spaces is kept.
/// - Links `[text](url)` keep `text`; `\(` keeps `(`; `[DU1]`-style editor marks and `[^2]` refs go.
/// - HTML tags are dropped; `<sup>2</sup>` (also the broken `<sup>&</sup>lt;sup>2</sup>`) is a footnote
///   mark and goes whole; entities such as `&amp;` become their character (synthetic bytes).
/// - `$...$` keeps its plain content; a digits-only superscript in it (`$2000^2$`) is a footnote mark.
/// - Unicode superscript digits right after a non-space (`1993,¹`, `2015³`) are footnote marks.
/// - Word-export fused marks, only for footnotes the document defines: `Action,4` (letter, comma, the
///   footnote number) keeps `Action,`; a five- or six-digit "year" after a month name (`8 September 20002`)
///   whose digits past the fourth name a footnote keeps the four-digit year (`2000`).
/// - Whitespace runs (tabs, no-break spaces) become single spaces; soft hyphens and BOMs are dropped.
struct MarkupCleaner {
    /// The whole document source.
    let source: UnsafeBufferPointer<UInt8>
    /// Apply Markdown/HTML/LaTeX rules (off only for generic plain text).
    let markdown: Bool
    /// Footnote numbers the document defines; enables detection of marks fused to words and numbers.
    let footnoteNumbers: Set<Int>
    /// Bytes that may start something to clean; all others are copied as they are.
    let specialBytes: ByteClass.Bitmap

    init(source: UnsafeBufferPointer<UInt8>, markdown: Bool, footnoteNumbers: Set<Int>) {
        self.source = source
        self.markdown = markdown
        self.footnoteNumbers = footnoteNumbers
        var special = ByteClass.Bitmap(" \t\u{0B}\u{0C}\r[")
        special.insert(contentsOf: [0xC2, 0xE2, 0xEF])
        if markdown { special.insert(contentsOf: Array("*_\\<&$]>".utf8)) }
        if !footnoteNumbers.isEmpty { special.insert(contentsOf: Array(",0123456789".utf8)) }
        specialBytes = special
    }

    /// What the line prefix said about the line.
    struct LineShape {
        /// The line was a Markdown heading (`# Title`).
        var isHeading = false
    }

    /// Appends the cleaned content of source bytes `range` (one line, without its line break) to `out`.
    @discardableResult
    func cleanLine(_ range: Range<Int>, into out: inout CleanText) -> LineShape {
        var shape = LineShape()
        var start = skipWhitespace(from: range.lowerBound, to: range.upperBound)
        if markdown {
            start = skipLinePrefix(from: start, end: range.upperBound, shape: &shape)
        }
        var scan = InlineScan(cleaner: self, lineStart: start, end: range.upperBound)
        scan.run(into: &out)
        return shape
    }

    private func skipWhitespace(from start: Int, to end: Int) -> Int {
        var index = start
        while index < end && (source[index] == 0x20 || source[index] == 0x09) { index += 1 }
        return index
    }

    /// Drops `#` heading marks, then list markers and quote marks, in that order.
    private func skipLinePrefix(from start: Int, end: Int, shape: inout LineShape) -> Int {
        var index = start
        var hashes = 0
        while index < end && source[index] == UInt8(ascii: "#") && hashes < 7 {
            hashes += 1
            index += 1
        }
        if hashes > 0 && hashes <= 6 && (index == end || source[index] == 0x20 || source[index] == 0x09) {
            shape.isHeading = true
            return skipWhitespace(from: index, to: end)
        }
        index = start
        while index + 1 < end {
            let byte = source[index]
            let isMarker = byte == UInt8(ascii: "-") || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "+")
            let isQuote = byte == UInt8(ascii: ">")
            guard (isMarker || isQuote) && (source[index + 1] == 0x20 || source[index + 1] == 0x09) else { break }
            index = skipWhitespace(from: index + 1, to: end)
        }
        return index
    }
}

/// Byte strings the scan looks for, built once.
private enum Needle {
    static let commentOpen = Array("<!--".utf8)
    static let commentClose = Array("-->".utf8)
    static let supOpen = Array("<sup>".utf8)
    static let supClose = Array("</sup>".utf8)
    /// A broken converter wrote the footnote-definition prefix as `<sup>&</sup>lt;sup>`.
    static let brokenSupTail = Array("&</sup>lt;sup>".utf8)
    static let http = Array("http".utf8)
    static let mailto = Array("mailto:".utf8)
    /// Tags that separate words, so that removing them leaves a space.
    static let blockTags: Set<String> = ["br", "p", "div", "li", "tr", "td", "th", "hr"]
}

/// Left-to-right scan of one line. Ordinary bytes accumulate in a run that is copied in one piece
/// when a special byte (whitespace, markup, a mark) interrupts it.
private struct InlineScan {
    let cleaner: MarkupCleaner
    let lineStart: Int
    let end: Int
    var index: Int
    var runStart: Int
    /// Closing brackets of open links: at `textEnd` the scan jumps to `resume` (skipping `](url)`).
    var linkStack: [(textEnd: Int, resume: Int)] = []

    init(cleaner: MarkupCleaner, lineStart: Int, end: Int) {
        self.cleaner = cleaner
        self.lineStart = lineStart
        self.end = end
        self.index = lineStart
        self.runStart = lineStart
    }

    var source: UnsafeBufferPointer<UInt8> { cleaner.source }

    mutating func run(into out: inout CleanText) {
        let special = cleaner.specialBytes
        while index < end {
            // Plain bytes, and single spaces between plain bytes, stay in the run. Link ends (`]`, `>`) are
            // special bytes, so this never skips past one.
            var cursor = index
            while cursor < end && !special.contains(source[cursor]) { cursor += 1 }
            index = cursor
            guard index < end else { break }
            let byte = source[index]
            if byte == 0x20 && index > runStart && index + 1 < end && !special.contains(source[index + 1]) {
                index += 2
                continue
            }
            if let link = linkStack.last, index >= link.textEnd {
                linkStack.removeLast()
                // Math may have carried the scan past the whole link; never go back.
                if index < link.resume { skip(to: link.resume, out: &out) }
                continue
            }
            if !handleSpecial(byte, out: &out) { index += 1 }
        }
        flushRun(to: end, out: &out)
    }

    /// Copies the pending run up to `position`.
    mutating func flushRun(to position: Int, out: inout CleanText) {
        if position > runStart { out.appendSource(source, runStart..<position) }
        runStart = max(runStart, position)
    }

    /// Drops source bytes `index ..< position`.
    mutating func skip(to position: Int, out: inout CleanText) {
        flushRun(to: index, out: &out)
        index = position
        runStart = position
    }

    /// Handles the byte at `index` if it is special, returning true when it advanced `index` itself.
    mutating func handleSpecial(_ byte: UInt8, out: inout CleanText) -> Bool {
        switch byte {
        case 0x20, 0x09, 0x0B, 0x0C, 0x0D:
            flushRun(to: index, out: &out)
            out.appendSpace(sourceOffset: byte == 0x20 ? index : nil)
            index += 1
            runStart = index
            return true
        case 0xC2, 0xE2, 0xEF:
            return handleNonASCII(byte, out: &out)
        case UInt8(ascii: "["):
            return handleBracket(out: &out)
        case UInt8(ascii: ","):
            return handleCommaMark(out: &out)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return handleDigits(out: &out)
        default:
            guard cleaner.markdown else { return false }
            switch byte {
            case UInt8(ascii: "*"): return handleEmphasis(byte, out: &out)
            case UInt8(ascii: "_"): return handleEmphasis(byte, out: &out)
            case UInt8(ascii: "\\"): return handleEscape(out: &out)
            case UInt8(ascii: "<"): return handleAngle(out: &out)
            case UInt8(ascii: "&"): return handleEntity(out: &out)
            case UInt8(ascii: "$"): return handleMath(out: &out)
            default: return false
            }
        }
    }

    // MARK: Characters

    /// Superscript digits, no-break and zero-width spaces, soft hyphens, byte-order marks.
    mutating func handleNonASCII(_ lead: UInt8, out: inout CleanText) -> Bool {
        if superscriptDigitLength(at: index) > 0 {
            var markEnd = index
            var length = superscriptDigitLength(at: markEnd)
            while length > 0 {
                markEnd += length
                length = superscriptDigitLength(at: markEnd)
            }
            // After a space a superscript is content ("x ²"); after a word or comma it is a mark.
            let isMark = index == lineStart || !ByteClass.isSpace(source[index - 1])
            if isMark {
                skip(to: markEnd, out: &out)
            } else {
                index = markEnd
            }
            return true
        }
        if lead == 0xC2 && index + 1 < end && source[index + 1] == 0xA0 {
            flushRun(to: index, out: &out)
            out.appendSpace(sourceOffset: nil)
            index += 2
            runStart = index
            return true
        }
        let isSoftHyphen = lead == 0xC2 && index + 1 < end && source[index + 1] == 0xAD
        let isZeroWidth =
            lead == 0xE2 && index + 2 < end && source[index + 1] == 0x80 && source[index + 2] == 0x8B
        let isByteOrderMark =
            lead == 0xEF && index + 2 < end && source[index + 1] == 0xBB && source[index + 2] == 0xBF
        guard isSoftHyphen || isZeroWidth || isByteOrderMark else { return false }
        skip(to: index + (isSoftHyphen ? 2 : 3), out: &out)
        return true
    }

    /// Length in bytes of a superscript digit (`⁰¹²³⁴⁵⁶⁷⁸⁹`) at `position`, or 0.
    func superscriptDigitLength(at position: Int) -> Int {
        guard position + 1 < end else { return 0 }
        if source[position] == 0xC2 {
            let second = source[position + 1]
            return second == 0xB9 || second == 0xB2 || second == 0xB3 ? 2 : 0
        }
        if source[position] == 0xE2 && position + 2 < end && source[position + 1] == 0x81 {
            let third = source[position + 2]
            return third == 0xB0 || (0xB4...0xB9).contains(third) ? 3 : 0
        }
        return 0
    }

    // MARK: Brackets and links

    /// Editor marks `[DU1]`, footnote references `[^2]`, links `[text](url)` and images `![alt](src)`.
    mutating func handleBracket(out: inout CleanText) -> Bool {
        if let markEnd = editorMarkEnd(at: index) {
            skip(to: markEnd, out: &out)
            return true
        }
        guard cleaner.markdown else { return false }
        if index + 1 < end && source[index + 1] == UInt8(ascii: "^"),
            let close = find(UInt8(ascii: "]"), from: index + 2)
        {
            skip(to: close + 1, out: &out)
            return true
        }
        guard let close = matchingClose(from: index, open: UInt8(ascii: "["), close: UInt8(ascii: "]")),
            close + 1 < end, source[close + 1] == UInt8(ascii: "("),
            let parenClose = matchingClose(from: close + 1, open: UInt8(ascii: "("), close: UInt8(ascii: ")"))
        else { return false }
        let isImage = index > runStart && source[index - 1] == UInt8(ascii: "!")
        flushRun(to: isImage ? index - 1 : index, out: &out)
        linkStack.append((textEnd: close, resume: parenClose + 1))
        index += 1
        runStart = index
        return true
    }

    /// End of an editor mark such as `[DU1]` (1-4 capitals, 1-4 digits) not followed by `(`.
    func editorMarkEnd(at position: Int) -> Int? {
        var cursor = position + 1
        let lettersStart = cursor
        while cursor < end && cursor - lettersStart < 5 && ByteClass.isUpper(source[cursor]) { cursor += 1 }
        guard (1...4).contains(cursor - lettersStart) else { return nil }
        let digitsStart = cursor
        while cursor < end && cursor - digitsStart < 5 && ByteClass.isDigit(source[cursor]) { cursor += 1 }
        guard (1...4).contains(cursor - digitsStart), cursor < end, source[cursor] == UInt8(ascii: "]") else {
            return nil
        }
        if cursor + 1 < end && source[cursor + 1] == UInt8(ascii: "(") { return nil }
        return cursor + 1
    }

    /// Index of the bracket closing the one at `position`, honouring nesting and backslash escapes.
    func matchingClose(from position: Int, open: UInt8, close: UInt8) -> Int? {
        var depth = 0
        var cursor = position
        while cursor < end {
            let byte = source[cursor]
            if byte == UInt8(ascii: "\\") {
                cursor += 2
                continue
            }
            if byte == open {
                depth += 1
            } else if byte == close {
                depth -= 1
                if depth == 0 { return cursor }
            }
            cursor += 1
        }
        return nil
    }

    // MARK: Emphasis and escapes

    /// `*`/`**`/`_` runs touching a word are emphasis delimiters; between spaces (or `_` inside a
    /// word, as in `snake_case`) they are text.
    mutating func handleEmphasis(_ byte: UInt8, out: inout CleanText) -> Bool {
        var runEnd = index
        while runEnd < end && source[runEnd] == byte { runEnd += 1 }
        let before: UInt8 = index > lineStart ? source[index - 1] : 0x20
        let after: UInt8 = runEnd < end ? source[runEnd] : 0x20
        let isText: Bool
        if byte == UInt8(ascii: "_") {
            isText =
                (ByteClass.isSpace(before) && ByteClass.isSpace(after))
                || (ByteClass.isWordByte(before) && ByteClass.isWordByte(after))
        } else {
            isText = ByteClass.isSpace(before) && ByteClass.isSpace(after)
        }
        if isText {
            index = runEnd
        } else {
            skip(to: runEnd, out: &out)
        }
        return true
    }

    /// `\(` and other backslash-escaped ASCII punctuation keep only the punctuation.
    mutating func handleEscape(out: inout CleanText) -> Bool {
        guard index + 1 < end, ByteClass.isASCIIPunctuation(source[index + 1]) else { return false }
        skip(to: index + 1, out: &out)
        index += 1  // the escaped byte is plain text: do not interpret it
        return true
    }

    // MARK: HTML

    /// `<sup>` footnote marks, other tags, comments and autolinks.
    mutating func handleAngle(out: inout CleanText) -> Bool {
        if hasPrefix(Needle.commentOpen, at: index) {
            guard let close = find(Needle.commentClose, from: index + 4) else { return false }
            skip(to: close + 3, out: &out)
            return true
        }
        if hasPrefix(Needle.supOpen, at: index, caseInsensitive: true) {
            var contentStart = index + 5
            if hasPrefix(Needle.brokenSupTail, at: contentStart) { contentStart += Needle.brokenSupTail.count }
            if let close = find(Needle.supClose, from: contentStart, caseInsensitive: true),
                isFootnoteMarkText(contentStart..<close)
            {
                skip(to: close + 6, out: &out)
                return true
            }
        }
        guard let close = find(UInt8(ascii: ">"), from: index + 1), close > index + 1 else { return false }
        let inner = index + 1..<close
        if hasPrefix(Needle.http, at: inner.lowerBound) || hasPrefix(Needle.mailto, at: inner.lowerBound) {
            flushRun(to: index, out: &out)
            linkStack.append((textEnd: close, resume: close + 1))
            index += 1
            runStart = index
            return true
        }
        guard let name = tagName(inner) else { return false }
        skip(to: close + 1, out: &out)
        if Needle.blockTags.contains(name) { out.appendSpace(sourceOffset: nil) }
        return true
    }

    /// Lower-cased name of an HTML tag whose inside (between `<` and `>`) is `inner`, or nil if it is not a tag.
    func tagName(_ inner: Range<Int>) -> String? {
        var cursor = inner.lowerBound
        if source[cursor] == UInt8(ascii: "/") { cursor += 1 }
        let nameStart = cursor
        while cursor < inner.upperBound
            && (ByteClass.isASCIILetter(source[cursor]) || ByteClass.isDigit(source[cursor]))
        {
            cursor += 1
        }
        guard cursor > nameStart, ByteClass.isASCIILetter(source[nameStart]) else { return nil }
        guard cursor == inner.upperBound || ByteClass.isSpace(source[cursor]) || source[cursor] == UInt8(ascii: "/")
        else {
            return nil
        }
        for position in inner where source[position] == UInt8(ascii: "<") { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: source[nameStart..<cursor]), as: UTF8.self).lowercased()
    }

    /// True when the text between `<sup>` and `</sup>` is a footnote mark: digits, commas, spaces, emphasis.
    func isFootnoteMarkText(_ range: Range<Int>) -> Bool {
        var digits = 0
        for position in range {
            let byte = source[position]
            if ByteClass.isDigit(byte) {
                digits += 1
            } else if byte != UInt8(ascii: ",") && byte != UInt8(ascii: "*") && !ByteClass.isSpace(byte) {
                return false
            }
        }
        return digits > 0
    }

    /// Named and numeric character references become their character.
    mutating func handleEntity(out: inout CleanText) -> Bool {
        guard let semicolon = find(UInt8(ascii: ";"), from: index + 1), semicolon - index <= 10 else { return false }
        let name = String(decoding: UnsafeBufferPointer(rebasing: source[index + 1..<semicolon]), as: UTF8.self)
        let replacement: String?
        switch name {
        case "amp": replacement = "&"
        case "lt": replacement = "<"
        case "gt": replacement = ">"
        case "quot": replacement = "\""
        case "apos", "#39": replacement = "'"
        case "nbsp": replacement = " "
        default:
            if name.hasPrefix("#x") || name.hasPrefix("#X"), let value = UInt32(name.dropFirst(2), radix: 16) {
                replacement = Unicode.Scalar(value).map { String(Character($0)) }
            } else if name.hasPrefix("#"), let value = UInt32(name.dropFirst()) {
                replacement = Unicode.Scalar(value).map { String(Character($0)) }
            } else {
                replacement = nil
            }
        }
        guard let replacement else { return false }
        skip(to: semicolon + 1, out: &out)
        if replacement == " " {
            out.appendSpace(sourceOffset: nil)
        } else {
            out.appendSynthetic(Array(replacement.utf8))
        }
        return true
    }

    // MARK: LaTeX

    /// Inline math `$...$` (pandoc's rule: no space inside either delimiter, closing `$` not followed by
    /// a digit, so that prices such as "$5 and $10" stay text) keeps its plain content.
    mutating func handleMath(out: inout CleanText) -> Bool {
        let delimiter = index + 1 < end && source[index + 1] == UInt8(ascii: "$") ? 2 : 1
        let contentStart = index + delimiter
        guard contentStart < end, !ByteClass.isSpace(source[contentStart]) else { return false }
        var cursor = contentStart
        var close: Int?
        while cursor < end {
            let byte = source[cursor]
            if byte == UInt8(ascii: "\\") {
                cursor += 2
                continue
            }
            if byte == UInt8(ascii: "$") {
                let closesHere =
                    delimiter == 1 ? true : (cursor + 1 < end && source[cursor + 1] == UInt8(ascii: "$"))
                let afterClose = cursor + delimiter
                if closesHere && !ByteClass.isSpace(source[cursor - 1])
                    && (afterClose >= end || !ByteClass.isDigit(source[afterClose]))
                {
                    close = cursor
                }
                break
            }
            cursor += 1
        }
        guard let close, close > contentStart else { return false }
        skip(to: contentStart, out: &out)
        appendMathContent(contentStart..<close, out: &out)
        index = close + delimiter
        runStart = index
        return true
    }

    /// Copies math content: commands (`\frac`) and braces go, digits-only superscripts are footnote marks,
    /// other super/subscript content is kept.
    mutating func appendMathContent(_ range: Range<Int>, out: inout CleanText) {
        var cursor = range.lowerBound
        while cursor < range.upperBound {
            let byte = source[cursor]
            if ByteClass.isSpace(byte) {
                out.appendSpace(sourceOffset: byte == 0x20 ? cursor : nil)
                cursor += 1
            } else if byte == UInt8(ascii: "^") || byte == UInt8(ascii: "_") {
                let script = scriptRange(after: cursor, limit: range.upperBound)
                let isMark =
                    byte == UInt8(ascii: "^") && !script.content.isEmpty
                    && script.content.allSatisfy { ByteClass.isDigit(source[$0]) }
                if !isMark { appendMathContent(script.content, out: &out) }
                cursor = script.end
            } else if byte == UInt8(ascii: "\\") {
                cursor += 1
                if cursor < range.upperBound && ByteClass.isASCIIPunctuation(source[cursor]) {
                    out.appendSourceByte(source[cursor], at: cursor)
                    cursor += 1
                } else {
                    while cursor < range.upperBound && ByteClass.isASCIILetter(source[cursor]) { cursor += 1 }
                }
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}") {
                cursor += 1
            } else {
                out.appendSourceByte(byte, at: cursor)
                cursor += 1
            }
        }
    }

    /// The content of a `^`/`_` script at `position`: `{...}`, a digit run, or one byte.
    func scriptRange(after position: Int, limit: Int) -> (content: Range<Int>, end: Int) {
        let start = position + 1
        guard start < limit else { return (start..<start, start) }
        if source[start] == UInt8(ascii: "{") {
            var cursor = start + 1
            while cursor < limit && source[cursor] != UInt8(ascii: "}") { cursor += 1 }
            return (start + 1..<cursor, min(cursor + 1, limit))
        }
        var cursor = start
        while cursor < limit && ByteClass.isDigit(source[cursor]) { cursor += 1 }
        if cursor == start { cursor = start + 1 }
        return (start..<cursor, cursor)
    }

    // MARK: Marks fused by Word exports

    /// `Action,4 and`: a letter, a comma, then a footnote number the document defines.
    mutating func handleCommaMark(out: inout CleanText) -> Bool {
        guard !cleaner.footnoteNumbers.isEmpty, index > lineStart, ByteClass.isLetterByte(source[index - 1]) else {
            return false
        }
        let digitsStart = index + 1
        var cursor = digitsStart
        while cursor < end && cursor - digitsStart < 3 && ByteClass.isDigit(source[cursor]) { cursor += 1 }
        let count = cursor - digitsStart
        guard (1...2).contains(count), cursor == end || !ByteClass.isWordByte(source[cursor]),
            cursor == end || source[cursor] != UInt8(ascii: "/"),
            let number = parseNumber(digitsStart..<cursor), cleaner.footnoteNumbers.contains(number)
        else { return false }
        index += 1
        skip(to: cursor, out: &out)
        return true
    }

    /// `8 September 20002`: a date whose five- or six-digit year ends with a footnote number.
    mutating func handleDigits(out: inout CleanText) -> Bool {
        var runEnd = index
        while runEnd < end && ByteClass.isDigit(source[runEnd]) { runEnd += 1 }
        defer { if index < runEnd { index = runEnd } }
        let count = runEnd - index
        guard !cleaner.footnoteNumbers.isEmpty, (5...6).contains(count),
            index > lineStart, ByteClass.isSpace(source[index - 1]), followsMonthName(index - 1),
            runEnd == end || !(ByteClass.isWordByte(source[runEnd]) || source[runEnd] == UInt8(ascii: "/")),
            let year = parseNumber(index..<index + 4), (1000...2199).contains(year),
            let number = parseNumber(index + 4..<runEnd), cleaner.footnoteNumbers.contains(number)
        else { return true }
        flushRun(to: index + 4, out: &out)
        index = runEnd
        runStart = runEnd
        return true
    }

    /// True when the word ending just before the whitespace at `position` is an English month name.
    func followsMonthName(_ position: Int) -> Bool {
        var wordEnd = position
        while wordEnd > lineStart && ByteClass.isSpace(source[wordEnd - 1]) { wordEnd -= 1 }
        var wordStart = wordEnd
        while wordStart > lineStart && ByteClass.isASCIILetter(source[wordStart - 1]) { wordStart -= 1 }
        guard wordEnd - wordStart >= 3 else { return false }
        let word = String(decoding: UnsafeBufferPointer(rebasing: source[wordStart..<wordEnd]), as: UTF8.self)
        return DateText.monthNumber(word) != nil
    }

    // MARK: Byte helpers

    func parseNumber(_ range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.count <= 9 else { return nil }
        var value = 0
        for position in range {
            guard ByteClass.isDigit(source[position]) else { return nil }
            value = value * 10 + Int(source[position] - UInt8(ascii: "0"))
        }
        return value
    }

    func find(_ byte: UInt8, from position: Int) -> Int? {
        var cursor = position
        while cursor < end {
            if source[cursor] == byte { return cursor }
            cursor += 1
        }
        return nil
    }

    func find(_ needle: [UInt8], from position: Int, caseInsensitive: Bool = false) -> Int? {
        var cursor = position
        while cursor + needle.count <= end {
            if hasPrefix(needle, at: cursor, caseInsensitive: caseInsensitive) { return cursor }
            cursor += 1
        }
        return nil
    }

    func hasPrefix(_ needle: [UInt8], at position: Int, caseInsensitive: Bool = false) -> Bool {
        guard position + needle.count <= end else { return false }
        for (offset, expected) in needle.enumerated() {
            var actual = source[position + offset]
            if caseInsensitive && ByteClass.isUpper(actual) { actual += 0x20 }
            if actual != expected { return false }
        }
        return true
    }
}
