import ConcordIngest
import Foundation
import Testing

/// A fresh folder under the system temporary directory, removed when the test ends.
private final class TemporaryFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "concord-reader-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `bytes` to `relative` (creating folders) and returns the full path.
    @discardableResult
    func write(_ relative: String, _ bytes: [UInt8]) throws -> String {
        let file = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String { try write(relative, Array(text.utf8)) }
}

/// Everything one `read` call produced.
private struct ReadResult {
    var documents: [IngestDocument] = []
    var issues: [IngestIssue] = []
    var summary = ReadSummary()
    var ids: [String] { documents.map(\.id) }
}

private func read(_ paths: [String], options: ReaderOptions = ReaderOptions()) throws -> ReadResult {
    var result = ReadResult()
    var reader = DocumentReader(options: options)
    result.summary = try reader.read(
        paths: paths, body: { result.documents.append($0) }, issue: { result.issues.append($0) })
    return result
}

/// Compresses `bytes` with the system `gzip` tool.
private func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-c"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    // Write from another thread so that neither pipe fills up and blocks the other.
    let writer = Thread {
        input.fileHandleForWriting.write(Data(bytes))
        try? input.fileHandleForWriting.close()
    }
    writer.start()
    let compressed = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return [UInt8](compressed)
}

@Suite struct ReaderTests {
    @Test func folderWalkFindsSupportedFilesInSortedOrder() throws {
        let folder = try TemporaryFolder()
        try folder.write("b.txt", "Beta text.")
        try folder.write("a.md", "# Alpha\n\nSome *markdown*.")
        try folder.write("c.markdown", "Gamma")
        try folder.write("notes.csv", "ignored,file")
        try folder.write(".hidden.txt", "hidden file")
        try folder.write(".git/inside.txt", "hidden folder")
        try folder.write("sub/deeper/d.TXT", "Delta")
        try folder.write("sub/e.jsonl", #"{"id": "e1", "text": "from jsonl"}"# + "\n")
        try folder.write("sub/f.jsonl.gz", try gzip(Array(#"{"id": "f1", "text": "from gzip"}"#.utf8)))
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/sub/loop", withDestinationPath: "..")

        let result = try read([folder.path])
        #expect(result.ids == ["a.md", "b.txt", "c.markdown", "sub/deeper/d.TXT", "e1", "f1"])
        #expect(result.issues.isEmpty)
        #expect(result.summary.documents == 6)
        #expect(result.summary.files == 6)
        #expect(result.documents[1].source == "Beta text.")

        // A single file is named by its file name; a trailing slash on a folder changes nothing.
        #expect(try read([folder.path + "/sub/deeper/d.TXT"]).ids == ["d.TXT"])
        #expect(try read([folder.path + "/"]).ids == result.ids)
    }

    @Test func jsonlFieldsAndIds() throws {
        let folder = try TemporaryFolder()
        let lines = [
            #"{"id": 12, "title": "Numbers", "text": "Body one.\n\nBody two.", "year": 2015, "score": 0.5, "big": 99999999999999999999}"#,
            #"{"id": "x-2", "text": "caf\u00e9 \ud83d\ude00", "lang": "fr", "ok": true, "bad": false, "none": null, "tags": ["a"], "meta": {"k": 1}}"#,
            "",
            "   ",
            #"{"_id": "beir-3", "title": "", "text": "uses _id", "empty": ""}"#,
        ]
        let file = try folder.write("data.jsonl", lines.joined(separator: "\r\n"))
        let result = try read([file])
        #expect(result.issues.isEmpty)
        #expect(result.ids == ["12", "x-2", "beir-3"])
        let first = result.documents[0]
        #expect(first.title == "Numbers")
        #expect(first.source == "Body one.\n\nBody two.")
        #expect(first.paragraphs.map(\.text) == ["Body one.", "Body two."])
        #expect(
            first.fields == ["year": .number(2015), "score": .keyword("0.5"), "big": .keyword("99999999999999999999")])
        let second = result.documents[1]
        #expect(second.source == "café 😀")
        #expect(second.title == "")
        #expect(second.fields == ["lang": .keyword("fr"), "ok": .keyword("true"), "bad": .keyword("false")])
        #expect(result.documents[2].fields.isEmpty)
    }

    @Test func badInputsAreReportedWithFileAndLineAndSkipped() throws {
        let folder = try TemporaryFolder()
        try folder.write("good.txt", "A good document.")
        try folder.write("latin1.txt", [0x63, 0x61, 0x66, 0xE9, 0x0A])
        try folder.write("binary.txt", [0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x41])
        try folder.write("blank.md", " \n\t\n")
        let lines = [
            #"{"id": "r1", "text": "first"}"#,
            #"{"id": "r2", "text": "broken"#,
            #"{"text": "no id"}"#,
            #"{"id": "r4"}"#,
            #"{"id": "r5", "text": null}"#,
            #"{"id": "r1", "text": "again"}"#,
            #"{"id": "r7", "title": " ", "text": ""}"#,
            #"{"id": "r8", "text": ""# + String(repeating: "x", count: 5000) + #""}"#,
            "{\"id\": \"r9\", \"text\": \"bad \u{FF}\"}",
            #"{"id": "r10", "text": "last"}"#,
        ]
        var jsonl = Array(lines.joined(separator: "\n").utf8)
        // Line 9 gets a real invalid byte in place of the U+00FF written above.
        let marker = Array("\u{FF}".utf8)
        if let start = jsonl.indices.first(where: { jsonl[$0...].starts(with: marker) }) {
            jsonl.replaceSubrange(start..<start + marker.count, with: [0xFF])
        }
        let records = try folder.write("records.jsonl", jsonl)

        let result = try read([folder.path], options: ReaderOptions(maxRecordBytes: 1000))
        #expect(result.ids == ["good.txt", "r1", "r10"])
        let described = result.issues.map(\.description)
        #expect(
            described == [
                "\(folder.path)/binary.txt: binary file, skipped",
                "\(folder.path)/blank.md: empty document, skipped",
                "\(folder.path)/latin1.txt: not valid UTF-8 (byte 3), skipped",
                "\(records):2: invalid JSON at column 22: string is not closed",
                "\(records):3: record has no \"id\"",
                "\(records):4: record has no \"text\"",
                "\(records):5: record has a null \"text\"",
                "\(records):6: duplicate id r1, first seen at \(records):1",
                "\(records):7: empty document (blank \"title\" and \"text\")",
                "\(records):8: record too large (5024 bytes; the limit is 1000), skipped",
                "\(records):9: not valid UTF-8 at column 27",
            ])
        #expect(result.summary.documents == 3)
        #expect(result.summary.skipped == 11)
        #expect(result.summary.issueCount == 11)
        #expect(result.summary.issues == result.issues)
    }

    @Test func duplicateIdsAcrossFilesAreReported() throws {
        let folder = try TemporaryFolder()
        let one = try folder.write("one/same.txt", "first")
        let two = try folder.write("two/same.txt", "second")
        let result = try read([one, two])
        #expect(result.ids == ["same.txt"])
        #expect(result.issues.map(\.description) == ["\(two): duplicate id same.txt, first seen at \(one)"])
    }

    @Test func strictModeThrowsTheFirstIssue() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write(
            "data.jsonl", #"{"id": "a", "text": "ok"}"# + "\n" + #"{"id": "b"}"# + "\n" + "{oops\n")
        var seen: [String] = []
        var reader = DocumentReader(options: ReaderOptions(strict: true))
        #expect(throws: ReaderError.strict(IngestIssue(file: file, line: 2, reason: "record has no \"text\""))) {
            _ = try reader.read(
                paths: [file], body: { seen.append($0.id) }, issue: { _ in Issue.record("issue handler called") })
        }
        #expect(seen == ["a"])

        // Stopping in the middle of a gzip file (read ahead on another thread) and on a text file.
        let many = (0..<20000).map { "{\"id\": \"\($0)\", \"text\": \"t\"}\n" }.joined() + "{}\n"
        let compressed = try folder.write("many.jsonl.gz", try gzip(Array(many.utf8)))
        #expect(throws: ReaderError.strict(IngestIssue(file: compressed, line: 20001, reason: "record has no \"id\"")))
        {
            _ = try reader.read(paths: [compressed], body: { _ in }, issue: { _ in })
        }
        struct Enough: Error {}
        var count = 0
        #expect(throws: Enough.self) {
            _ = try reader.read(
                paths: [compressed],
                body: { _ in
                    count += 1
                    if count == 10 { throw Enough() }
                }, issue: { _ in })
        }
        let binary = try folder.write("binary.txt", [0x41, 0x00])
        #expect(throws: ReaderError.strict(IngestIssue(file: binary, reason: "binary file, skipped"))) {
            _ = try reader.read(paths: [binary], body: { _ in }, issue: { _ in })
        }
    }

    @Test func fatalErrorsThrow() throws {
        let folder = try TemporaryFolder()
        let missing = folder.path + "/missing"
        #expect(throws: ReaderError.notFound(path: missing)) { try read([missing]) }
        #expect(ReaderError.notFound(path: "x").description == "x: no such file or folder; check the path")
        let unknown = try folder.write("notes.rst", "text")
        let result = try read([unknown])
        #expect(result.issues.first?.reason.hasPrefix("unknown file type") == true)
        #expect(try read([unknown], options: ReaderOptions(format: .text)).ids == ["notes.rst"])
    }

    @Test func gzipRoundTripIncludingConcatenatedMembers() throws {
        let folder = try TemporaryFolder()
        // Varied lengths and non-ASCII text, so records straddle the read and inflate chunks.
        let records = (0..<5000).map { index in
            "{\"id\": \"\(index)\", \"text\": \"record \(index * 7919 % 10007) \(String(repeating: "é", count: index % 50))\"}\n"
        }
        let first = records[..<2000].joined()
        let second = records[2000...].joined()
        // Two gzip members back to back, as `cat a.gz b.gz` makes, then zero padding.
        let compressed = try gzip(Array(first.utf8)) + gzip(Array(second.utf8)) + [UInt8](repeating: 0, count: 100)
        let file = try folder.write("corpus.jsonl.gz", compressed)
        let result = try read([file])
        #expect(result.issues.isEmpty)
        #expect(result.ids == (0..<5000).map(String.init))
        #expect(result.summary.bytes == (first + second).utf8.count)
        // Gzip is recognised by its magic number whatever the name says.
        let renamed = try folder.write("renamed.jsonl", compressed)
        #expect(try read([renamed]).ids.count == 5000)
    }

    @Test func damagedGzipIsReportedAndTheRestSkipped() throws {
        let folder = try TemporaryFolder()
        let text = (0..<3000).map { "{\"id\": \"\($0)\", \"text\": \"line \($0) of the file\"}\n" }.joined()
        let compressed = try gzip(Array(text.utf8))
        let truncated = try folder.write("truncated.jsonl.gz", Array(compressed[..<(compressed.count / 2)]))
        let cut = try read([truncated])
        #expect(cut.documents.count > 0 && cut.documents.count < 3000)
        #expect(cut.issues.count == 1)
        #expect(cut.issues.first?.reason == "gzip data ends unexpectedly (truncated file?); rest of file skipped")
        #expect(cut.issues.first?.line == cut.documents.count + 1)

        var garbled = compressed
        for index in 40..<80 { garbled[index] ^= 0x5A }
        let corrupt = try folder.write("corrupt.jsonl.gz", garbled)
        let damaged = try read([corrupt])
        #expect(damaged.issues.first?.reason.contains("gzip") == true)
        #expect(Zlib(libraryNames: ["libdoes-not-exist.so.9"]) == nil)
        #expect(Zlib.system != nil)
    }

    /// A real 100 MB line with the default limit is skipped, and the records after it are still read.
    @Test func hundredMegabyteLineIsSkipped() throws {
        let folder = try TemporaryFolder()
        let file = folder.path + "/huge.jsonl"
        #expect(FileManager.default.createFile(atPath: file, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        handle.write(Data(#"{"id": "before", "text": "small"}"#.utf8 + [0x0A]))
        handle.write(Data(#"{"id": "huge", "text": ""#.utf8))
        let block = Data(repeating: 0x61, count: 1 << 20)
        for _ in 0..<100 { handle.write(block) }
        handle.write(Data(#""}"#.utf8 + [0x0A]))
        handle.write(Data(#"{"id": "after", "text": "small"}"#.utf8))
        try handle.close()

        let result = try read([file])
        #expect(result.ids == ["before", "after"])
        #expect(result.issues.count == 1)
        #expect(result.issues.first?.line == 2)
        #expect(result.issues.first?.reason.hasPrefix("record too large (104857626 bytes") == true)
    }

    /// Memory stays bounded: a line far over the limit never grows the line buffer past limit + a chunk.
    @Test func overlongLineKeepsTheBufferBounded() throws {
        let limit = 3 << 20
        let source = GeneratedSource(lines: [200 << 20, 10, limit, limit + 1, 5], lastLineBreak: false)
        let reader = LineReader(source: source, maxLineBytes: limit)
        var lines: [String] = []
        try reader.forEachLine { line in
            switch line {
            case .bytes(let bytes): lines.append("\(reader.lineNumber):\(bytes.count)")
            case .tooLong(let count): lines.append("\(reader.lineNumber):tooLong \(count)")
            }
        }
        #expect(lines == ["1:tooLong \(200 << 20)", "2:10", "3:\(limit)", "4:tooLong \(limit + 1)", "5:5"])
        #expect(reader.bufferCapacity <= limit + 2 << 20)
        #expect(reader.bytesRead == (200 << 20) + 10 + 2 * limit + 1 + 5 + 4)
    }
}

/// Hostile bytes in otherwise ordinary files: each gives a document or a clear issue.
extension ReaderTests {
    /// NUL decides "binary" only in a text file's first 8 KB; later it is a separator like any
    /// control byte. In JSON a raw NUL is a syntax error, an escaped one is text.
    @Test func nulBytesAreBinaryEarlyAndSeparatorsLater() throws {
        let folder = try TemporaryFolder()
        try folder.write("early.txt", Array("peace".utf8) + [0x00] + Array("keeping".utf8))
        let late =
            Array(String(repeating: "filler ", count: 1_200).utf8) + Array("peace".utf8) + [0x00, 0x00]
            + Array("keeping and cooperation".utf8)
        try folder.write("late.txt", late)
        let records = try folder.write(
            "records.jsonl",
            Array(#"{"id": "raw", "text": "a"#.utf8) + [0x00] + Array(#"b"}"#.utf8) + [0x0A]
                + Array(#"{"id": "escaped", "text": "peace\u0000keeping"}"#.utf8))

        let result = try read([folder.path])
        #expect(result.ids == ["late.txt", "escaped"])
        #expect(
            result.issues.map(\.description) == [
                "\(folder.path)/early.txt: binary file, skipped",
                "\(records):1: invalid JSON at column 25: control character in a string (write it as \\u00XX)",
            ])
        let lateText = result.documents[0].paragraphs.map(\.text).joined(separator: " ")
        #expect(lateText.hasSuffix("peace keeping and cooperation"), "NULs must not glue words: \(lateText.suffix(40))")
        #expect(result.documents[1].source == "peace\u{0}keeping")
    }

    /// Every kind of malformed UTF-8 in a text file is refused with the offset of its first bad
    /// byte (after a byte-order mark, which is allowed), whatever comes before it.
    @Test(
        arguments: [
            [0x80], [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF0, 0x8F, 0xBF, 0xBF],
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFE], [0xFF], [0xE2, 0x82], [0xC3, 0x41],
        ] as [[UInt8]])
    func invalidUTF8InTextIsRefusedAtItsByte(sequence: [UInt8]) throws {
        let folder = try TemporaryFolder()
        let prefix = [0xEF, 0xBB, 0xBF] + Array("Réunion ".utf8)
        let file = try folder.write("bad.md", prefix + sequence + Array(" end".utf8))
        let result = try read([file])
        #expect(result.ids.isEmpty)
        #expect(result.issues.map(\.description) == ["\(file): not valid UTF-8 (byte \(prefix.count)), skipped"])
    }

    /// A text file over the record limit is refused before it is read, so a 1 GB one-line file
    /// costs one `fstat`; standard input, which has no size, is read up to the limit + 1 byte.
    @Test func textOverTheRecordLimitIsSkippedUnread() throws {
        let folder = try TemporaryFolder()
        let limit = 4_096
        let oneLine = Array(String(repeating: "cooperation ", count: 1_000).utf8)
        let big = try folder.write("big.txt", oneLine)
        try folder.write("small.txt", "A small document.")
        let result = try read([folder.path], options: ReaderOptions(maxRecordBytes: limit))
        #expect(result.ids == ["small.txt"])
        #expect(result.issues.map(\.description) == ["\(big): file larger than the 4096-byte record limit, skipped"])
        #expect(result.summary.bytes == "A small document.".utf8.count, "the big file must not be read")
    }

    /// One 1 MB line of Markdown becomes one paragraph, in linear time (cleanup and splitting
    /// scan it a bounded number of times).
    @Test func megabyteSingleLineIsOneParagraph() throws {
        let sentence = "*cooperation* self-determination A/RES/70/153<sup>2</sup> rights, 2015 "
        let line = String(repeating: sentence, count: (1 << 20) / sentence.utf8.count + 1)
        let clock = ContinuousClock()
        let started = clock.now
        for markdown in [true, false] {
            let document = TextDocumentParser.parse(id: "long", source: line, markdown: markdown)
            #expect(document.paragraphs.count == 1)
            #expect(document.paragraphs.first?.text.contains("self-determination A/RES/70/153") == true)
        }
        #expect(clock.now - started < .seconds(30), "took \(clock.now - started)")
    }
}

/// Produces lines of `x` of the given lengths without holding them in memory.
private final class GeneratedSource: ByteSource {
    private var remaining: [Int]
    private var inLine: Int
    private let lastLineBreak: Bool

    init(lines: [Int], lastLineBreak: Bool) {
        remaining = Array(lines.dropFirst())
        inLine = lines.first ?? 0
        self.lastLineBreak = lastLineBreak
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var written = 0
        while written < buffer.count {
            if inLine > 0 {
                let count = min(inLine, buffer.count - written)
                buffer.baseAddress!.advanced(by: written).initializeMemory(
                    as: UInt8.self, repeating: 0x78, count: count)
                written += count
                inLine -= count
            } else if inLine == 0, !remaining.isEmpty || lastLineBreak {
                buffer[written] = 0x0A
                written += 1
                inLine = remaining.isEmpty ? -1 : remaining.removeFirst()
            } else {
                break
            }
        }
        return written
    }
}
