// libFuzzer target: arbitrary bytes as a JSON Lines file. Each line goes through the JSON line
// parser and, when it is an object, becomes a document and an index document, as
// `concord index` does. Built by Fuzz/run.sh, not by SwiftPM.
import Concord

/// Runs one input: lines split at LF (a CR before it stays, as in `LineReader`), a leading
/// byte-order mark dropped from the first line, blank lines skipped. Every line must parse or
/// fail with a `JSONSyntaxError`; every parsed record must become a document or a `Problem`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    var lineStart = 0
    var lineNumber = 0
    while lineStart <= size {
        let lineEnd = input[lineStart...].firstIndex(of: 0x0A) ?? size
        lineNumber += 1
        var line = UnsafeRawBufferPointer(rebasing: input[lineStart..<lineEnd])
        if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) {
            line = UnsafeRawBufferPointer(rebasing: line.dropFirst(3))
        }
        readRecord(line)
        lineStart = lineEnd + 1
    }
    return 0
}

private func readRecord(_ line: UnsafeRawBufferPointer) {
    if line.allSatisfy({ $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }) {
        return
    }
    let members: [JSONMember]
    do {
        members = try JSONLineParser.parseObject(line)
    } catch {
        let lastColumn = JSONLineParser.columnOf(byteOffset: line.count, in: line)
        guard error.column >= 1 && error.column <= lastColumn, !error.reason.isEmpty else {
            fatalError("bad JSON error \(error) for \(Array(line))")
        }
        return
    }
    switch JSONRecord.document(from: members) {
    case .success(let document):
        let indexDocument = Indexer.indexDocument(from: document)
        guard indexDocument.id == document.id, !document.id.isEmpty else {
            fatalError("document id lost for \(Array(line))")
        }
    case .failure(let problem):
        guard !problem.reason.isEmpty else { fatalError("empty problem for \(Array(line))") }
    }
}
