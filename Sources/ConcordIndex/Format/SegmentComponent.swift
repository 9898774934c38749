/// The files of a segment, one per component (FORMAT.md §2). The raw value is written in every file header.
package enum SegmentComponent: UInt8, CaseIterable, Sendable {
    /// Term dictionary: sorted, front-coded blocks plus a sparse index.
    case terms = 1
    /// Postings: doc deltas and term frequencies in bit-packed blocks of 128 with skip entries.
    case postings = 2
    /// Positions of body terms, one varint stream per term.
    case positions = 3
    /// Quantized field lengths, one byte per document and field.
    case norms = 4
    /// Stored documents: id, title, source, fields, paragraph table.
    case stored = 5
    /// Numeric metadata columns (year, session, JSONL numbers).
    case numeric = 6
    /// Deleted-documents bitset of one delete generation.
    case deletes = 7
    /// The commit manifest (not part of a segment).
    case manifest = 8

    /// File extension of the component.
    package var fileExtension: String {
        switch self {
        case .terms: "tdx"
        case .postings: "doc"
        case .positions: "pos"
        case .norms: "nrm"
        case .stored: "sto"
        case .numeric: "num"
        case .deletes: "del"
        case .manifest: "manifest"
        }
    }

    /// Components every segment has (deletes are optional, the manifest is per index).
    package static let segmentFiles: [SegmentComponent] = [.terms, .postings, .positions, .norms, .stored, .numeric]
}

/// File naming of an index directory (FORMAT.md §2).
package enum IndexFileNames {
    /// The current commit.
    package static let manifest = "MANIFEST"
    /// Where the next manifest is written before the atomic rename.
    package static let manifestTemporary = "MANIFEST.tmp"
    /// The writer lock (flock), holding the writer's pid.
    package static let lock = "LOCK"

    /// `seg_<id as 16 hex digits>.<ext>`.
    package static func segmentFile(_ id: UInt64, _ component: SegmentComponent) -> String {
        "seg_\(hex(id)).\(component.fileExtension)"
    }

    /// `seg_<id>_<generation>.del`.
    package static func deletesFile(_ id: UInt64, generation: UInt32) -> String {
        "seg_\(hex(id))_\(generation).del"
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }
}
