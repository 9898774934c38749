/// Thrown when the bytes of an index file are inconsistent: truncated, out of range,
/// failing a checksum, or otherwise impossible for a writer to have produced.
///
/// It names the file and, when known, the byte offset within that file, so that a user
/// can report it and `concord check` can narrow it down. Readers throw it instead of
/// trapping on any input.
public struct IndexCorruption: Error, CustomStringConvertible, Equatable {
    /// The index file that holds the bad bytes, as the reader was told to name it.
    public var file: String
    /// Byte offset of the problem from the start of `file`, when a reader knows it.
    public var offset: Int?
    /// What was wrong, in a short phrase such as "varint runs past the end of the data".
    public var reason: String

    /// Creates an error for `file`, optionally at byte `offset`, explaining `reason`.
    public init(file: String, offset: Int? = nil, reason: String) {
        self.file = file
        self.offset = offset
        self.reason = reason
    }

    /// A one-line message for users: the file, the offset when known, the reason, and what
    /// to do next.
    public var description: String {
        let location = offset.map { " at byte \($0)" } ?? ""
        return "index file \(file) is corrupt\(location): \(reason)"
            + " (run `concord check` to examine the whole index)"
    }
}
