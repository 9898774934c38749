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

    /// Serializes `buffer` as segment `segmentId` into `directory`.
    package static func write(_ buffer: SegmentBuffer, segmentId: UInt64, directory: String) throws -> Summary {
        var termsOut = FileEnvelope.begin(.terms, segmentId: segmentId)
        var postingsOut = FileEnvelope.begin(.postings, segmentId: segmentId)
        var positionsOut = FileEnvelope.begin(.positions, segmentId: segmentId)
        let docCount = buffer.documentCount

        // Group the posting log by term with a stable counting sort (documents stay ascending).
        let termCount = buffer.interner.count
        var starts = [Int](repeating: 0, count: termCount + 1)
        for term in buffer.postingTerm { starts[Int(term) + 1] += 1 }
        for i in 0..<termCount { starts[i + 1] += starts[i] }
        var fill = starts
        var order = [UInt32](repeating: 0, count: buffer.postingTerm.count)
        for (index, term) in buffer.postingTerm.enumerated() {
            order[fill[Int(term)]] = UInt32(index)
            fill[Int(term)] += 1
        }

        var dictionary = TermDictionaryWriter()
        var encoder = PostingsEncoder()
        withPostingLog(buffer) { log in
            order.withUnsafeBufferPointer { order in
                for termId in buffer.interner.sortedIds() {
                    let range = starts[Int(termId)]..<starts[Int(termId) + 1]
                    if range.isEmpty { continue }
                    let field = buffer.interner.withKey(termId) { $0.first ?? 0 }
                    let info = encoder.encode(
                        postings: UnsafeBufferPointer(rebasing: order[range]), log: log,
                        withPositions: field == TermField.body.rawValue, isTitle: field == TermField.title.rawValue,
                        postingsOut: &postingsOut, positionsOut: &positionsOut)
                    buffer.interner.withKey(termId) { dictionary.add(key: $0, info: info) }
                }
            }
        }
        dictionary.finish(into: &termsOut)

        var normsOut = FileEnvelope.begin(.norms, segmentId: segmentId)
        normsOut.appendUInt32(UInt32(docCount))
        buffer.bodyNorms.withUnsafeBytes { normsOut.append(contentsOf: $0) }
        buffer.titleNorms.withUnsafeBytes { normsOut.append(contentsOf: $0) }
        normsOut.appendUInt64(buffer.totalBodyLength)
        normsOut.appendUInt64(buffer.totalTitleLength)

        var storedOut = FileEnvelope.begin(.stored, segmentId: segmentId)
        buffer.stored.withUnsafeBytes { storedOut.append(contentsOf: $0) }
        let offsetsStart = storedOut.count - FileEnvelope.headerSize
        for offset in buffer.storedOffsets { storedOut.appendUInt64(offset) }
        storedOut.appendUInt64(UInt64(offsetsStart))
        storedOut.appendUInt32(UInt32(docCount))

        var numericOut = FileEnvelope.begin(.numeric, segmentId: segmentId)
        NumericColumns.encode(buffer.numericColumns, documentCount: docCount, into: &numericOut)

        var sizes: [String: Int] = [:]
        let outputs: [(SegmentComponent, ByteWriter)] = [
            (.terms, termsOut), (.postings, postingsOut), (.positions, positionsOut), (.norms, normsOut),
            (.stored, storedOut), (.numeric, numericOut),
        ]
        for (component, var writer) in outputs {
            FileEnvelope.finish(&writer)
            let name = IndexFileNames.segmentFile(segmentId, component)
            try writer.withUnsafeBytes { try writeDurably(directory + "/" + name, $0) }
            sizes[name] = writer.count
        }
        var deleted: UInt32 = 0
        if !buffer.deletedInBuffer.isEmpty {
            var bits = DeletionBits(documentCount: docCount)
            for doc in buffer.deletedInBuffer { bits.insert(doc) }
            deleted = UInt32(bits.deletedCount)
            let name = IndexFileNames.deletesFile(segmentId, generation: 1)
            let size = try bits.write(directory: directory, name: name, segmentId: segmentId)
            sizes[name] = size
        }
        return Summary(
            documentCount: UInt32(docCount), deletedCount: deleted, totalBodyLength: buffer.totalBodyLength,
            totalTitleLength: buffer.totalTitleLength, fileSizes: sizes)
    }

    private static func withPostingLog(_ buffer: SegmentBuffer, _ body: (PostingLog) throws -> Void) rethrows {
        try buffer.postingDoc.withUnsafeBufferPointer { docs in
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
                                        docs: docs.baseAddress ?? placeholder32, freqs: freqs.baseAddress ?? placeholder32,
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
