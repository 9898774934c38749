// libFuzzer target: arbitrary bytes as a text or Markdown file: UTF-8 check, UN resolution
// recognition, Markdown cleanup, paragraph splitting and the index document, with the offset
// map contract checked on every paragraph. Built by Fuzz/run.sh, not by SwiftPM.
import Concord

/// Runs one input. Invalid UTF-8 is repaired (U+FFFD) rather than refused, so that every
/// input reaches the parsers; the byte-level UTF-8 check must agree with the standard library.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let invalidOffset = UTF8Check.firstInvalidOffset(in: UnsafeRawBufferPointer(bytes))
    if (invalidOffset == nil) != (String(validating: bytes, as: UTF8.self) != nil) {
        fatalError("UTF8Check says \(String(describing: invalidOffset)) for \(Array(bytes))")
    }
    let source = String(decoding: bytes, as: UTF8.self)
    let sourceBytes = Array(source.utf8)
    for markdown in [false, true] {
        let document = TextDocumentParser.parse(id: "fuzz", source: source, markdown: markdown)
        for paragraph in document.paragraphs {
            if let violation = offsetMapViolation(paragraph, source: sourceBytes) {
                fatalError("\(violation) (markdown: \(markdown)) for \(source.debugDescription)")
            }
        }
        _ = Indexer.indexDocument(from: document)
    }
    for paragraph in TextDocumentParser.genericParagraphs(source, sourceOffset: 0) {
        if let violation = offsetMapViolation(paragraph, source: sourceBytes) {
            fatalError("\(violation) (generic) for \(source.debugDescription)")
        }
    }
    return 0
}

/// The first broken promise of `IngestParagraph.segments`: sorted, non-overlapping, non-empty
/// runs whose cleaned bytes equal the source bytes they point at.
private func offsetMapViolation(_ paragraph: IngestParagraph, source: [UInt8]) -> String? {
    let text = Array(paragraph.text.utf8)
    var previousEnd = 0
    for segment in paragraph.segments {
        let textStart = Int(segment.textStart)
        let sourceStart = Int(segment.sourceStart)
        let length = Int(segment.length)
        guard length > 0 else { return "\(paragraph.label): empty segment" }
        guard textStart >= previousEnd else { return "\(paragraph.label): segments overlap or are unsorted" }
        guard textStart + length <= text.count, sourceStart + length <= source.count else {
            return "\(paragraph.label): segment out of bounds"
        }
        guard text[textStart..<textStart + length] == source[sourceStart..<sourceStart + length] else {
            return "\(paragraph.label): text at \(textStart) differs from source at \(sourceStart)"
        }
        previousEnd = textStart + length
    }
    return nil
}
