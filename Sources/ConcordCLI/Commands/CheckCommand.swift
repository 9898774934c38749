import Concord
import Foundation

/// `concord check [--deep]`: exit 0 only if the index is healthy.
package enum CheckCommand {
    static let options: [OptionSpec] = [
        CommandHelp.indexOption, .flag("deep", "also re-analyze stored text and compare every posting"),
        CommandHelp.helpOption,
    ]

    package static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ArgumentParser.parse(arguments, specs: options, command: "check")
        if parsed.flag("help") {
            print(
                CommandHelp.help(
                    "check", summary: "Verifies checksums and structure of every file; exit 0 only if all is well.",
                    options: options))
            return ExitCode.success
        }
        let (path, _) = IndexLocation.resolve(parsed)
        guard FileManager.default.fileExists(atPath: path + "/MANIFEST") else { throw IndexOpenError.missing(path) }
        let started = Date()
        var bar = ProgressBar(itemName: "docs")
        let report = IndexChecker.check(directory: path, deep: parsed.flag("deep")) { done, _ in
            bar.update(items: done, bytes: 0)
        }
        bar.finish(summary: "")
        for problem in report.problems { print("error: \(problem)") }
        for segment in report.segments {
            let status = segment.problems.isEmpty ? "ok" : "CORRUPT"
            print(
                "segment \(segment.id): \(segment.documents) documents, \(segment.terms) terms, \(segment.postings) postings: \(status)"
            )
            for problem in segment.problems { print("  error: \(problem)") }
        }
        let seconds = Date().timeIntervalSince(started)
        if report.isHealthy {
            print(
                "index \(path) (commit \(report.generation)) is healthy (\(parsed.flag("deep") ? "deep" : "structural") check, \(IndexCommand.format(seconds)) s)"
            )
            return ExitCode.success
        }
        printError("index \(path) is corrupt: rebuild it from the source documents with `concord index`")
        return ExitCode.failure
    }
}
