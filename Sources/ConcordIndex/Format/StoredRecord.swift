/// One stored document as read back from a segment (FORMAT.md §7).
public struct StoredDocument: Sendable {
    /// External id.
    public var id: String
    /// Title.
    public var title: String
    /// Original source text (empty when decoded without text).
    public var source: String
    /// Metadata fields in stored order.
    public var fields: [(name: String, value: IndexFieldValue)]
    /// Paragraphs in order.
    public var paragraphs: [StoredParagraph]
    /// Whether source and paragraph texts were stored (indexes built without text have ids only).
    public var hasText: Bool

    /// The value of a field by name.
    public func field(_ name: String) -> IndexFieldValue? {
        fields.first { $0.name == name }?.value
    }
}

/// A stored paragraph: what `show` prints and what hits and snippets cite.
public struct StoredParagraph: Sendable {
    /// Label (`OP3`).
    public var label: String
    /// Kind code (ConcordIngest's `ParagraphKind`).
    public var kind: UInt8
    /// Opening verb phrase, if any.
    public var verb: String?
    /// Cleaned text (empty when decoded without text).
    public var text: String
    /// First body position of the paragraph.
    public var firstPosition: UInt32
    /// One past the last body position.
    public var endPosition: UInt32
    /// Runs of `text` copied from the source.
    public var sourceMap: [SourceRun]
}

/// Encoding and decoding of stored records.
package enum StoredRecord {
    /// Appends the record of `document`; `paragraphRanges` are the body positions of each paragraph.
    /// Without `storeText`, source and paragraph texts are left empty (ids, fields and the
    /// paragraph table are kept): smaller indexes for benchmarks that never show snippets.
    package static func encode(
        _ document: IndexDocument, paragraphRanges: [(Int, Int)], storeText: Bool, into out: inout ByteWriter
    ) {
        out.appendUInt8(storeText ? 1 : 0)
        appendString(document.id, to: &out)
        appendString(document.title, to: &out)
        appendString(storeText ? document.source : "", to: &out)
        out.appendVarUInt64(UInt64(document.fields.count))
        for (name, value) in document.fields {
            appendString(name, to: &out)
            switch value {
            case .keyword(let text):
                out.appendUInt8(0)
                appendString(text, to: &out)
            case .number(let number):
                out.appendUInt8(1)
                out.appendVarUInt64(UInt64(bitPattern: (number << 1) ^ (number >> 63)))
            }
        }
        out.appendVarUInt64(UInt64(document.paragraphs.count))
        let sourceBytes = Array(document.source.utf8)
        for (index, paragraph) in document.paragraphs.enumerated() {
            appendString(paragraph.label, to: &out)
            out.appendUInt8(paragraph.kind)
            if let verb = paragraph.verb {
                out.appendUInt8(1)
                appendString(verb, to: &out)
            } else {
                out.appendUInt8(0)
            }
            let runs = storeText ? paragraph.sourceMap : []
            if storeText, let gaps = derivableGaps(paragraph, sourceBytes: sourceBytes) {
                // Text made of source runs plus a few synthetic bytes: store only the gaps.
                out.appendUInt8(1)
                out.appendVarUInt64(UInt64(paragraphRanges[index].0))
                out.appendVarUInt64(UInt64(paragraphRanges[index].1))
                out.appendVarUInt64(UInt64(runs.count))
                for (run, gap) in zip(runs, gaps.dropLast()) {
                    out.appendVarUInt64(UInt64(gap.count))
                    gap.withUnsafeBytes { out.append(contentsOf: $0) }
                    out.appendVarUInt64(UInt64(run.sourceStart))
                    out.appendVarUInt64(UInt64(run.length))
                }
                out.appendVarUInt64(UInt64(gaps.last!.count))
                gaps.last!.withUnsafeBytes { out.append(contentsOf: $0) }
                continue
            }
            out.appendUInt8(0)
            appendString(storeText ? paragraph.text : "", to: &out)
            out.appendVarUInt64(UInt64(paragraphRanges[index].0))
            out.appendVarUInt64(UInt64(paragraphRanges[index].1))
            out.appendVarUInt64(UInt64(runs.count))
            for run in runs {
                out.appendVarUInt64(UInt64(run.textStart))
                out.appendVarUInt64(UInt64(run.sourceStart))
                out.appendVarUInt64(UInt64(run.length))
            }
        }
    }

    /// If `paragraph.text` is exactly its source runs (in order, copied from `sourceBytes`)
    /// with synthetic bytes between them, returns those synthetic gaps (runs + 1 of them).
    private static func derivableGaps(_ paragraph: IndexParagraph, sourceBytes: [UInt8]) -> [[UInt8]]? {
        let text = Array(paragraph.text.utf8)
        var gaps: [[UInt8]] = []
        var cursor = 0
        for run in paragraph.sourceMap {
            let textStart = Int(run.textStart)
            let sourceStart = Int(run.sourceStart)
            let length = Int(run.length)
            guard textStart >= cursor, textStart + length <= text.count, sourceStart + length <= sourceBytes.count,
                text[textStart..<(textStart + length)] == sourceBytes[sourceStart..<(sourceStart + length)]
            else { return nil }
            gaps.append(Array(text[cursor..<textStart]))
            cursor = textStart + length
        }
        gaps.append(Array(text[cursor...]))
        return gaps
    }

    /// Decodes a record. Without `includeText`, source and paragraph texts are skipped (cheap).
    package static func decode(_ reader: inout ByteReader, includeText: Bool) throws -> StoredDocument {
        let flags = try reader.readUInt8()
        guard flags <= 1 else { throw reader.corruption("unknown stored-record flags \(flags)") }
        let id = try readString(&reader)
        let title = try readString(&reader)
        let source = includeText ? try readString(&reader) : try skipString(&reader)
        let sourceBytes = includeText ? Array(source.utf8) : []
        let fieldCount = try readCount(&reader)
        var fields: [(name: String, value: IndexFieldValue)] = []
        for _ in 0..<fieldCount {
            let name = try readString(&reader)
            let type = try reader.readUInt8()
            switch type {
            case 0: fields.append((name, .keyword(try readString(&reader))))
            case 1:
                let raw = try reader.readVarUInt64()
                let value = Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
                fields.append((name, .number(value)))
            default:
                throw IndexCorruption(file: reader.file, offset: reader.offset, reason: "unknown field type \(type)")
            }
        }
        let paragraphCount = try readCount(&reader)
        var paragraphs: [StoredParagraph] = []
        paragraphs.reserveCapacity(paragraphCount)
        for _ in 0..<paragraphCount {
            let label = try readString(&reader)
            let kind = try reader.readUInt8()
            let hasVerb = try reader.readUInt8()
            let verb = hasVerb != 0 ? try readString(&reader) : nil
            let mode = try reader.readUInt8()
            var text = ""
            var runs: [SourceRun] = []
            let first: UInt32
            let end: UInt32
            switch mode {
            case 0:
                text = includeText ? try readString(&reader) : try skipString(&reader)
                first = UInt32(truncatingIfNeeded: try reader.readVarUInt64())
                end = UInt32(truncatingIfNeeded: try reader.readVarUInt64())
                let runCount = try readCount(&reader)
                if includeText { runs.reserveCapacity(runCount) }
                for _ in 0..<runCount {
                    let textStart = UInt32(truncatingIfNeeded: try reader.readVarUInt64())
                    let sourceStart = UInt32(truncatingIfNeeded: try reader.readVarUInt64())
                    let length = UInt32(truncatingIfNeeded: try reader.readVarUInt64())
                    if includeText {
                        runs.append(SourceRun(textStart: textStart, sourceStart: sourceStart, length: length))
                    }
                }
            case 1:
                first = UInt32(truncatingIfNeeded: try reader.readVarUInt64())
                end = UInt32(truncatingIfNeeded: try reader.readVarUInt64())
                let runCount = try readCount(&reader)
                var bytes: [UInt8] = []
                for _ in 0..<runCount {
                    let gapBytes = try reader.readBytes(try readCount(&reader))
                    if includeText { bytes.append(contentsOf: gapBytes) }
                    let sourceStart = Int(clamping: try reader.readVarUInt64())
                    let length = Int(clamping: try reader.readVarUInt64())
                    if includeText {
                        guard length <= sourceBytes.count, sourceStart <= sourceBytes.count - length else {
                            throw reader.corruption("paragraph run outside the source text")
                        }
                        runs.append(
                            SourceRun(
                                textStart: UInt32(bytes.count), sourceStart: UInt32(sourceStart), length: UInt32(length)
                            ))
                        bytes.append(contentsOf: sourceBytes[sourceStart..<(sourceStart + length)])
                    }
                }
                let trailing = try reader.readBytes(try readCount(&reader))
                if includeText { bytes.append(contentsOf: trailing) }
                if includeText { text = String(decoding: bytes, as: UTF8.self) }
            default:
                throw reader.corruption("unknown paragraph text mode \(mode)")
            }
            paragraphs.append(
                StoredParagraph(
                    label: label, kind: kind, verb: verb, text: text, firstPosition: first, endPosition: end,
                    sourceMap: runs))
        }
        return StoredDocument(
            id: id, title: title, source: source, fields: fields, paragraphs: paragraphs, hasText: flags & 1 != 0)
    }

    /// Reads only the id.
    package static func decodeId(_ reader: inout ByteReader) throws -> String {
        _ = try reader.readUInt8()
        return try readString(&reader)
    }

    private static func appendString(_ text: String, to out: inout ByteWriter) {
        var copy = text
        copy.withUTF8 { utf8 in
            out.appendVarUInt64(UInt64(utf8.count))
            out.append(contentsOf: UnsafeRawBufferPointer(utf8))
        }
    }

    private static func readCount(_ reader: inout ByteReader) throws -> Int {
        let count = try reader.readVarUInt64()
        // Every element takes at least one byte, so a larger count is corruption, not a huge allocation.
        guard count <= UInt64(reader.remainingCount) else {
            throw IndexCorruption(file: reader.file, offset: reader.offset, reason: "count \(count) exceeds the record")
        }
        return Int(count)
    }

    private static func readString(_ reader: inout ByteReader) throws -> String {
        let count = try readCount(&reader)
        let bytes = try reader.readBytes(count)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func skipString(_ reader: inout ByteReader) throws -> String {
        let count = try readCount(&reader)
        _ = try reader.readBytes(count)
        return ""
    }
}
