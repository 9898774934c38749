/// One segment opened for reading: every component mapped and validated, plus its deletes.
/// Immutable and shareable between threads; cursors made from it are not.
public final class SegmentReader: @unchecked Sendable {
    /// The manifest entry this reader was opened from.
    public let entry: Manifest.Segment
    /// Documents in the segment (deleted ones included).
    public var documentCount: UInt32 { entry.documentCount }
    package let terms: TermDictionary
    private let termsFile: MappedFile
    private let postingsFile: MappedFile
    private let positionsFile: MappedFile
    private let normsFile: MappedFile
    private let storedFile: MappedFile
    private let numericFile: MappedFile
    private let numericDirectory: [String: Int]
    /// Deleted documents, or nil when none.
    @usableFromInline package let deletions: DeletionBits?
    private let bodyNormsOffset: Int
    private let titleNormsOffset: Int
    private let storedOffsetsStart: Int
    /// Names of the files this segment uses (for stats and check).
    public let fileNames: [String]

    /// Opens segment `entry` in `directory`; with `verifyChecksums` every file's CRC is checked.
    package init(directory: String, entry: Manifest.Segment, verifyChecksums: Bool) throws {
        self.entry = entry
        func open(_ component: SegmentComponent) throws -> MappedFile {
            try MappedFile(
                directory: directory, name: IndexFileNames.segmentFile(entry.id, component), component: component,
                segmentId: entry.id, verifyChecksum: verifyChecksums)
        }
        termsFile = try open(.terms)
        terms = try TermDictionary(file: termsFile)
        postingsFile = try open(.postings)
        positionsFile = try open(.positions)
        normsFile = try open(.norms)
        storedFile = try open(.stored)
        numericFile = try open(.numeric)
        var names = SegmentComponent.segmentFiles.map { IndexFileNames.segmentFile(entry.id, $0) }

        let count = Int(entry.documentCount)
        var norms = normsFile.reader()
        guard try norms.readUInt32() == entry.documentCount, normsFile.body.count == 4 + 2 * count + 16 else {
            throw IndexCorruption(file: normsFile.name, offset: nil, reason: "norms do not match the document count")
        }
        bodyNormsOffset = 4
        titleNormsOffset = 4 + count
        let body = storedFile.body
        guard body.count >= 12 else {
            throw IndexCorruption(file: storedFile.name, offset: nil, reason: "stored-documents trailer is missing")
        }
        let offsetsStart = Int(clamping: body.loadUnaligned(fromByteOffset: body.count - 12, as: UInt64.self))
        let storedCount = body.loadUnaligned(fromByteOffset: body.count - 4, as: UInt32.self)
        guard storedCount == entry.documentCount, offsetsStart <= body.count,
            offsetsStart + (count + 1) * 8 == body.count - 12
        else {
            throw IndexCorruption(file: storedFile.name, offset: nil, reason: "stored-documents table is inconsistent")
        }
        storedOffsetsStart = offsetsStart
        numericDirectory = try NumericColumns.decodeDirectory(numericFile, documentCount: count)
        if entry.deleteGeneration > 0 {
            let name = IndexFileNames.deletesFile(entry.id, generation: entry.deleteGeneration)
            let file = try MappedFile(
                directory: directory, name: name, component: .deletes, segmentId: entry.id, verifyChecksum: true)
            let bits = try DeletionBits.read(file, documentCount: count)
            guard bits.deletedCount == Int(entry.deletedCount) else {
                throw IndexCorruption(file: name, offset: nil, reason: "deleted count differs from the manifest")
            }
            deletions = bits
            names.append(name)
        } else {
            deletions = nil
        }
        fileNames = names
    }

    /// Whether `doc` is deleted. Inlinable: query loops ask it for every match.
    @inlinable
    public func isDeleted(_ doc: UInt32) -> Bool {
        deletions?.contains(doc) ?? false
    }

    /// Live documents.
    public var liveCount: Int { Int(entry.documentCount) - (deletions?.deletedCount ?? 0) }

    /// The dictionary entry of `key` (a `TermField` byte followed by the term bytes).
    public func termInfo(_ key: [UInt8]) throws -> TermInfo? {
        try key.withUnsafeBytes { try terms.lookup($0) }
    }

    /// The dictionary entries of `keys`, which must be in ascending byte order (a prefix
    /// expansion): one forward walk instead of a lookup per key.
    public func termInfos(sorted keys: [[UInt8]]) throws -> [TermInfo?] {
        try terms.lookupAll(sorted: keys)
    }

    /// A cursor over `info`'s postings.
    public func cursor(_ info: TermInfo) -> PostingsCursor {
        PostingsCursor(
            postings: postingsFile.bytes, positions: positionsFile.bytes, info: info,
            documentCount: entry.documentCount)
    }

    /// Quantized body length of `doc` (doc must be < documentCount).
    @inline(__always)
    public func bodyNorm(_ doc: UInt32) -> UInt8 {
        normsFile.body[bodyNormsOffset + Int(doc)]
    }

    /// Quantized title length of `doc`.
    @inline(__always)
    public func titleNorm(_ doc: UInt32) -> UInt8 {
        normsFile.body[titleNormsOffset + Int(doc)]
    }

    /// Pointer to the body norms (one byte per document).
    public var bodyNorms: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: normsFile.body[bodyNormsOffset..<(bodyNormsOffset + Int(documentCount))])
    }

    /// Pointer to the title norms.
    public var titleNorms: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: normsFile.body[titleNormsOffset..<(titleNormsOffset + Int(documentCount))])
    }

    /// The numeric value of `field` for `doc`, or nil.
    public func number(_ field: String, doc: UInt32) -> Int64? {
        guard let offset = numericDirectory[field] else { return nil }
        let value = numericFile.bytes.loadUnaligned(fromByteOffset: offset + Int(doc) * 8, as: Int64.self)
        return value == Int64.min ? nil : value
    }

    /// Names of the numeric fields.
    public var numericFields: [String] { numericDirectory.keys.sorted() }

    /// Raw bytes of `doc`'s stored record.
    package func storedRecord(_ doc: UInt32) throws -> ByteReader {
        let body = storedFile.body
        let start = Int(
            clamping: body.loadUnaligned(fromByteOffset: storedOffsetsStart + Int(doc) * 8, as: UInt64.self))
        let end = Int(
            clamping: body.loadUnaligned(fromByteOffset: storedOffsetsStart + Int(doc) * 8 + 8, as: UInt64.self))
        guard start <= end, end <= storedOffsetsStart else {
            throw IndexCorruption(
                file: storedFile.name, offset: storedOffsetsStart + Int(doc) * 8, reason: "bad record offsets")
        }
        return ByteReader(
            bytes: UnsafeRawBufferPointer(rebasing: body[start..<end]), file: storedFile.name,
            fileOffset: storedFile.bodyOffset + start)
    }

    /// Decodes `doc`'s stored document (with texts when `includeText`).
    public func document(_ doc: UInt32, includeText: Bool = true) throws -> StoredDocument {
        guard doc < documentCount else {
            throw IndexCorruption(file: storedFile.name, offset: nil, reason: "document \(doc) out of range")
        }
        var reader = try storedRecord(doc)
        return try StoredRecord.decode(&reader, includeText: includeText)
    }

    /// External id of `doc`, decoding nothing else of its record.
    public func externalId(_ doc: UInt32) throws -> String {
        guard doc < documentCount else {
            throw IndexCorruption(file: storedFile.name, offset: nil, reason: "document \(doc) out of range")
        }
        var reader = try storedRecord(doc)
        return try StoredRecord.decodeId(&reader)
    }

    /// Sizes of this segment's files (deletes excluded), by component.
    public var fileSizes: [(component: String, bytes: Int)] {
        [
            ("terms", termsFile.bytes.count), ("postings", postingsFile.bytes.count),
            ("positions", positionsFile.bytes.count), ("norms", normsFile.bytes.count),
            ("stored", storedFile.bytes.count), ("numeric", numericFile.bytes.count),
        ]
    }
}
