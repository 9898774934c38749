import ConcordText

#if canImport(Glibc)
    import Glibc
#endif

/// The single writer of an index directory. It holds the `LOCK` (flock) from `init` until
/// `close()` or deinit, buffers documents in memory up to a budget, flushes segments, and
/// publishes them atomically with `commit()`. Readers never block on it.
public final class IndexWriter {
    /// Writer settings.
    public struct Options: Sendable {
        /// In-memory buffer budget in bytes; a segment is flushed when it is exceeded.
        public var memoryBudget: Int
        /// Segments of similar size merged together by the tiered policy.
        public var mergeFactor: Int
        /// Whether commits run the tiered merge policy.
        public var automaticMerges: Bool
        /// Whether source and paragraph texts are stored (needed for snippets, `show`, deep checks).
        public var storeText: Bool

        /// Defaults: 256 MB, merge factor 10, automatic merges on, texts stored.
        public init(
            memoryBudget: Int = 256 << 20, mergeFactor: Int = 10, automaticMerges: Bool = true, storeText: Bool = true
        ) {
            self.memoryBudget = memoryBudget
            self.mergeFactor = mergeFactor
            self.automaticMerges = automaticMerges
            self.storeText = storeText
        }
    }

    /// What a commit did.
    public struct CommitSummary: Sendable {
        /// Generation of the new manifest.
        public var generation: UInt64
        /// Documents added since the previous commit.
        public var added: Int
        /// Documents that replaced an existing one with the same id.
        public var replaced: Int
        /// Documents deleted by id.
        public var deleted: Int
        /// Segments in the new commit.
        public var segmentCount: Int
    }

    /// The index directory.
    public let directory: String
    private let options: Options
    private var lockDescriptor: Int32
    private var manifest: Manifest
    private var readers: [UInt64: SegmentReader] = [:]
    private var pendingDeletes: [UInt64: DeletionBits] = [:]
    private var buffer: SegmentBuffer
    private var added = 0
    private var replaced = 0
    private var deleted = 0
    /// Tokens skipped because they were longer than the maximum term length.
    public private(set) var skippedLongTerms = 0

    /// Opens (creating if needed) the index at `directory` for writing. Fails at once with
    /// `IndexOpenError.locked` if another writer holds the lock.
    public init(directory: String, options: Options = Options()) throws {
        self.directory = directory
        self.options = options
        buffer = SegmentBuffer(storeText: options.storeText)
        try Syscalls.makeDirectories(directory)
        let lockPath = directory + "/" + IndexFileNames.lock
        let fd = try Syscalls.open(lockPath, flags: O_RDWR | O_CREAT)
        guard try Syscalls.tryLockExclusive(fd, path: lockPath) else {
            let owner = (try? Syscalls.readFile(lockPath)).flatMap { Int32(String(decoding: $0, as: UTF8.self)) }
            Syscalls.close(fd)
            throw IndexOpenError.locked(path: directory, pid: owner)
        }
        lockDescriptor = fd
        _ = ftruncate(fd, 0)
        let pid = Array(String(getpid()).utf8)
        try? pid.withUnsafeBytes { try Syscalls.writeAll(fd, $0, path: lockPath) }
        if Syscalls.exists(directory + "/" + IndexFileNames.manifest) {
            manifest = try Manifest.read(directory: directory)
        } else {
            manifest = .empty
        }
        for entry in manifest.segments {
            readers[entry.id] = try SegmentReader(directory: directory, entry: entry, verifyChecksums: false)
        }
        removeUnreferencedFiles()
    }

    deinit {
        close()
    }

    /// Releases the lock. Uncommitted documents are dropped.
    public func close() {
        if lockDescriptor >= 0 {
            Syscalls.unlock(lockDescriptor)
            Syscalls.close(lockDescriptor)
            lockDescriptor = -1
        }
    }

    /// Adds (or replaces, by id) a document. May flush a segment when over budget; nothing is
    /// visible to readers before `commit()`.
    public func add(_ document: IndexDocument) throws {
        if try deleteCommitted(id: document.id) { replaced += 1 }
        buffer.add(document)
        added += 1
        if buffer.memoryUsage > options.memoryBudget { try flush() }
    }

    /// Deletes the document with `id`; returns whether one existed.
    @discardableResult
    public func delete(id: String) throws -> Bool {
        let existed = try deleteCommitted(id: id) || buffer.removeBuffered(id: id)
        if existed { deleted += 1 }
        return existed
    }

    /// Documents buffered but not yet flushed.
    public var bufferedDocuments: Int { buffer.documentCount }

    /// Marks every live copy of `id` in flushed segments deleted.
    private func deleteCommitted(id: String) throws -> Bool {
        if manifest.segments.isEmpty { return false }
        let key = [TermField.id.rawValue] + Array(id.utf8)
        var found = false
        for entry in manifest.segments {
            guard let reader = readers[entry.id], let info = try reader.termInfo(key) else { continue }
            let cursor = reader.cursor(info)
            while cursor.doc != PostingsCursor.terminated {
                var bits =
                    pendingDeletes[entry.id] ?? reader.deletions
                    ?? DeletionBits(documentCount: Int(entry.documentCount))
                if !bits.contains(cursor.doc) {
                    bits.insert(cursor.doc)
                    found = true
                }
                pendingDeletes[entry.id] = bits
                cursor.advance()
            }
        }
        return found
    }

    /// Writes the buffered documents as a new segment (not yet committed).
    private func flush() throws {
        guard buffer.documentCount > 0 else { return }
        let id = manifest.nextSegmentId
        let summary = try SegmentSerializer.write(&buffer, segmentId: id, directory: directory)
        skippedLongTerms += buffer.skippedLongTerms
        let entry = Manifest.Segment(
            id: id, documentCount: summary.documentCount, deleteGeneration: summary.deletedCount > 0 ? 1 : 0,
            deletedCount: summary.deletedCount, totalBodyLength: summary.totalBodyLength,
            totalTitleLength: summary.totalTitleLength)
        manifest.nextSegmentId += 1
        manifest.segments.append(entry)
        readers[id] = try SegmentReader(directory: directory, entry: entry, verifyChecksums: false)
        buffer = SegmentBuffer(storeText: options.storeText)
    }

    /// Publishes everything added and deleted so far: flush, deletes, tiered merges, then the
    /// manifest (temporary file, fsync, rename, directory fsync). Old files are removed after.
    @discardableResult
    public func commit() throws -> CommitSummary {
        try flush()
        try writePendingDeletes()
        // A segment whose documents are all deleted holds nothing: drop it from the commit.
        let emptied = manifest.segments.filter { $0.deletedCount == $0.documentCount }.map(\.id)
        manifest.segments.removeAll { emptied.contains($0.id) }
        for id in emptied { readers[id] = nil }
        if options.automaticMerges { try mergeTiers() }
        manifest.generation += 1
        try manifest.commit(directory: directory)
        removeUnreferencedFiles()
        let summary = CommitSummary(
            generation: manifest.generation, added: added, replaced: replaced, deleted: deleted,
            segmentCount: manifest.segments.count)
        added = 0
        replaced = 0
        deleted = 0
        return summary
    }

    private func writePendingDeletes() throws {
        for (segmentId, bits) in pendingDeletes {
            guard let index = manifest.segments.firstIndex(where: { $0.id == segmentId }) else { continue }
            var entry = manifest.segments[index]
            let generation = entry.deleteGeneration + 1
            let name = IndexFileNames.deletesFile(segmentId, generation: generation)
            _ = try bits.write(directory: directory, name: name, segmentId: segmentId)
            entry.deleteGeneration = generation
            entry.deletedCount = UInt32(bits.deletedCount)
            manifest.segments[index] = entry
            readers[segmentId] = try SegmentReader(directory: directory, entry: entry, verifyChecksums: false)
        }
        pendingDeletes = [:]
    }

    /// Merges all segments into one (dropping deleted documents) and commits.
    @discardableResult
    /// `progress(done, total)` reports dictionary keys merged.
    public func mergeAll(progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> CommitSummary {
        try flush()
        try writePendingDeletes()
        if manifest.segments.count > 1 || manifest.segments.contains(where: { $0.deletedCount > 0 }) {
            try merge(manifest.segments.map(\.id), progress: progress)
        }
        manifest.generation += 1
        try manifest.commit(directory: directory)
        removeUnreferencedFiles()
        return CommitSummary(
            generation: manifest.generation, added: 0, replaced: 0, deleted: 0, segmentCount: manifest.segments.count)
    }

    /// Tiered policy: segments are grouped by the order of magnitude of their document count;
    /// a tier holding `mergeFactor` or more segments is merged into one.
    private func mergeTiers() throws {
        while true {
            var tiers: [Int: [UInt64]] = [:]
            for entry in manifest.segments {
                let live = max(1, Int(entry.documentCount - entry.deletedCount))
                var tier = 0
                var size = live
                while size >= options.mergeFactor {
                    size /= options.mergeFactor
                    tier += 1
                }
                tiers[tier, default: []].append(entry.id)
            }
            guard
                let (_, ids) = tiers.sorted(by: { $0.key < $1.key }).first(where: {
                    $0.value.count >= options.mergeFactor
                })
            else { return }
            try merge(Array(ids.prefix(options.mergeFactor)))
        }
    }

    /// Replaces the segments `ids` with one new segment holding their live documents, placed
    /// where the first of them was.
    private func merge(_ ids: [UInt64], progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws {
        let sources = ids.compactMap { readers[$0] }
        let newId = manifest.nextSegmentId
        manifest.nextSegmentId += 1
        let summary = try SegmentMerger.merge(sources, segmentId: newId, directory: directory, progress: progress)
        var position = manifest.segments.firstIndex { ids.contains($0.id) } ?? manifest.segments.count
        manifest.segments.removeAll { ids.contains($0.id) }
        position = min(position, manifest.segments.count)
        for id in ids { readers[id] = nil }
        guard let summary else { return }
        let entry = Manifest.Segment(
            id: newId, documentCount: summary.documentCount, deleteGeneration: 0, deletedCount: 0,
            totalBodyLength: summary.totalBodyLength, totalTitleLength: summary.totalTitleLength)
        manifest.segments.insert(entry, at: position)
        readers[newId] = try SegmentReader(directory: directory, entry: entry, verifyChecksums: false)
    }

    /// Deletes files the current manifest does not reference (merged segments, old delete
    /// generations, leftovers of a crashed writer). Mapped files stay readable after unlink.
    private func removeUnreferencedFiles() {
        var keep: Set<String> = [IndexFileNames.manifest, IndexFileNames.lock]
        for entry in manifest.segments {
            for component in SegmentComponent.segmentFiles {
                keep.insert(IndexFileNames.segmentFile(entry.id, component))
            }
            if entry.deleteGeneration > 0 {
                keep.insert(IndexFileNames.deletesFile(entry.id, generation: entry.deleteGeneration))
            }
        }
        // Segments flushed in this session but not yet committed must survive too.
        guard let names = try? Syscalls.listDirectory(directory) else { return }
        for name in names
        where !keep.contains(name) && (name.hasPrefix("seg_") || name == IndexFileNames.manifestTemporary) {
            Syscalls.unlink(directory + "/" + name)
        }
    }
}
