import Concord
import Foundation

/// `concord index PATH...`: add or replace documents, with a progress bar on a terminal and a
/// summary line.
package enum IndexCommand {
    static let options: [OptionSpec] = [
        CommandHelp.indexOption,
        .value("memory-mb", "N", "writer memory budget in MB (default 256)"),
        .value("format", "FORMAT", "format of stdin (-): text, markdown or jsonl (default jsonl)"),
        .flag("strict", "stop at the first bad input before anything is committed"),
        CommandHelp.helpOption,
    ]

    package static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ArgumentParser.parse(arguments, specs: options, command: "index")
        if parsed.flag("help") {
            print(
                CommandHelp.help(
                    "index",
                    summary:
                        "Adds documents to the index (creating it); an id indexed again replaces the old document.",
                    options: options))
            return ExitCode.success
        }
        guard !parsed.positionals.isEmpty else { throw UsageError("give at least one PATH to index", command: "index") }
        var format: InputFormat?
        if let text = parsed.value("format") {
            guard let value = InputFormat(rawValue: text) else {
                throw UsageError("--format takes text, markdown or jsonl, not '\(text)'", command: "index")
            }
            format = value
        }
        // Budgets down to 1 MB are allowed so that small batches flush several segments (crash loop).
        let memory = try parsed.integer("memory-mb", in: 1...65_536, command: "index") ?? 256
        let (path, _) = IndexLocation.resolve(parsed)
        let summary = try build(
            paths: parsed.positionals, indexPath: path,
            options: IndexingOptions(memoryMegabytes: memory, strict: parsed.flag("strict"), format: format),
            showIssues: true)
        return summary.skipped > 0 && parsed.flag("strict") ? ExitCode.failure : ExitCode.success
    }

    /// Indexes `paths` with progress on stderr and prints the summary line.
    package static func build(paths: [String], indexPath: String, options: IndexingOptions, showIssues: Bool) throws
        -> IndexingSummary
    {
        var bar = ProgressBar(itemName: "docs")
        var shownIssues = 0
        let started = Date()
        let summary = try Indexer.index(
            paths: paths, into: indexPath, options: options,
            progress: { progress in bar.update(items: progress.documents, bytes: Int64(progress.bytes)) },
            issue: { issue in
                guard showIssues else { return }
                shownIssues += 1
                if shownIssues <= 20 {
                    bar.log("concord: skipped \(issue)")
                } else if shownIssues == 21 {
                    bar.log("concord: more inputs skipped; the summary counts them all")
                }
            })
        let seconds = max(Date().timeIntervalSince(started), 1e-6)
        let megabytes = Double(summary.bytes) / 1_000_000
        let size = directorySize(indexPath)
        bar.finish(
            summary:
                "indexed \(summary.indexed) document\(summary.indexed == 1 ? "" : "s") (\(summary.replaced) replaced, \(summary.skipped) skipped), "
                + "\(format(megabytes)) MB in \(format(seconds)) s (\(format(megabytes / seconds)) MB/s); "
                + "index \(format(Double(size) / 1_000_000)) MB in \(summary.segments) segment"
                + (summary.segments == 1 ? "" : "s"))
        return summary
    }

    static func directorySize(_ path: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.reduce(0) { total, name in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + name)
            return total + ((attributes?[.size] as? NSNumber)?.intValue ?? 0)
        }
    }

    static func format(_ value: Double) -> String {
        String(format: value < 10 ? "%.2f" : "%.1f", value)
    }
}

/// `concord delete ID...`.
package enum DeleteCommand {
    static let options: [OptionSpec] = [CommandHelp.indexOption, CommandHelp.helpOption]

    package static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ArgumentParser.parse(arguments, specs: options, command: "delete")
        if parsed.flag("help") {
            print(CommandHelp.help("delete", summary: "Deletes documents by id and commits.", options: options))
            return ExitCode.success
        }
        guard !parsed.positionals.isEmpty else { throw UsageError("give at least one document ID", command: "delete") }
        let (path, _) = IndexLocation.resolve(parsed)
        guard FileManager.default.fileExists(atPath: path + "/MANIFEST") else { throw IndexOpenError.missing(path) }
        let writer = try IndexWriter(directory: path)
        defer { writer.close() }
        var missing: [String] = []
        for id in parsed.positionals where !(try writer.delete(id: id)) { missing.append(id) }
        // Nothing deleted: leave the index (and its commit generation) untouched.
        let deleted = missing.count < parsed.positionals.count ? try writer.commit().deleted : 0
        print("deleted \(deleted) document\(deleted == 1 ? "" : "s")")
        if !missing.isEmpty { printError("not found: \(missing.joined(separator: ", "))") }
        return missing.isEmpty ? ExitCode.success : ExitCode.failure
    }
}

/// `concord merge`.
package enum MergeCommand {
    static let options: [OptionSpec] = [CommandHelp.indexOption, CommandHelp.helpOption]

    package static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ArgumentParser.parse(arguments, specs: options, command: "merge")
        if parsed.flag("help") {
            print(
                CommandHelp.help(
                    "merge", summary: "Merges all segments into one, dropping deleted documents.", options: options))
            return ExitCode.success
        }
        if let extra = parsed.positionals.first { throw UsageError("unexpected argument '\(extra)'", command: "merge") }
        let (path, _) = IndexLocation.resolve(parsed)
        guard FileManager.default.fileExists(atPath: path + "/MANIFEST") else { throw IndexOpenError.missing(path) }
        let started = Date()
        let writer = try IndexWriter(directory: path)
        defer { writer.close() }
        var bar = ProgressBar(itemName: "terms")
        let summary = try writer.mergeAll { done, _ in bar.update(items: done, bytes: 0) }
        bar.finish(summary: "")
        printDiagnostic(
            "merged into \(summary.segmentCount) segment\(summary.segmentCount == 1 ? "" : "s") in "
                + IndexCommand.format(Date().timeIntervalSince(started)) + " s")
        return ExitCode.success
    }
}
