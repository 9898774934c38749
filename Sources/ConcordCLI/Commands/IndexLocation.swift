import Concord
import Foundation

/// Where the index is and how to open it (DESIGN §5: `--index`, `CONCORD_INDEX`, default
/// `index-data/index`; only `index` and the first run create one).
package enum IndexLocation {
    /// The default index directory, relative to the working directory.
    package static let defaultPath = "index-data/index"
    /// The sample corpus the first run indexes.
    package static let defaultCorpus = "index-data/corpus"

    /// The index path chosen by the arguments or environment, and whether it is the default.
    package static func resolve(_ arguments: ParsedArguments) -> (path: String, isDefault: Bool) {
        if let path = arguments.value("index") { return (path, false) }
        if let path = ProcessInfo.processInfo.environment["CONCORD_INDEX"], !path.isEmpty { return (path, false) }
        return (defaultPath, true)
    }

    /// Opens the index for reading. On the first run (default index missing, sample corpus
    /// present) it is built from the sample corpus first, with progress on stderr.
    package static func open(_ arguments: ParsedArguments, firstRun: Bool) throws -> SearchIndex {
        let (path, isDefault) = resolve(arguments)
        let exists = FileManager.default.fileExists(atPath: path + "/MANIFEST")
        if !exists && isDefault && firstRun && FileManager.default.fileExists(atPath: defaultCorpus) {
            printDiagnostic("concord: no index yet; building \(path) from the sample corpus in \(defaultCorpus)")
            let summary = try IndexCommand.build(
                paths: [defaultCorpus], indexPath: path, options: IndexingOptions(), showIssues: true)
            _ = summary
        }
        return try SearchIndex(path: path)
    }
}
