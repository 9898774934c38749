/// The commit point of an index (FORMAT.md §9): which segments are live, with their delete
/// generations and statistics. Replaced atomically by rename on every commit.
public struct Manifest: Sendable, Equatable {
    /// One live segment.
    public struct Segment: Sendable, Equatable {
        /// Segment id (names its files).
        public var id: UInt64
        /// Documents in the segment, deleted ones included.
        public var documentCount: UInt32
        /// Delete generation in force (0 = no deletes file).
        public var deleteGeneration: UInt32
        /// Documents deleted at that generation.
        public var deletedCount: UInt32
        /// Sum of body lengths of all its documents.
        public var totalBodyLength: UInt64
        /// Sum of title lengths.
        public var totalTitleLength: UInt64
    }

    /// Commit generation, increasing by one per commit.
    public var generation: UInt64
    /// Next unused segment id.
    public var nextSegmentId: UInt64
    /// Live segments, in document order.
    public var segments: [Segment]

    /// An empty index.
    public static let empty = Manifest(generation: 0, nextSegmentId: 1, segments: [])

    /// Encodes the whole manifest file (with header and footer).
    package func encoded() -> ByteWriter {
        var out = FileEnvelope.begin(.manifest, segmentId: generation)
        out.appendUInt64(generation)
        out.appendUInt64(nextSegmentId)
        out.appendUInt32(UInt32(segments.count))
        for segment in segments {
            out.appendUInt64(segment.id)
            out.appendUInt32(segment.documentCount)
            out.appendUInt32(segment.deleteGeneration)
            out.appendUInt32(segment.deletedCount)
            out.appendUInt64(segment.totalBodyLength)
            out.appendUInt64(segment.totalTitleLength)
        }
        FileEnvelope.finish(&out)
        return out
    }

    /// Reads and fully verifies `directory/MANIFEST`.
    package static func read(directory: String) throws -> Manifest {
        let file = try MappedFile(
            directory: directory, name: IndexFileNames.manifest, component: .manifest, segmentId: nil,
            verifyChecksum: true)
        var reader = file.reader()
        let generation = try reader.readUInt64()
        let nextSegmentId = try reader.readUInt64()
        let count = Int(try reader.readUInt32())
        guard count * 36 == reader.remainingCount else {
            throw IndexCorruption(file: file.name, offset: nil, reason: "segment count \(count) does not fit the file")
        }
        var segments: [Segment] = []
        for _ in 0..<count {
            let segment = Segment(
                id: try reader.readUInt64(), documentCount: try reader.readUInt32(),
                deleteGeneration: try reader.readUInt32(), deletedCount: try reader.readUInt32(),
                totalBodyLength: try reader.readUInt64(), totalTitleLength: try reader.readUInt64())
            guard segment.id < nextSegmentId, segment.deletedCount <= segment.documentCount else {
                throw IndexCorruption(
                    file: file.name, offset: nil, reason: "segment entry \(segment.id) is inconsistent")
            }
            segments.append(segment)
        }
        return Manifest(generation: generation, nextSegmentId: nextSegmentId, segments: segments)
    }

    /// Writes the manifest durably: temporary file, fsync, rename over `MANIFEST`, fsync the directory.
    package func commit(directory: String) throws {
        let temporary = directory + "/" + IndexFileNames.manifestTemporary
        let out = encoded()
        try out.withUnsafeBytes { try SegmentSerializer.writeDurably(temporary, $0) }
        try Syscalls.rename(temporary, directory + "/" + IndexFileNames.manifest)
        try Syscalls.syncDirectory(directory)
    }
}
