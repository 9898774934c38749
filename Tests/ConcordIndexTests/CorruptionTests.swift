import ConcordIndex
import Glibc
import Testing

// Every file of a small index is damaged in turn (STYLE-ANCHORS §2 TestAllFilesDetectBitFlips /
// TestAllFilesDetectTruncation, §7 item 8; DESIGN §8): bits flipped at sampled positions of the
// header, body and footer, truncations, extensions and removal. Opening must throw an error
// naming the damaged file, `IndexChecker` must report it, and nothing may crash. The damaged
// file is restored between trials. `CONCORD_SEED` replays the sampled positions.

/// SplitMix64 (seeded; the seed is named in every failure message).
private struct SeededRandom: RandomNumberGenerator {
    static let seed: UInt64 = {
        if let text = getenv("CONCORD_SEED"), let value = UInt64(String(cString: text)) { return value }
        return 0xC0_4407_7E57
    }()

    private var state: UInt64

    init(stream: UInt64) { state = Self.seed ^ (stream &* 0x9E37_79B9_7F4A_7C15) }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// One file of the test index, named by segment and extension (resolved to its real name,
/// which for deletes carries the delete generation).
struct CorruptionTarget: Sendable, CustomTestStringConvertible {
    /// 0 for the manifest.
    var segment: Int
    var fileExtension: String

    var testDescription: String { segment == 0 ? "MANIFEST" : "segment \(segment) .\(fileExtension)" }

    static let all: [CorruptionTarget] =
        [CorruptionTarget(segment: 0, fileExtension: "")]
        + [1, 2].flatMap { segment in
            ["tdx", "doc", "pos", "nrm", "sto", "num", "del"].map {
                CorruptionTarget(segment: segment, fileExtension: $0)
            }
        }

    /// The file's name in `directory`.
    func name(in directory: String) -> String? {
        if segment == 0 { return "MANIFEST" }
        let prefix = "seg_" + String(repeating: "0", count: 15) + String(segment)
        return directoryEntries(directory).first { name in
            fileExtension == "del"
                ? name.hasPrefix(prefix + "_") && name.hasSuffix(".del") : name == prefix + "." + fileExtension
        }
    }
}

/// A small index of two segments, both with deletes, with stored texts, keyword and numeric
/// fields, and a term in more than 128 documents (full postings blocks and skip entries).
private final class DamagedIndex {
    let path: String

    init() throws {
        var template = Array("/tmp/concord-corrupt-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(cString: made!)
        try StorageFaultLock.shared {
            let writer = try IndexWriter(directory: path, options: .init(automaticMerges: false))
            let words = ["walk", "walked", "council", "resolution", "e-mail", "général", "1945", "assembly", "quartz"]
            func document(_ index: Int, _ variant: Int) -> IndexDocument {
                let text = (0..<(3 + index % 7)).map { words[($0 * 5 + index + variant) % words.count] }
                return IndexDocument(
                    id: "doc-\(index)", title: "Report \(index)", source: "source of \(index)",
                    paragraphs: [
                        IndexParagraph(
                            label: "OP1", kind: 1, verb: "decides", text: "walk " + text.joined(separator: " "),
                            sourceMap: [SourceRun(textStart: 0, sourceStart: 3, length: 4)]),
                        IndexParagraph(label: "OP2", kind: 2, verb: nil, text: "council \(index)", sourceMap: []),
                    ],
                    fields: [("year", .number(Int64(1945 + index))), ("lang", .keyword(index % 2 == 0 ? "en" : "fr"))])
            }
            for index in 0..<150 { try writer.add(document(index, 0)) }
            try writer.commit()
            for index in 150..<190 { try writer.add(document(index, 0)) }
            for index in [3, 60, 149] { try writer.add(document(index, 1)) }  // updates: deletes in segment 1
            try writer.delete(id: "doc-7")
            try writer.add(document(170, 2))  // replaced inside the buffer: deletes in segment 2
            try writer.commit()
            writer.close()
        }
        unlink(path + "/LOCK")  // not an index file: it only holds the writer's pid
    }

    deinit {
        for name in directoryEntries(path) { unlink(path + "/" + name) }
        rmdir(path)
    }

    func read(_ name: String) -> [UInt8] {
        let fd = open(path + "/" + name, O_RDONLY)
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: Int(lseek(fd, 0, SEEK_END)))
        let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, 0) }
        precondition(count == bytes.count)
        return bytes
    }

    func write(_ name: String, _ bytes: [UInt8]) {
        let fd = open(path + "/" + name, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(fd) }
        let count = bytes.withUnsafeBytes { $0.isEmpty ? 0 : Glibc.write(fd, $0.baseAddress!, $0.count) }
        precondition(count == bytes.count)
    }
}

/// Names in a directory (no "." or "..").
private func directoryEntries(_ path: String) -> [String] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafePointer(to: entry.pointee.d_name) {
            $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
}

/// Whether opening and checking the index both report damage to `file`.
private func detect(directory: String, file: String) -> (detected: Bool, detail: String) {
    var byOpen = false
    var openDetail: String
    do {
        let snapshot = try IndexSnapshot(directory: directory)
        openDetail = "opened with \(snapshot.liveDocumentCount) live documents"
    } catch let error as IndexCorruption {
        byOpen = error.file == file
        openDetail = "\(error)"
    } catch let error as StorageError {
        byOpen = error.path.hasSuffix("/" + file)
        openDetail = "\(error)"
    } catch let error as IndexOpenError {
        byOpen = file == "MANIFEST" && error == .missing(directory)
        openDetail = "\(error)"
    } catch {
        openDetail = "unexpected error \(error)"
    }
    let report = IndexChecker.check(directory: directory, deep: true)
    let problems = report.problems + report.segments.flatMap(\.problems)
    let byCheck = !report.isHealthy && problems.contains { $0.contains(file) }
    return (byOpen && byCheck, "open: \(openDetail); check: \(problems.first ?? "healthy")")
}

/// Byte offsets to damage in a file of `size` bytes: the header, the first, middle and last
/// bytes of the body, and the footer.
private func sampledOffsets(size: Int, count: Int, random: inout SeededRandom) -> [Int] {
    let header = 0..<min(24, size)
    let footer = max(0, size - 16)..<size
    let body = min(24, size)..<max(min(24, size), size - 16)
    var regions: [Range<Int>] = [header, footer]
    if !body.isEmpty {
        let width = max(1, body.count / 8)
        regions.append(body.lowerBound..<min(body.upperBound, body.lowerBound + width))
        let middle = body.lowerBound + body.count / 2
        regions.append(max(body.lowerBound, middle - width / 2)..<min(body.upperBound, middle + width / 2 + 1))
        regions.append(max(body.lowerBound, body.upperBound - width)..<body.upperBound)
    }
    return (0..<count).map { index in
        let region = regions[index % regions.count]
        return Int.random(in: region, using: &random)
    }
}

@Suite("Corruption is detected in every file")
struct CorruptionTests {
    @Test("pristine index opens and checks healthy")
    func pristine() throws {
        let index = try DamagedIndex()
        let snapshot = try IndexSnapshot(directory: index.path)
        #expect(snapshot.segments.count == 2)
        #expect(snapshot.liveDocumentCount == 189)
        #expect(snapshot.segments.allSatisfy { $0.fileNames.count == 7 }, "both segments have deletes")
        let report = IndexChecker.check(directory: index.path, deep: true)
        #expect(report.isHealthy, "\(report.segments.flatMap(\.problems))")
        for target in CorruptionTarget.all {
            #expect(target.name(in: index.path) != nil, "\(target.testDescription) exists")
        }
    }

    @Test("flipped bits are detected by open and by check", arguments: CorruptionTarget.all)
    func bitFlips(_ target: CorruptionTarget) throws {
        let index = try DamagedIndex()
        let name = try #require(target.name(in: index.path))
        let original = index.read(name)
        var random = SeededRandom(stream: UInt64(target.segment * 100 + target.fileExtension.utf8.count))
        var missed: [String] = []
        let offsets = sampledOffsets(size: original.count, count: 40, random: &random)
        for offset in offsets {
            var damaged = original
            let bit = Int.random(in: 0..<8, using: &random)
            damaged[offset] ^= UInt8(1 << bit)
            index.write(name, damaged)
            let (detected, detail) = detect(directory: index.path, file: name)
            if !detected { missed.append("bit \(bit) of byte \(offset): \(detail)") }
            index.write(name, original)
        }
        // Counted lines, so the figures in RELIABILITY.md are measured (summed by `grep '^corruption:'`).
        print("corruption: bit flips in \(name): \(offsets.count) tried, \(offsets.count - missed.count) detected")
        #expect(
            missed.isEmpty,
            "\(offsets.count - missed.count)/\(offsets.count) flips in \(name) (\(original.count) bytes) detected; missed: \(missed.prefix(5)) [CONCORD_SEED=\(SeededRandom.seed)]"
        )
        #expect(IndexChecker.check(directory: index.path, deep: true).isHealthy, "restored")
    }

    @Test("truncated, extended and removed files are detected by open and by check", arguments: CorruptionTarget.all)
    func truncations(_ target: CorruptionTarget) throws {
        let index = try DamagedIndex()
        let name = try #require(target.name(in: index.path))
        let original = index.read(name)
        let size = original.count
        var trials: [(String, [UInt8]?)] = []
        for length in Set([0, 1, 23, 24, 39, 40, size / 2, size - 17, size - 16, size - 4, size - 1]).sorted()
        where length >= 0 && length < size {
            trials.append(("truncated to \(length) of \(size) bytes", Array(original[0..<length])))
        }
        trials.append(("extended by 1 byte", original + [0]))
        trials.append(("extended by 16 bytes", original + Array(original.suffix(16))))
        trials.append(("removed", nil))
        var missed: [String] = []
        for (label, damaged) in trials {
            if let damaged { index.write(name, damaged) } else { unlink(index.path + "/" + name) }
            let (detected, detail) = detect(directory: index.path, file: name)
            if !detected { missed.append("\(label): \(detail)") }
            index.write(name, original)
        }
        print(
            "corruption: truncations, extensions and removal of \(name): \(trials.count) tried, "
                + "\(trials.count - missed.count) detected")
        #expect(
            missed.isEmpty, "\(trials.count - missed.count)/\(trials.count) detected for \(name); missed: \(missed)")
        #expect(IndexChecker.check(directory: index.path, deep: true).isHealthy, "restored")
    }

    @Test(
        "readers that skip the CRC (the writer, verifyChecksums: false) never crash on flipped bits",
        arguments: CorruptionTarget.all)
    func uncheckedReadsNeverCrash(_ target: CorruptionTarget) throws {
        let index = try DamagedIndex()
        let name = try #require(target.name(in: index.path))
        let original = index.read(name)
        var random = SeededRandom(stream: 7000 + UInt64(target.segment * 100 + target.fileExtension.utf8.count))
        var trials = sampledOffsets(size: original.count, count: 40, random: &random).map {
            (offset: $0, bit: Int.random(in: 0..<8, using: &random))
        }
        // The top byte of 8-byte words of the body, where offsets and totals are stored: aligned
        // words, the last two words before the footer, and every offset read as a 64-bit value
        // (whose top bit once trapped in `Int(_:)`).
        let aligned = Array(stride(from: 24 + 7, to: original.count - 16, by: 8))
        trials += aligned.shuffled(using: &random).prefix(48).map { (offset: $0, bit: 7) }
        trials += [original.count - 17, original.count - 25].filter { $0 >= 24 }.map { (offset: $0, bit: 7) }
        trials += offsetTopBytes(name: name, bytes: original).map { (offset: $0, bit: 7) }
        StorageFaultLock.shared {
            for (offset, bit) in trials {
                var damaged = original
                damaged[offset] ^= UInt8(1 << bit)
                index.write(name, damaged)
                // A crash here ends the test run: that is the failure this test exists to catch.
                readEverything(index.path)
                index.write(name, original)
            }
        }
        print("corruption: unchecked reads of \(name) with a flipped bit: \(trials.count) tried, none crashed")
        #expect(IndexChecker.check(directory: index.path, deep: true).isHealthy, "restored")
    }

    @Test("a writer opening an index whose term-dictionary offset has its top bit set throws")
    func signBitOffset() throws {
        let index = try DamagedIndex()
        let name = try #require(CorruptionTarget(segment: 1, fileExtension: "tdx").name(in: index.path))
        var damaged = index.read(name)
        let offsets = offsetTopBytes(name: name, bytes: damaged)
        try #require(!offsets.isEmpty)
        damaged[offsets.last!] ^= 0x80  // the trailer's keysStart
        index.write(name, damaged)
        _ = StorageFaultLock.shared {
            #expect(throws: IndexCorruption.self) { _ = try IndexWriter(directory: index.path) }
        }
    }
}

/// Offsets of the top byte of every u64 offset the readers convert to `Int`: in a term
/// dictionary the sparse index (block offset, first-key offset) and the trailer's indexStart and
/// keysStart; in stored documents the record-offset table and the trailer's offsetsStart. Empty
/// for other files.
private func offsetTopBytes(name: String, bytes: [UInt8]) -> [Int] {
    func u64(_ at: Int) -> Int {
        (0..<8).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) }
    }
    let header = 24
    let bodyEnd = bytes.count - 16
    if name.hasSuffix(".tdx") {
        let trailer = bodyEnd - 28
        let indexStart = u64(trailer)
        let keysStart = u64(trailer + 8)
        return stride(from: header + indexStart, to: header + keysStart, by: 8).map { $0 + 7 } + [
            trailer + 7, trailer + 15,
        ]
    }
    if name.hasSuffix(".sto") {
        let trailer = bodyEnd - 12
        let offsetsStart = u64(trailer)
        return stride(from: header + offsetsStart, to: trailer, by: 8).map { $0 + 7 } + [trailer + 7]
    }
    return []
}

/// Opens the index without checksum verification, as the writer does, and reads every term,
/// posting, position, norm, stored document and number; then opens a writer and deletes an
/// existing id (the writer's read path). Errors are fine; crashes are not.
private func readEverything(_ directory: String) {
    do {
        let snapshot = try IndexSnapshot(directory: directory, verifyChecksums: false)
        for segment in snapshot.segments {
            try segment.terms.forEach(withPrefix: UnsafeRawBufferPointer(start: nil, count: 0)) { key, info in
                let cursor = segment.cursor(info)
                while cursor.doc != PostingsCursor.terminated {
                    _ = segment.bodyNorm(cursor.doc)
                    _ = segment.titleNorm(cursor.doc)
                    if key.first == TermField.body.rawValue { _ = cursor.withPositions { $0.count } }
                    cursor.advance()
                }
                return true
            }
            for doc in 0..<segment.documentCount {
                _ = try segment.document(doc)
                _ = segment.isDeleted(doc)
                for field in segment.numericFields { _ = segment.number(field, doc: doc) }
            }
        }
    } catch {}
    do {
        let writer = try IndexWriter(directory: directory, options: .init(automaticMerges: false))
        try writer.delete(id: "doc-5")
        writer.close()
    } catch {}
    unlink(directory + "/LOCK")
}
