@_exported import ConcordIndex
@_exported import ConcordIngest
@_exported import ConcordQuery
@_exported import ConcordText

/// An index opened for searching: the facade most users need. It reads one committed
/// snapshot; `reload()` moves to the newest commit.
public final class SearchIndex {
    /// The index directory.
    public let path: String
    /// The snapshot being searched.
    public private(set) var snapshot: IndexSnapshot
    private var searcher: Searcher

    /// Opens the index at `path` (checksums of every file verified). Throws
    /// `IndexOpenError.missing` when there is none, `IndexCorruption` when a file is damaged.
    public init(path: String, verifyChecksums: Bool = true) throws {
        self.path = path
        snapshot = try IndexSnapshot(directory: path, verifyChecksums: verifyChecksums)
        searcher = Searcher(snapshot: snapshot)
    }

    /// Re-opens the newest commit.
    public func reload() throws {
        snapshot = try IndexSnapshot(directory: path)
        searcher = Searcher(snapshot: snapshot)
    }

    /// Runs one query.
    public func search(_ query: String, options: SearchOptions = SearchOptions()) throws -> SearchResult {
        try searcher.search(query, options: options)
    }

    /// Plans a query without running it (for tools that time execution alone).
    public func plan(_ query: String, options: SearchOptions = SearchOptions()) throws -> QueryPlan {
        try searcher.plan(query, options: options).0
    }

    /// The best documents of a plan (the timed core of benchmarks).
    public func topDocs(_ plan: QueryPlan, count: Int, options: SearchOptions = SearchOptions()) throws -> TopDocs {
        try searcher.topDocs(plan, count: count, options: options)
    }

    /// External id of a (segment, doc) pair.
    public func externalId(segment: Int, doc: UInt32) throws -> String {
        try snapshot.segments[segment].externalId(doc)
    }

    /// Finds a live document by id, or (for UN documents) by symbol such as `A/RES/70/153`.
    public func document(_ reference: String) throws -> StoredDocument? {
        if let (segment, doc) = try snapshot.locate(id: reference) {
            return try snapshot.segments[segment].document(doc)
        }
        let key = [TermField.keyword.rawValue] + Array("symbol".utf8) + [0] + Array(reference.lowercased().utf8)
        for segment in snapshot.segments.reversed() {
            guard let info = try segment.termInfo(key) else { continue }
            let cursor = segment.cursor(info)
            while cursor.doc != PostingsCursor.terminated {
                if !segment.isDeleted(cursor.doc) { return try segment.document(cursor.doc) }
                cursor.advance()
            }
        }
        return nil
    }

    /// Live documents.
    public var documentCount: Int { snapshot.liveDocumentCount }
}
