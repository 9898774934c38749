#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How an input is read.
public enum InputFormat: String, Sendable, CaseIterable {
    /// Plain text: one file, one document.
    case text
    /// Markdown: one file, one document, markup removed.
    case markdown
    /// JSON Lines: one document per line (BEIR layout: `id`, `title`, `text`, scalar fields); gzip allowed.
    case jsonl

    /// The format a file name implies (case-insensitively): `.txt`; `.md`, `.markdown`; `.jsonl`,
    /// `.jsonl.gz`. Nil for any other name.
    public init?(fileName: String) {
        let name = fileName.lowercased()
        if name.hasSuffix(".txt") {
            self = .text
        } else if name.hasSuffix(".md") || name.hasSuffix(".markdown") {
            self = .markdown
        } else if name.hasSuffix(".jsonl") || name.hasSuffix(".jsonl.gz") {
            self = .jsonl
        } else {
            return nil
        }
    }
}

/// Settings of a `DocumentReader`.
public struct ReaderOptions: Sendable {
    /// Default `maxRecordBytes`: 64 MiB.
    public static let defaultMaxRecordBytes = 64 << 20

    /// Format of standard input (`-`, default `.jsonl`) and of files named directly; when nil, a named
    /// file's format comes from its extension. Files found in folders always go by their extension.
    public var format: InputFormat?
    /// Stop at the first issue by throwing `ReaderError.strict` instead of skipping the input.
    public var strict: Bool
    /// Largest JSONL line or text file accepted, in bytes; larger ones are reported and skipped
    /// without being held in memory.
    public var maxRecordBytes: Int

    /// Creates options; see the properties.
    public init(format: InputFormat? = nil, strict: Bool = false, maxRecordBytes: Int = defaultMaxRecordBytes) {
        self.format = format
        self.strict = strict
        self.maxRecordBytes = maxRecordBytes
    }
}

/// What one `DocumentReader.read` call did.
public struct ReadSummary: Sendable {
    /// Most issues kept in `issues`; `issueCount` counts them all.
    public static let keptIssueLimit = 1000

    /// Documents passed to the body.
    public var documents = 0
    /// Inputs (records, files, folders) skipped because of an issue.
    public var skipped = 0
    /// The first `keptIssueLimit` issues, in the order found.
    public var issues: [IngestIssue] = []
    /// Number of issues found, including those not kept.
    public var issueCount = 0
    /// Files read (standard input counts as one).
    public var files = 0
    /// Bytes read, after decompression.
    public var bytes = 0

    /// An empty summary.
    public init() {}
}

/// A failure that stops a whole `read` call.
public enum ReaderError: Error, Equatable, CustomStringConvertible {
    /// A path given to `read` does not exist.
    case notFound(path: String)
    /// A path given to `read` (or its folder) exists but cannot be read.
    case unreadable(path: String, reason: String)
    /// Under `strict`, the first issue found.
    case strict(IngestIssue)

    /// One line: what happened, where, and what to do.
    public var description: String {
        switch self {
        case .notFound(let path):
            "\(path): no such file or folder; check the path"
        case .unreadable(let path, let reason):
            "\(path): cannot read (\(reason)); check that it exists and that you may read it"
        case .strict(let issue):
            "\(issue) (stopped by --strict: fix this input, or leave out --strict to skip it)"
        }
    }
}

/// Turns files, folders and standard input into `IngestDocument`s, one at a time, with bounded memory.
public struct DocumentReader {
    /// Settings used by `read`.
    public var options: ReaderOptions

    /// A reader with the given options.
    public init(options: ReaderOptions = ReaderOptions()) {
        self.options = options
    }

    /// Streams every document found under `paths` (files, folders recursively, or "-" for stdin) to `body`,
    /// in a deterministic order: the paths in the order given, each folder's files sorted by relative path.
    /// Problems are passed to `issue` and the input is skipped; ids already seen in this call are skipped
    /// as duplicates. Throws only for fatal errors: a path that does not exist or cannot be read, an error
    /// thrown by `body`, or under `strict` the first issue (`ReaderError.strict`, without calling `issue`).
    public mutating func read(
        paths: [String], body: (IngestDocument) throws -> Void, issue: (IngestIssue) -> Void
    ) throws -> ReadSummary {
        // The batch keeps the handlers only for the duration of this call.
        try withoutActuallyEscaping(body) { body in
            try withoutActuallyEscaping(issue) { issue in
                var batch = ReadBatch(options: options, body: body, issueHandler: issue)
                for path in paths { try batch.readArgument(path) }
                return batch.summary
            }
        }
    }
}

/// The state of one `read` call: the summary so far and the ids seen, with the caller's handlers.
private struct ReadBatch {
    let options: ReaderOptions
    let body: (IngestDocument) throws -> Void
    let issueHandler: (IngestIssue) -> Void
    var summary = ReadSummary()
    /// Where each id was first seen: index into `idFiles`, and line (0 for whole files).
    var firstSeen: [String: (file: Int32, line: Int)] = [:]
    var idFiles: [String] = []

    mutating func report(_ issue: IngestIssue) throws {
        if options.strict { throw ReaderError.strict(issue) }
        summary.issueCount += 1
        summary.skipped += 1
        if summary.issues.count < ReadSummary.keptIssueLimit { summary.issues.append(issue) }
        issueHandler(issue)
    }

    /// Passes `document` on unless its id was seen before in this call.
    mutating func accept(_ document: IngestDocument, file: String, line: Int?) throws {
        if idFiles.last != file { idFiles.append(file) }
        let location = (file: Int32(idFiles.count - 1), line: line ?? 0)
        if let first = firstSeen.updateValue(location, forKey: document.id) {
            firstSeen[document.id] = first
            let firstFile = idFiles[Int(first.file)]
            let place = first.line > 0 ? "\(firstFile):\(first.line)" : firstFile
            try report(
                IngestIssue(file: file, line: line, reason: "duplicate id \(document.id), first seen at \(place)"))
            return
        }
        try body(document)
        summary.documents += 1
    }

    mutating func readArgument(_ path: String) throws {
        if path == "-" {
            try readOpenFile(descriptor: STDIN_FILENO, name: "-", id: "-", format: options.format ?? .jsonl)
            return
        }
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw ReaderError.notFound(path: path) }
            throw ReaderError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        if status.st_mode & S_IFMT == S_IFDIR {
            let files = try FileWalker.files(inFolder: path) { try report($0) }
            for file in files { try readFile(file) }
            return
        }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let format = options.format ?? InputFormat(fileName: name) else {
            try report(
                IngestIssue(
                    file: path,
                    reason: "unknown file type, skipped (expected .txt, .md, .markdown, .jsonl or .jsonl.gz, "
                        + "or give the format with --format)"))
            return
        }
        try readFile(InputFile(path: path, id: name, format: format))
    }

    mutating func readFile(_ file: InputFile) throws {
        let descriptor = open(file.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            try report(
                IngestIssue(file: file.path, reason: "cannot open (\(String(cString: strerror(errno)))), skipped"))
            return
        }
        defer { close(descriptor) }
        try readOpenFile(descriptor: descriptor, name: file.path, id: file.id, format: file.format)
    }

    mutating func readOpenFile(descriptor: Int32, name: String, id: String, format: InputFormat) throws {
        summary.files += 1
        switch format {
        case .jsonl: try readJSONLines(descriptor: descriptor, name: name)
        case .text, .markdown:
            try readTextFile(descriptor: descriptor, name: name, id: id, markdown: format == .markdown)
        }
    }

    // MARK: Text and Markdown

    mutating func readTextFile(descriptor: Int32, name: String, id: String, markdown: Bool) throws {
        let bytes: [UInt8]
        do {
            guard let whole = try readWhole(descriptor: descriptor, limit: options.maxRecordBytes) else {
                try report(
                    IngestIssue(
                        file: name, reason: "file larger than the \(options.maxRecordBytes)-byte record limit, skipped")
                )
                return
            }
            bytes = whole
        } catch let error as InputError {
            try report(IngestIssue(file: name, reason: "\(error.reason), skipped"))
            return
        }
        summary.bytes += bytes.count
        let source: String
        switch Self.decodeText(bytes) {
        case .success(let text): source = text
        case .failure(let problem):
            try report(IngestIssue(file: name, reason: problem.reason))
            return
        }
        try accept(TextDocumentParser.parse(id: id, source: source, markdown: markdown), file: name, line: nil)
    }

    /// The whole content of `descriptor`, or nil (after reading at most `limit` + 1 bytes) if it is longer.
    func readWhole(descriptor: Int32, limit: Int) throws -> [UInt8]? {
        var bytes: [UInt8] = []
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG {
            if Int(status.st_size) > limit { return nil }
            bytes.reserveCapacity(Int(status.st_size))
        }
        let source = FileDescriptorSource(descriptor: descriptor)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if count == 0 { return bytes }
            if bytes.count + count > limit { return nil }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    struct TextProblem: Error {
        var reason: String
    }

    /// Checks a text file's bytes (no NUL in the first 8 KB, valid UTF-8, not blank) and decodes them,
    /// dropping a byte-order mark.
    static func decodeText(_ bytes: [UInt8]) -> Result<String, TextProblem> {
        bytes.withUnsafeBytes { all in
            var text = all[...]
            if text.starts(with: [0xEF, 0xBB, 0xBF]) { text = text.dropFirst(3) }
            if text.prefix(8192).contains(0) { return .failure(TextProblem(reason: "binary file, skipped")) }
            let content = UnsafeRawBufferPointer(rebasing: text)
            if let offset = UTF8Check.firstInvalidOffset(in: content) {
                let fileOffset = offset + (all.count - text.count)
                return .failure(TextProblem(reason: "not valid UTF-8 (byte \(fileOffset)), skipped"))
            }
            if isBlank(content) { return .failure(TextProblem(reason: "empty document, skipped")) }
            return .success(String(decoding: content, as: UTF8.self))
        }
    }

    static func isBlank(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
    }

    // MARK: JSON Lines

    mutating func readJSONLines(descriptor: Int32, name: String) throws {
        let fileSource = FileDescriptorSource(descriptor: descriptor)
        var source: any ByteSource = fileSource
        var readAhead: ReadAheadSource?
        do {
            if try fileSource.peek(2) == [0x1F, 0x8B] {
                guard let zlib = Zlib.system else {
                    let advice = "decompress first, e.g. zcat \(name) | concord index --format jsonl -"
                    try report(IngestIssue(file: name, reason: "gzip is not supported on this system: \(advice)"))
                    return
                }
                // Inflating costs about as much as parsing, so it runs on its own thread.
                readAhead = ReadAheadSource(upstream: try GzipSource(zlib: zlib, upstream: fileSource))
                source = readAhead!
            }
        } catch let error as InputError {
            try report(IngestIssue(file: name, reason: "\(error), skipped"))
            return
        } catch let error as GzipError {
            try report(IngestIssue(file: name, reason: "\(error), skipped"))
            return
        }
        let lines = LineReader(source: source, maxLineBytes: options.maxRecordBytes)
        defer {
            readAhead?.stop()
            summary.bytes += lines.bytesRead
        }
        do {
            try lines.forEachLine { line in try readRecord(line, number: lines.lineNumber, file: name) }
        } catch let error as GzipError {
            try report(IngestIssue(file: name, line: lines.lineNumber + 1, reason: "\(error); rest of file skipped"))
        } catch let error as InputError {
            try report(IngestIssue(file: name, line: lines.lineNumber + 1, reason: "\(error); rest of file skipped"))
        }
    }

    mutating func readRecord(_ line: LineReader.Line, number: Int, file: String) throws {
        switch line {
        case .tooLong(let byteCount):
            let reason = "record too large (\(byteCount) bytes; the limit is \(options.maxRecordBytes)), skipped"
            try report(IngestIssue(file: file, line: number, reason: reason))
        case .bytes(var bytes):
            if number == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
                bytes = UnsafeRawBufferPointer(rebasing: bytes.dropFirst(3))
            }
            if Self.isBlank(bytes) { return }
            let members: [JSONMember]
            do {
                members = try JSONLineParser.parseObject(bytes)
            } catch {
                try report(IngestIssue(file: file, line: number, reason: error.reason))
                return
            }
            switch JSONRecord.document(from: members) {
            case .success(let document): try accept(document, file: file, line: number)
            case .failure(let problem): try report(IngestIssue(file: file, line: number, reason: problem.reason))
            }
        }
    }
}

/// Maps a parsed JSONL object to a document, BEIR style.
package enum JSONRecord {
    /// Why a record cannot become a document.
    package struct Problem: Error, Equatable {
        /// The issue text, e.g. `record has no "text"`.
        package var reason: String
    }

    /// `id` (string, or number as written; `_id` is accepted when `id` is absent) and `text` (string)
    /// are required, `title` (string or null) is optional, and every other scalar member becomes a field:
    /// integers `.number`, strings `.keyword` (empty ones dropped), booleans `.keyword("true"/"false")`,
    /// other numbers `.keyword` as written; nulls, arrays and objects are dropped. A repeated key keeps
    /// its last value. A record whose title and text are both blank is an empty document.
    package static func document(from members: [JSONMember]) -> Result<IngestDocument, Problem> {
        var id: JSONValue?
        var underscoreID: JSONValue?
        var text: JSONValue?
        var title: JSONValue?
        var fields: [String: FieldValue] = [:]
        for member in members {
            switch member.key {
            case "id": id = member.value
            case "_id": underscoreID = member.value
            case "text": text = member.value
            case "title": title = member.value
            default:
                switch member.value {
                case .string(let value) where !value.isEmpty: fields[member.key] = .keyword(value)
                case .number(let value, let integer):
                    fields[member.key] = integer.map { .number($0) } ?? .keyword(value)
                case .bool(let value): fields[member.key] = .keyword(value ? "true" : "false")
                default: fields[member.key] = nil
                }
            }
        }
        let identifier: String
        switch id ?? underscoreID {
        case .string(let value) where !value.isEmpty: identifier = value
        case .string: return .failure(Problem(reason: "record has an empty \"id\""))
        case .number(let value, _): identifier = value
        case nil: return .failure(Problem(reason: "record has no \"id\""))
        case .null: return .failure(Problem(reason: "record has a null \"id\""))
        default: return .failure(Problem(reason: "\"id\" must be a string or a number"))
        }
        let body: String
        switch text {
        case .string(let value): body = value
        case nil: return .failure(Problem(reason: "record has no \"text\""))
        case .null: return .failure(Problem(reason: "record has a null \"text\""))
        default: return .failure(Problem(reason: "\"text\" must be a string"))
        }
        var heading = ""
        switch title {
        case .string(let value): heading = value
        case nil, .null: break
        default: return .failure(Problem(reason: "\"title\" must be a string"))
        }
        if isBlank(body) && isBlank(heading) {
            return .failure(Problem(reason: "empty document (blank \"title\" and \"text\")"))
        }
        let paragraphs = TextDocumentParser.genericParagraphs(body, sourceOffset: 0)
        return .success(
            IngestDocument(id: identifier, title: heading, source: body, paragraphs: paragraphs, fields: fields))
    }

    private static func isBlank(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
    }
}
