/// A paragraph to index and store: label, kind, verb and cleaned text, with the map of its
/// text back to the source bytes (triples of text start, source start, length).
public struct IndexParagraph: Sendable, Equatable {
    /// Label as users cite it (`OP3`, `PP1`, `P2`).
    public var label: String
    /// Kind code (ConcordIngest's `ParagraphKind` raw value).
    public var kind: UInt8
    /// Opening verb phrase, or nil.
    public var verb: String?
    /// Cleaned text that is analyzed, stored and shown in snippets.
    public var text: String
    /// Runs of `text` copied from the source: (textStart, sourceStart, length), sorted by textStart.
    public var sourceMap: [SourceRun]

    /// Creates a paragraph.
    public init(label: String, kind: UInt8, verb: String?, text: String, sourceMap: [SourceRun]) {
        self.label = label
        self.kind = kind
        self.verb = verb
        self.text = text
        self.sourceMap = sourceMap
    }
}

/// A run of a paragraph's text copied from the source (see `IndexParagraph.sourceMap`).
public struct SourceRun: Sendable, Equatable {
    /// Start in the paragraph text (bytes).
    public var textStart: UInt32
    /// Start in the document source (bytes).
    public var sourceStart: UInt32
    /// Length in bytes.
    public var length: UInt32

    /// Creates a run.
    public init(textStart: UInt32, sourceStart: UInt32, length: UInt32) {
        self.textStart = textStart
        self.sourceStart = sourceStart
        self.length = length
    }
}

/// A metadata value: a keyword (matched whole, case-insensitively) or an integer (range filters).
public enum IndexFieldValue: Sendable, Equatable, Hashable {
    /// Keyword value.
    case keyword(String)
    /// Integer value.
    case number(Int64)
}

/// A document handed to the index writer. The writer analyzes the title and paragraphs itself.
public struct IndexDocument: Sendable {
    /// External id, unique in the index; adding the same id again replaces the document.
    public var id: String
    /// Title (indexed as the `title:` field and shown in hits).
    public var title: String
    /// Original source text (stored so snippets and `show` can map back to it).
    public var source: String
    /// Paragraphs in order; body positions run through them with a gap at each boundary.
    public var paragraphs: [IndexParagraph]
    /// Metadata fields by name, in a deterministic order.
    public var fields: [(name: String, value: IndexFieldValue)]

    /// Creates a document.
    public init(
        id: String, title: String, source: String, paragraphs: [IndexParagraph],
        fields: [(name: String, value: IndexFieldValue)]
    ) {
        self.id = id
        self.title = title
        self.source = source
        self.paragraphs = paragraphs
        self.fields = fields
    }
}

/// Limits of the format and analysis that users can run into (FORMAT.md §12).
public enum IndexLimits {
    /// Positions skipped between paragraphs, so phrases and NEAR never match across them.
    public static let paragraphGap = 64
    /// Largest NEAR distance or phrase slop accepted; must stay below `paragraphGap`.
    public static let maxProximity = 60
    /// Most documents in one segment (doc ids are u32, and one value is reserved as "no more docs").
    public static let maxDocumentsPerSegment = Int(Int32.max)
}
