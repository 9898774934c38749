/// Settings of an indexing run.
public struct IndexingOptions: Sendable {
    /// Writer memory budget in MB.
    public var memoryMegabytes: Int
    /// Stop at the first bad input, before anything is committed.
    public var strict: Bool
    /// Format of standard input (`-`), or a forced format.
    public var format: InputFormat?
    /// Store source and paragraph texts (snippets, `show`, deep checks need them).
    public var storeText: Bool

    /// Defaults: 256 MB, lenient, formats from file names, texts stored.
    public init(memoryMegabytes: Int = 256, strict: Bool = false, format: InputFormat? = nil, storeText: Bool = true) {
        self.memoryMegabytes = memoryMegabytes
        self.strict = strict
        self.format = format
        self.storeText = storeText
    }
}

/// Progress of an indexing run, reported after each document.
public struct IndexingProgress: Sendable {
    /// Documents read so far.
    public var documents: Int
    /// Source bytes read so far.
    public var bytes: Int
}

/// What an indexing run did.
public struct IndexingSummary: Sendable {
    /// Documents indexed (new or replacing).
    public var indexed: Int
    /// Of those, documents that replaced one with the same id.
    public var replaced: Int
    /// Inputs skipped (bad input; see the issues).
    public var skipped: Int
    /// Source bytes read.
    public var bytes: Int
    /// Segments after the commit.
    public var segments: Int
    /// Problems reported (up to a cap).
    public var issues: [IngestIssue]
}

/// Reads documents from files, folders or stdin and commits them to an index.
public enum Indexer {
    /// Indexes `paths` into the index at `indexPath` (created if needed) and commits once at the end.
    public static func index(
        paths: [String], into indexPath: String, options: IndexingOptions = IndexingOptions(),
        progress: (IndexingProgress) -> Void = { _ in }, issue: (IngestIssue) -> Void = { _ in }
    ) throws -> IndexingSummary {
        let writer = try IndexWriter(
            directory: indexPath,
            options: IndexWriter.Options(memoryBudget: options.memoryMegabytes << 20, storeText: options.storeText))
        defer { writer.close() }
        var reader = DocumentReader(options: ReaderOptions(format: options.format, strict: options.strict))
        var count = 0
        var bytes = 0
        let summary = try reader.read(
            paths: paths,
            body: { document in
                try writer.add(indexDocument(from: document))
                count += 1
                bytes += document.source.utf8.count
                progress(IndexingProgress(documents: count, bytes: bytes))
            }, issue: issue)
        let commit = try writer.commit()
        return IndexingSummary(
            indexed: commit.added, replaced: commit.replaced, skipped: summary.skipped, bytes: bytes,
            segments: commit.segmentCount, issues: summary.issues)
    }

    /// The index's view of an ingested document. A title that is not already a paragraph
    /// (JSONL records) becomes a leading `TITLE` paragraph, so it is searched and ranked with
    /// the body as the other engines do (body = title + text).
    public static func indexDocument(from document: IngestDocument) -> IndexDocument {
        var paragraphs = document.paragraphs.map { paragraph in
            IndexParagraph(
                label: paragraph.label, kind: paragraph.kind.rawValue, verb: paragraph.verb, text: paragraph.text,
                sourceMap: paragraph.segments.map {
                    SourceRun(textStart: $0.textStart, sourceStart: $0.sourceStart, length: $0.length)
                })
        }
        if !document.title.isEmpty && !document.paragraphs.contains(where: { $0.kind == .title }) {
            paragraphs.insert(
                IndexParagraph(
                    label: "TITLE", kind: ParagraphKind.title.rawValue, verb: nil, text: document.title, sourceMap: []),
                at: 0)
        }
        let fields = document.fields.keys.sorted().map { name -> (name: String, value: IndexFieldValue) in
            switch document.fields[name]! {
            case .keyword(let text): return (name, .keyword(text))
            case .number(let number): return (name, .number(number))
            }
        }
        // Series and citation keys of UN documents (drafting tools, issue 10).
        let seriesFields = SeriesKeys.indexFields(for: document)
        return IndexDocument(
            id: document.id, title: document.title, source: document.source, paragraphs: paragraphs,
            fields: fields + seriesFields)
    }
}
