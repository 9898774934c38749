/// Parses a UN resolution into `HEAD`, `TITLE`, `PP1...`, `OP1...` (and `OP3(a)`), `END` and `FN1...`
/// paragraphs plus metadata fields.
///
/// The file is read line by line: page furniture lines are dropped, footnote definitions (wherever a
/// page bottom put them) become `FN` paragraphs, and the remaining body lines are grouped into
/// paragraphs. A paragraph broken by a page break is re-joined: a line starting with a lower-case letter
/// always continues the paragraph before it, and one starting with a digit (`24 April 2009`) continues
/// it when that paragraph did not end with `,` `;` `.` or `:`.
enum UNResolutionParser {
    /// What a source line turned out to be.
    enum LineRole {
        case blank
        case furniture
        case footnote(Int)
        case text
    }

    /// How many non-blank lines from the top may precede the title line.
    static let titleSearchLimit = 80

    /// Cheap check on raw lines: a "70/153. Title" line followed within a few lines by an enacting line
    /// such as "The General Assembly,".
    static func looksLikeResolution(_ bytes: UnsafeBufferPointer<UInt8>, lines: [Range<Int>]) -> Bool {
        var nonBlank = 0
        for (index, range) in lines.enumerated() {
            let start = skipDecoration(bytes, range)
            guard start < range.upperBound else { continue }
            nonBlank += 1
            if nonBlank > titleSearchLimit { return false }
            let text = Array(UnsafeBufferPointer(rebasing: bytes[start..<range.upperBound]))
            guard titleNumberLength(text) != nil else { continue }
            for next in lines[(index + 1)...].prefix(12) {
                let nextStart = skipDecoration(bytes, next)
                let nextText = Array(UnsafeBufferPointer(rebasing: bytes[nextStart..<next.upperBound]))
                if isEnactingLine(nextText.filter { $0 != UInt8(ascii: "*") && $0 != UInt8(ascii: "_") }) {
                    return true
                }
            }
        }
        return false
    }

    /// Parses a resolution, or returns nil when the cleaned lines lack a title or an enacting line.
    static func parse(
        id: String, source: String, bytes: UnsafeBufferPointer<UInt8>, lines: [Range<Int>]
    ) -> IngestDocument? {
        let closingRaw = lines.firstIndex { isClosingLine(rawLine(bytes, $0)) }
        let footnoteStarts = footnoteLines(bytes, lines: lines, closingLine: closingRaw)
        let cleaner = MarkupCleaner(
            source: bytes, markdown: true, footnoteNumbers: Set(footnoteStarts.values.map(\.number)))

        var roles: [LineRole] = []
        var texts: [CleanText] = []
        roles.reserveCapacity(lines.count)
        texts.reserveCapacity(lines.count)
        for (index, range) in lines.enumerated() {
            var text = CleanText()
            if let footnote = footnoteStarts[index] {
                cleaner.cleanLine(footnote.contentStart..<range.upperBound, into: &text)
                roles.append(.footnote(footnote.number))
            } else if SourceLines.isPageFurniture(bytes, range, inResolution: true) {
                roles.append(.furniture)
            } else {
                cleaner.cleanLine(range, into: &text)
                roles.append(text.isEmpty ? .blank : .text)
            }
            texts.append(text)
        }
        var lineSet = CleanLines(roles: roles, texts: texts)
        return lineSet.buildDocument(id: id, source: source)
    }

    /// The raw line with leading whitespace and Markdown decoration (`#`, `*`, `_`) skipped.
    static func rawLine(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [UInt8] {
        Array(UnsafeBufferPointer(rebasing: bytes[skipDecoration(bytes, range)..<range.upperBound]))
    }

    static func skipDecoration(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            guard
                ByteClass.isSpace(byte) || byte == UInt8(ascii: "#") || byte == UInt8(ascii: "*")
                    || byte == UInt8(ascii: "_")
            else { break }
            index += 1
        }
        return index
    }

    /// Length of the `70/153.` prefix of a title line (followed by a space), or nil.
    static func titleNumberLength(_ text: [UInt8]) -> Int? {
        var index = 0
        while index < text.count && index < 3 && ByteClass.isDigit(text[index]) { index += 1 }
        guard index > 0, index < text.count, text[index] == UInt8(ascii: "/") else { return nil }
        index += 1
        let numberStart = index
        while index < text.count && index - numberStart < 5 && ByteClass.isDigit(text[index]) { index += 1 }
        guard index > numberStart, index - numberStart <= 4, index + 1 < text.count,
            text[index] == UInt8(ascii: "."), ByteClass.isSpace(text[index + 1])
        else { return nil }
        return index + 1
    }

    /// "The General Assembly," (or another organ: "The Security Council,"): short, starts with "The ", ends with ",".
    static func isEnactingLine(_ text: [UInt8]) -> Bool {
        var end = text.count
        while end > 0 && ByteClass.isSpace(text[end - 1]) { end -= 1 }
        return end >= 8 && end <= 80 && text.starts(with: Array("The ".utf8)) && text[end - 1] == UInt8(ascii: ",")
    }

    /// "70th plenary meeting" (with st/nd/rd/th) at the start of the line.
    static func isClosingLine(_ text: [UInt8]) -> Bool {
        var index = 0
        while index < text.count && index < 4 && ByteClass.isDigit(text[index]) { index += 1 }
        guard index > 0 && index <= 3 else { return false }
        let suffix = Array(text[index...])
        return ["st", "nd", "rd", "th"].contains { suffix.starts(with: Array("\($0) plenary meeting".utf8)) }
    }
}

/// The cleaned lines of a resolution and the document built from them.
private struct CleanLines {
    let roles: [UNResolutionParser.LineRole]
    let texts: [CleanText]
    /// Footnote texts by number (the first definition of a number wins).
    var footnotes: [Int: CleanText] = [:]
    /// Number of the footnote a directly following line may continue.
    var openFootnote: Int?

    init(roles: [UNResolutionParser.LineRole], texts: [CleanText]) {
        self.roles = roles
        self.texts = texts
    }

    func isText(_ index: Int) -> Bool {
        if case .text = roles[index] { return true }
        return false
    }

    mutating func buildDocument(id: String, source: String) -> IngestDocument? {
        guard let titleIndex = roles.indices.first(where: { isText($0) && titleNumber($0) != nil }),
            let number = titleNumber(titleIndex),
            let enacting = roles.indices.first(where: {
                $0 > titleIndex && isText($0) && UNResolutionParser.isEnactingLine(texts[$0].bytes)
            })
        else { return nil }
        let closing = roles.indices.first {
            $0 > enacting && isText($0) && UNResolutionParser.isClosingLine(texts[$0].bytes)
        }
        let bodyEnd = closing ?? roles.count

        var head = CleanText()
        for index in 0..<titleIndex {
            if case .footnote(let number) = roles[index] {
                addFootnote(number, texts[index])
            } else if isText(index) {
                SourceLines.join(texts[index], to: &head)
            }
        }
        var title = texts[titleIndex]
        for index in titleIndex + 1..<enacting where isText(index) { SourceLines.join(texts[index], to: &title) }

        let body = groupBody(enacting + 1..<bodyEnd)
        var closingText = CleanText()
        if let closing { closingText = collectTail(from: closing) }

        var paragraphs: [IngestParagraph] = []
        if !head.isEmpty { paragraphs.append(head.paragraph(label: "HEAD", kind: .head)) }
        paragraphs.append(title.paragraph(label: "TITLE", kind: .title))
        paragraphs.append(contentsOf: labelBody(body))
        if !closingText.isEmpty { paragraphs.append(closingText.paragraph(label: "END", kind: .closing)) }
        for (footnoteNumber, text) in footnotes.sorted(by: { $0.key < $1.key }) {
            paragraphs.append(text.paragraph(label: "FN\(footnoteNumber)", kind: .footnote))
        }

        var titleText = title
        titleText.removePrefix(number.prefixLength)
        // Lines outside the body that are not paragraphs (a header a Word export moved to the end) may
        // still hold metadata such as the agenda item.
        let leftoverLines = roles.indices.filter { isText($0) && $0 > bodyEnd }.map { texts[$0].text }
        let fields = UNResolutionParser.fields(
            head: head.text, resolutionNumber: (number.session, number.number),
            closing: closingText.text, otherLines: leftoverLines)
        return IngestDocument(
            id: id, title: titleText.text, source: source, paragraphs: paragraphs, fields: fields)
    }

    /// `(session, number, prefixLength)` of a title line "70/153. ...".
    func titleNumber(_ index: Int) -> (session: Int, number: Int, prefixLength: Int)? {
        let bytes = texts[index].bytes
        guard let length = UNResolutionParser.titleNumberLength(bytes) else { return nil }
        let parts = String(decoding: bytes[..<(length - 1)], as: UTF8.self).split(separator: "/")
        guard parts.count == 2, let session = Int(parts[0]), let number = Int(parts[1]) else { return nil }
        return (session, number, length)
    }

    mutating func addFootnote(_ number: Int, _ text: CleanText) {
        if footnotes[number] == nil && !text.isEmpty { footnotes[number] = text }
        openFootnote = number
    }

    /// Continues the open footnote with a directly following line that does not look like body text.
    mutating func continueFootnote(with text: CleanText) -> Bool {
        guard let number = openFootnote, var footnote = footnotes[number], let first = text.firstByte,
            ByteClass.isLower(first) || !endsParagraph(footnote)
        else { return false }
        guard SourceLines.numberedStart(text.bytes) == nil else { return false }
        SourceLines.join(text, to: &footnote)
        footnotes[number] = footnote
        return true
    }

    /// Groups body lines into paragraphs, taking footnote definitions and furniture out of the flow.
    mutating func groupBody(_ range: Range<Int>) -> [CleanText] {
        var paragraphs: [CleanText] = []
        var separated = true
        for index in range {
            switch roles[index] {
            case .blank, .furniture:
                separated = true
                openFootnote = nil
            case .footnote(let number):
                addFootnote(number, texts[index])
                separated = true
            case .text:
                let line = texts[index]
                if openFootnote != nil, continueFootnote(with: line) { continue }
                openFootnote = nil
                if isRunningHeader(line) {
                    separated = true
                    continue
                }
                if let last = paragraphs.last, continues(last, with: line, separated: separated) {
                    SourceLines.join(line, to: &paragraphs[paragraphs.count - 1])
                } else {
                    paragraphs.append(line)
                }
                separated = false
            }
        }
        return paragraphs
    }

    /// The closing line, its date when on the following line(s), and any footnotes after it.
    mutating func collectTail(from closing: Int) -> CleanText {
        var closingText = texts[closing]
        var index = closing + 1
        while !containsYear(closingText.bytes) && index < roles.count {
            if case .blank = roles[index] {
                index += 1
                continue
            }
            guard isText(index), let first = texts[index].firstByte, ByteClass.isDigit(first),
                containsYear(texts[index].bytes)
            else { break }
            SourceLines.join(texts[index], to: &closingText)
            index += 1
        }
        openFootnote = nil
        while index < roles.count {
            switch roles[index] {
            case .footnote(let number):
                addFootnote(number, texts[index])
            case .text:
                // Text after the closing line is page furniture (a repeated header), unless it continues a footnote.
                if openFootnote == nil || !continueFootnote(with: texts[index]) { openFootnote = nil }
            case .blank, .furniture:
                openFootnote = nil
            }
            index += 1
        }
        return closingText
    }

    /// True when `next` continues `paragraph` rather than starting a new one (see the type's comment).
    func continues(_ paragraph: CleanText, with next: CleanText, separated: Bool) -> Bool {
        guard let first = next.firstByte else { return true }
        if SourceLines.numberedStart(next.bytes) != nil || subparagraphLetters(next.bytes) != nil { return false }
        if ByteClass.isLower(first) { return true }
        let open = !endsParagraph(paragraph)
        if ByteClass.isDigit(first) { return open }
        return !separated && open
    }

    /// True when the text ends with `,` `;` `.` or `:` (closing quotes and brackets ignored).
    func endsParagraph(_ text: CleanText) -> Bool {
        var bytes = text.bytes[...]
        while let last = bytes.last {
            if last == UInt8(ascii: "\"") || last == UInt8(ascii: "'") || last == UInt8(ascii: ")")
                || last == UInt8(ascii: "]")
            {
                bytes = bytes.dropLast()
            } else if bytes.count >= 3,
                bytes.suffix(3).elementsEqual([0xE2, 0x80, 0x9D])
                    || bytes.suffix(3).elementsEqual([0xE2, 0x80, 0x99])
            {
                bytes = bytes.dropLast(3)  // a closing curly quote
            } else {
                break
            }
        }
        guard let last = bytes.last else { return false }
        return last == UInt8(ascii: ",") || last == UInt8(ascii: ";") || last == UInt8(ascii: ".")
            || last == UInt8(ascii: ":")
    }

    /// A lone resolution symbol at a page top (`A/RES/76/159`).
    func isRunningHeader(_ line: CleanText) -> Bool {
        let text = line.bytes
        guard text.starts(with: Array("A/RES/".utf8)) else { return false }
        return text.dropFirst(6).allSatisfy { ByteClass.isDigit($0) || $0 == UInt8(ascii: "/") }
    }

    func containsYear(_ text: [UInt8]) -> Bool {
        var run = 0
        for byte in text {
            run = ByteClass.isDigit(byte) ? run + 1 : 0
            if run == 4 { return true }
        }
        return false
    }

    /// Letters of a sub-paragraph start `(a) ` (one to four lower-case letters), or nil.
    func subparagraphLetters(_ text: [UInt8]) -> String? {
        guard text.first == UInt8(ascii: "(") else { return nil }
        var index = 1
        while index < text.count && index <= 5 && ByteClass.isLower(text[index]) { index += 1 }
        guard index > 1, index <= 5, index + 1 < text.count, text[index] == UInt8(ascii: ")"), text[index + 1] == 0x20
        else { return nil }
        return String(decoding: text[1..<index], as: UTF8.self)
    }

    /// Labels grouped body paragraphs: `PP` before the first numbered one, `OP<number>` for numbered ones,
    /// `<parent>(a)` for lettered ones, and `P<n>` for unnumbered text after the operative part.
    func labelBody(_ body: [CleanText]) -> [IngestParagraph] {
        var result: [IngestParagraph] = []
        var preambleCount = 0
        var otherCount = 0
        var parent: String?
        var sawOperative = false
        for var paragraph in body {
            if let length = SourceLines.numberedStart(paragraph.bytes) {
                let number = String(decoding: paragraph.bytes[..<(length - 1)], as: UTF8.self)
                paragraph.removePrefix(length)
                let label = "OP\(Int(number) ?? 0)"
                result.append(
                    paragraph.paragraph(
                        label: label, kind: .operative, verb: VerbPhrase.operative(paragraph.text)))
                parent = label
                sawOperative = true
            } else if let letters = subparagraphLetters(paragraph.bytes), let parent {
                paragraph.removePrefix(letters.utf8.count + 2)
                result.append(paragraph.paragraph(label: "\(parent)(\(letters))", kind: .subparagraph))
            } else if !sawOperative {
                preambleCount += 1
                let label = "PP\(preambleCount)"
                result.append(
                    paragraph.paragraph(label: label, kind: .preamble, verb: VerbPhrase.preamble(paragraph.text)))
                parent = label
            } else {
                otherCount += 1
                result.append(paragraph.paragraph(label: "P\(otherCount)", kind: .body))
            }
        }
        return result
    }
}
