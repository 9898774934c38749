/// What kind of paragraph a label names. The raw value is stored on disk (FORMAT.md), so never reorder.
public enum ParagraphKind: UInt8, Sendable, CaseIterable, Codable {
    /// Header block of a UN document (symbol, distribution, session, agenda item, report).
    case head = 0
    /// Document title line ("70/153. Enhancement of ...", or the first heading of a generic document).
    case title = 1
    /// Preambular paragraph (`PP1`...) of a resolution.
    case preamble = 2
    /// Numbered operative paragraph (`OP1`...) of a resolution.
    case operative = 3
    /// Lettered sub-paragraph of an operative paragraph (`OP3(a)`).
    case subparagraph = 4
    /// Footnote (`FN1`...).
    case footnote = 5
    /// Closing line ("70th plenary meeting, 17 December 2015"), label `END`.
    case closing = 6
    /// Paragraph of a generic (non-UN) document, label `P1`, `P2`...
    case body = 7

    /// Short name used by the query language (`para:op`) and JSON output.
    public var name: String {
        switch self {
        case .head: "head"
        case .title: "title"
        case .preamble: "pp"
        case .operative: "op"
        case .subparagraph: "sub"
        case .footnote: "fn"
        case .closing: "end"
        case .body: "body"
        }
    }
}

/// A run of bytes of a paragraph's cleaned text that was copied from the source:
/// cleaned bytes `textStart ..< textStart + length` equal source bytes
/// `sourceStart ..< sourceStart + length`. Bytes of the cleaned text not covered by any
/// segment were synthesised by cleanup (a joining space, a folded line break).
public struct OffsetSegment: Sendable, Equatable, Codable {
    /// Start of the run in the paragraph's cleaned UTF-8 text.
    public var textStart: UInt32
    /// Start of the run in the document's original UTF-8 source.
    public var sourceStart: UInt32
    /// Length of the run in bytes.
    public var length: UInt32

    /// Creates a segment; see the type's contract.
    public init(textStart: UInt32, sourceStart: UInt32, length: UInt32) {
        self.textStart = textStart
        self.sourceStart = sourceStart
        self.length = length
    }
}

/// One labelled paragraph of a document, cleaned of conversion noise.
public struct IngestParagraph: Sendable, Equatable {
    /// Label as users cite it: `HEAD`, `TITLE`, `PP3`, `OP3`, `OP3(a)`, `FN2`, `END`, or `P1`... for generic text.
    public var label: String
    /// Structural kind of the paragraph.
    public var kind: ParagraphKind
    /// Opening verb phrase as written ("Reaffirming", "Also reaffirms", "Calls upon"), or nil.
    public var verb: String?
    /// Cleaned text: no markup, no footnote marks fused to words, single spaces, no line-end hyphenation.
    public var text: String
    /// Map from `text` byte offsets back to source byte offsets, sorted by `textStart`, non-overlapping.
    public var segments: [OffsetSegment]

    /// Creates a paragraph; see the properties' contracts.
    public init(label: String, kind: ParagraphKind, verb: String? = nil, text: String, segments: [OffsetSegment]) {
        self.label = label
        self.kind = kind
        self.verb = verb
        self.text = text
        self.segments = segments
    }

    /// Maps a byte offset of `text` to the source offset, or nil where cleanup synthesised the byte.
    public func sourceOffset(ofTextOffset offset: Int) -> Int? {
        for segment in segments {
            let start = Int(segment.textStart)
            if offset >= start && offset < start + Int(segment.length) {
                return Int(segment.sourceStart) + (offset - start)
            }
        }
        return nil
    }
}

/// A metadata value of a document: keyword text or an integer (years, sessions, JSONL numbers).
public enum FieldValue: Sendable, Equatable, Hashable {
    /// Keyword; matched whole (case-insensitively) by `field:value`.
    case keyword(String)
    /// Integer; filtered by `field:N` and `field:a..b`.
    case number(Int64)
}

/// A document as ingest understood it, ready for analysis and indexing.
public struct IngestDocument: Sendable {
    /// External id: path relative to the indexed root, the JSONL `id`, or the stdin ordinal.
    public var id: String
    /// Title (resolution title, first heading or first line, JSONL `title`); may be empty.
    public var title: String
    /// The original source text, unchanged (offsets of segments point into its UTF-8 bytes).
    public var source: String
    /// Paragraphs in document order.
    public var paragraphs: [IngestParagraph]
    /// Metadata: `symbol`, `year`, `session`, `date`, `agenda`, `report`, and JSONL scalar fields.
    public var fields: [String: FieldValue]

    /// Creates a document; see the properties' contracts.
    public init(
        id: String, title: String, source: String, paragraphs: [IngestParagraph], fields: [String: FieldValue] = [:]
    ) {
        self.id = id
        self.title = title
        self.source = source
        self.paragraphs = paragraphs
        self.fields = fields
    }
}

/// A problem with one input, reported and skipped (or fatal under `--strict`).
public struct IngestIssue: Sendable, Equatable, CustomStringConvertible {
    /// File path as given by the user (or `-` for standard input).
    public var file: String
    /// 1-based line for line-oriented inputs (JSONL), nil for whole files.
    public var line: Int?
    /// What is wrong, in words a user understands ("not valid UTF-8", "record has no \"text\"").
    public var reason: String

    /// Creates an issue.
    public init(file: String, line: Int? = nil, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// `file:line: reason` (or `file: reason`).
    public var description: String {
        if let line { return "\(file):\(line): \(reason)" }
        return "\(file): \(reason)"
    }
}
