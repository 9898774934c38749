import Foundation

/// Runs the built `concord` binary in end-to-end tests.
package enum ConcordProcess {
    /// The repository root (found from this file's path).
    package static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Path of an executable product: `$CONCORD_BINARY` for `concord` when set (to run the
    /// end-to-end and crash-loop tests against another build, e.g. `.build/release/concord`),
    /// else the one built next to the test bundle.
    package static func executable(_ name: String) -> String {
        if name == "concord", let override = ProcessInfo.processInfo.environment["CONCORD_BINARY"],
            !override.isEmpty
        {
            return override
        }
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name),
            repositoryRoot.appendingPathComponent(".build/debug/\(name)"),
            repositoryRoot.appendingPathComponent(".build/release/\(name)"),
        ]
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate.path
        }
        return candidates[1].path
    }

    /// Output of one run.
    package struct Output {
        /// Exit status.
        package var status: Int32
        /// Standard output.
        package var stdout: String
        /// Standard error.
        package var stderr: String
    }

    /// Runs `concord` with `arguments` in `directory`, feeding `input` to stdin.
    package static func run(
        _ arguments: [String], in directory: URL, input: String? = nil, environment: [String: String] = [:]
    ) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable("concord"))
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["CONCORD_INDEX"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        let inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        // Input that fits in the pipe buffer is written before the child starts: written after, it
        // raced a child that exits without reading it (a usage error, a missing index), and the
        // write's SIGPIPE then killed the whole test process.
        let inputBytes = Data((input ?? "").utf8)
        let pipeCapacity = 65_536
        if inputBytes.count <= pipeCapacity { inPipe.fileHandleForWriting.write(inputBytes) }
        try process.run()
        if inputBytes.count > pipeCapacity { inPipe.fileHandleForWriting.write(inputBytes) }
        try inPipe.fileHandleForWriting.close()
        // Read both pipes before waiting so a full pipe cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh temporary directory holding a copy of `index-data/corpus` (no index).
    package static func sampleWorkspace() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "concord-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("index-data"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: repositoryRoot.appendingPathComponent("index-data/corpus"),
            to: directory.appendingPathComponent("index-data/corpus"))
        return directory
    }
}
