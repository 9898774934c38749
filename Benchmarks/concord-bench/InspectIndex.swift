import Concord
import Foundation

/// `concord-bench inspect --index DIR`: bytes of postings and positions per dictionary
/// namespace (body stems, exact forms, title, keywords, ids), to see where index size goes.
enum InspectIndex {
    static func run(_ arguments: [String]) throws -> Int32 {
        let options = try BenchArguments(arguments)
        let index = try SearchIndex(path: try options.required("index"), verifyChecksums: false)
        let names = ["body", "exact", "title", "keyword", "id"]
        var terms = [Int](repeating: 0, count: 5)
        var postings = [UInt64](repeating: 0, count: 5)
        var positions = [UInt64](repeating: 0, count: 5)
        var docs = [UInt64](repeating: 0, count: 5)
        for segment in index.snapshot.segments {
            var previous: (namespace: Int, info: TermInfo)?
            let fileSizes = Dictionary(uniqueKeysWithValues: segment.fileSizes.map { ($0.component, $0.bytes) })
            func close(_ next: TermInfo?) {
                guard let (namespace, info) = previous else { return }
                let postingsEnd = next?.postingsOffset ?? UInt64(fileSizes["postings"]! - 16)
                postings[namespace] += postingsEnd - info.postingsOffset
                if namespace == 0 {
                    let positionsEnd =
                        (next.flatMap { $0.positionsOffset > 0 ? $0.positionsOffset : nil })
                        ?? UInt64(fileSizes["positions"]! - 16)
                    positions[namespace] += positionsEnd - info.positionsOffset
                }
            }
            try segment.terms.forEach(withPrefix: UnsafeRawBufferPointer(start: nil, count: 0)) { key, info in
                let namespace = Int(key.first!)
                close(info)
                terms[namespace] += 1
                docs[namespace] += UInt64(info.docFreq)
                previous = (namespace, info)
                return true
            }
            close(nil)
        }
        print("namespace   terms      postings   doc-entries   positions-bytes")
        for i in 0..<5 {
            print(
                names[i].padding(toLength: 10, withPad: " ", startingAt: 0)
                    + String(format: "%8d %12llu %12llu %14llu", terms[i], postings[i], docs[i], positions[i]))
        }
        return 0
    }
}
