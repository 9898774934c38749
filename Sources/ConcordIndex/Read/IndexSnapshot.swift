/// A point-in-time view of an index: the manifest read at open time and its segments,
/// mapped. A writer committing later never changes what this snapshot answers.
public final class IndexSnapshot: @unchecked Sendable {
    /// The index directory.
    public let directory: String
    /// The commit this snapshot reads.
    public let manifest: Manifest
    /// Segments in document order.
    public let segments: [SegmentReader]
    /// First global document number of each segment (for tie order and merging of results).
    public let segmentBases: [UInt64]

    /// Opens the current commit of `directory`. A missing index gives `IndexOpenError.missing`.
    /// If a concurrent writer removed a file between reading the manifest and mapping it,
    /// opening retries with the newer manifest.
    public init(directory: String, verifyChecksums: Bool = true) throws {
        self.directory = directory
        guard Syscalls.exists(directory + "/" + IndexFileNames.manifest) else {
            throw IndexOpenError.missing(directory)
        }
        var attempt = 0
        while true {
            let manifest = try Manifest.read(directory: directory)
            do {
                let segments = try manifest.segments.map {
                    try SegmentReader(directory: directory, entry: $0, verifyChecksums: verifyChecksums)
                }
                self.manifest = manifest
                self.segments = segments
                var bases: [UInt64] = []
                var next: UInt64 = 0
                for segment in segments {
                    bases.append(next)
                    next += UInt64(segment.documentCount)
                }
                segmentBases = bases
                return
            } catch let error as StorageError where error.code == 2 && attempt < 5 {
                // ENOENT: a merge committed and deleted files after we read the manifest.
                attempt += 1
            }
        }
    }

    /// Documents counted for BM25 statistics: all documents of live segments (deleted ones
    /// included until merged away, as Lucene does).
    public var statisticsDocumentCount: UInt64 {
        manifest.segments.reduce(0) { $0 + UInt64($1.documentCount) }
    }

    /// Live (not deleted) documents.
    public var liveDocumentCount: Int {
        segments.reduce(0) { $0 + $1.liveCount }
    }

    /// Average body length over `statisticsDocumentCount` documents.
    public var averageBodyLength: Double {
        let n = statisticsDocumentCount
        if n == 0 { return 0 }
        return Double(manifest.segments.reduce(0) { $0 + $1.totalBodyLength }) / Double(n)
    }

    /// Average title length.
    public var averageTitleLength: Double {
        let n = statisticsDocumentCount
        if n == 0 { return 0 }
        return Double(manifest.segments.reduce(0) { $0 + $1.totalTitleLength }) / Double(n)
    }

    /// Total document frequency of a key over all segments.
    public func documentFrequency(_ key: [UInt8]) throws -> UInt64 {
        var total: UInt64 = 0
        for segment in segments {
            if let info = try segment.termInfo(key) { total += UInt64(info.docFreq) }
        }
        return total
    }

    /// Finds a live document by external id: (segment index, local doc).
    public func locate(id: String) throws -> (segment: Int, doc: UInt32)? {
        let key = [TermField.id.rawValue] + Array(id.utf8)
        for (index, segment) in segments.enumerated().reversed() {
            guard let info = try segment.termInfo(key) else { continue }
            let cursor = segment.cursor(info)
            while cursor.doc != PostingsCursor.terminated {
                if !segment.isDeleted(cursor.doc) { return (index, cursor.doc) }
                cursor.advance()
            }
        }
        return nil
    }
}

/// Why an index could not be opened (besides corruption and I/O errors).
public enum IndexOpenError: Error, CustomStringConvertible, Equatable {
    /// No index at the path.
    case missing(String)
    /// Another process holds the writer lock.
    case locked(path: String, pid: Int32?)

    /// One line: what, where, what to do.
    public var description: String {
        switch self {
        case .missing(let path):
            return "no index at \(path): build one with `concord index PATH --index \(path)`"
        case .locked(let path, let pid):
            let owner = pid.map { "pid \($0)" } ?? "another process"
            return "index is locked by \(owner) (\(path)/LOCK): wait for that writer to finish"
        }
    }
}
