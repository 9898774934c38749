/// Writes a `SegmentBuffer` as the files of one segment (FORMAT.md §4–§8) and returns what
/// the manifest records about it. Files are written and fsynced; the caller publishes them
/// by committing a manifest.
package enum SegmentSerializer {
    /// What a new segment adds to the manifest.
    package struct Summary: Sendable {
        /// Documents in the segment (including ones deleted in the buffer).
        package var documentCount: UInt32
        /// Documents deleted before the flush (replaced in the same buffer).
        package var deletedCount: UInt32
        /// Sum of body lengths.
        package var totalBodyLength: UInt64
        /// Sum of title lengths.
        package var totalTitleLength: UInt64
        /// Bytes written per file name.
        package var fileSizes: [String: Int]
    }

    /// Serializes `buffer` as segment `segmentId` into `directory`. The buffer is grouped in
    /// place (`groupByTerm()`), so it is taken `inout` and cannot be flushed twice.
    package static func write(_ buffer: inout SegmentBuffer, segmentId: UInt64, directory: String) throws -> Summary {
        let docCount = buffer.documentCount
        var output = SegmentOutput(directory: directory, segmentId: segmentId)
        try output.open()

        let (order, starts) = buffer.groupByTerm()
        try withPostingLog(buffer) { log in
            try order.withUnsafeBufferPointer { order in
                for termId in buffer.interner.sortedIds() {
                    let range = starts[Int(termId)]..<starts[Int(termId) + 1]
                    if range.isEmpty { continue }
                    try buffer.interner.withKey(termId) { key in
                        try output.addTerm(key: key, postings: UnsafeBufferPointer(rebasing: order[range]), log: log)
                    }
                }
            }
        }
        let storedFile = output.stored
        try buffer.stored.withUnsafeBytes { try storedFile.append(bytes: $0) }
        return try output.finish(
            storedOffsets: buffer.storedOffsets, bodyNorms: buffer.bodyNorms, titleNorms: buffer.titleNorms,
            totalBodyLength: buffer.totalBodyLength, totalTitleLength: buffer.totalTitleLength,
            numericColumns: buffer.numericColumns, deleted: buffer.deletedInBuffer, documentCount: docCount)
    }

    private static func withPostingLog(_ buffer: borrowing SegmentBuffer, _ body: (PostingLog) throws -> Void) rethrows
    {
        precondition(buffer.isGrouped, "postingTerm holds doc ids only once grouped")
        try buffer.postingTerm.withUnsafeBufferPointer { docs in
            try buffer.postingFreq.withUnsafeBufferPointer { freqs in
                try buffer.postingPositionStart.withUnsafeBufferPointer { starts in
                    try buffer.positions.withUnsafeBufferPointer { positions in
                        try buffer.bodyNorms.withUnsafeBufferPointer { bodyNorms in
                            try buffer.titleNorms.withUnsafeBufferPointer { titleNorms in
                                // Empty arrays may have no base address; a dangling one is never read.
                                let placeholder32 = UnsafePointer<UInt32>(bitPattern: 4)!
                                let placeholder8 = UnsafePointer<UInt8>(bitPattern: 1)!
                                try body(
                                    PostingLog(
                                        docs: docs.baseAddress ?? placeholder32,
                                        freqs: freqs.baseAddress ?? placeholder32,
                                        positionStarts: starts.baseAddress ?? placeholder32,
                                        positions: positions.baseAddress ?? placeholder32,
                                        bodyNorms: bodyNorms.baseAddress ?? placeholder8,
                                        titleNorms: titleNorms.baseAddress ?? placeholder8))
                            }
                        }
                    }
                }
            }
        }
    }

    /// Creates (or truncates) `path`, writes `bytes`, fsyncs.
    package static func writeDurably(_ path: String, _ bytes: UnsafeRawBufferPointer) throws {
        let fd = try Syscalls.open(path, flags: O_WRONLY_CREAT_TRUNC)
        defer { Syscalls.close(fd) }
        try Syscalls.writeAll(fd, bytes, path: path)
        try Syscalls.fsync(fd, path: path)
    }
}

#if canImport(Glibc)
    import Glibc
    private let O_WRONLY_CREAT_TRUNC = O_WRONLY | O_CREAT | O_TRUNC
#endif

/// The files of a segment being written, shared by flushes and merges: postings and
/// positions and dictionary blocks stream to disk term by term; the dictionary's sparse index,
/// norms and numbers are small and written at the end.
package struct SegmentOutput {
    let directory: String
    let segmentId: UInt64
    private var postingsFile: ComponentFileWriter?
    private var positionsFile: ComponentFileWriter?
    private var storedFile: ComponentFileWriter?
    private var termsFile: ComponentFileWriter?
    private var postingsOut = ByteWriter()
    private var positionsOut = ByteWriter()
    private var dictionary = TermDictionaryWriter()
    private var encoder = PostingsEncoder()

    /// A segment `segmentId` in `directory`; call `open()` before use.
    package init(directory: String, segmentId: UInt64) {
        self.directory = directory
        self.segmentId = segmentId
    }

    /// The stored-documents file (records are appended by the caller, in document order).
    package var stored: ComponentFileWriter { storedFile! }

    /// Creates the streamed files.
    package mutating func open() throws {
        func file(_ component: SegmentComponent) throws -> ComponentFileWriter {
            try ComponentFileWriter(
                directory: directory, name: IndexFileNames.segmentFile(segmentId, component), component: component,
                segmentId: segmentId)
        }
        postingsFile = try file(.postings)
        positionsFile = try file(.positions)
        storedFile = try file(.stored)
        termsFile = try file(.terms)
    }

    /// Encodes one term (keys in increasing order) and adds it to the dictionary.
    package mutating func addTerm(key: UnsafeRawBufferPointer, postings: UnsafeBufferPointer<UInt32>, log: PostingLog)
        throws
    {
        let field = key.first ?? 0
        let info = encoder.encode(
            postings: postings, log: log, withPositions: field == TermField.body.rawValue,
            isTitle: field == TermField.title.rawValue, postingsOut: &postingsOut, positionsOut: &positionsOut,
            postingsFlushed: postingsFile!.count, positionsFlushed: positionsFile!.count)
        dictionary.add(key: key, info: info)
        try dictionary.drainIfLarge(into: termsFile!)
        if postingsOut.count >= 1 << 20 { try postingsFile!.append(&postingsOut) }
        if positionsOut.count >= 1 << 20 { try positionsFile!.append(&positionsOut) }
    }

    /// Writes the remaining files and returns the segment's summary.
    package mutating func finish(
        storedOffsets: [UInt64], bodyNorms: [UInt8], titleNorms: [UInt8], totalBodyLength: UInt64,
        totalTitleLength: UInt64, numericColumns: [String: [Int64]], deleted: Set<UInt32>, documentCount: Int
    ) throws -> SegmentSerializer.Summary {
        var sizes: [String: Int] = [:]
        try postingsFile!.append(&postingsOut)
        try positionsFile!.append(&positionsOut)
        sizes[IndexFileNames.segmentFile(segmentId, .postings)] = try postingsFile!.finish()
        sizes[IndexFileNames.segmentFile(segmentId, .positions)] = try positionsFile!.finish()

        var trailer = ByteWriter()
        let offsetsStart = storedFile!.count - FileEnvelope.headerSize
        for offset in storedOffsets { trailer.appendUInt64(offset) }
        trailer.appendUInt64(UInt64(offsetsStart))
        trailer.appendUInt32(UInt32(documentCount))
        try storedFile!.append(&trailer)
        sizes[IndexFileNames.segmentFile(segmentId, .stored)] = try storedFile!.finish()

        try dictionary.finish(into: termsFile!)
        sizes[IndexFileNames.segmentFile(segmentId, .terms)] = try termsFile!.finish()
        var normsOut = FileEnvelope.begin(.norms, segmentId: segmentId)
        normsOut.appendUInt32(UInt32(documentCount))
        bodyNorms.withUnsafeBytes { normsOut.append(contentsOf: $0) }
        titleNorms.withUnsafeBytes { normsOut.append(contentsOf: $0) }
        normsOut.appendUInt64(totalBodyLength)
        normsOut.appendUInt64(totalTitleLength)
        var numericOut = FileEnvelope.begin(.numeric, segmentId: segmentId)
        NumericColumns.encode(numericColumns, documentCount: documentCount, into: &numericOut)
        for (component, var writer) in [(SegmentComponent.norms, normsOut), (.numeric, numericOut)] {
            FileEnvelope.finish(&writer)
            let name = IndexFileNames.segmentFile(segmentId, component)
            try writer.withUnsafeBytes { try SegmentSerializer.writeDurably(directory + "/" + name, $0) }
            sizes[name] = writer.count
        }
        var deletedCount: UInt32 = 0
        if !deleted.isEmpty {
            var bits = DeletionBits(documentCount: documentCount)
            for doc in deleted { bits.insert(doc) }
            deletedCount = UInt32(bits.deletedCount)
            let name = IndexFileNames.deletesFile(segmentId, generation: 1)
            sizes[name] = try bits.write(directory: directory, name: name, segmentId: segmentId)
        }
        return SegmentSerializer.Summary(
            documentCount: UInt32(documentCount), deletedCount: deletedCount, totalBodyLength: totalBodyLength,
            totalTitleLength: totalTitleLength, fileSizes: sizes)
    }
}
