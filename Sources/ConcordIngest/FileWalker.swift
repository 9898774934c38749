#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file to read, as found under a folder or named on the command line.
package struct InputFile: Sendable, Equatable {
    /// Path to open: the argument, or the folder argument joined with `id`.
    package var path: String
    /// Document id of a text or Markdown file: the path relative to the walked folder (with `/`), or
    /// the file name of a file named directly.
    package var id: String
    /// How to read the file.
    package var format: InputFormat

    /// Creates an input file.
    package init(path: String, id: String, format: InputFormat) {
        self.path = path
        self.id = id
        self.format = format
    }
}

/// Finds the input files under a folder.
package enum FileWalker {
    /// Every regular file with a supported extension (see `InputFormat(fileName:)`) under `root`, at any
    /// depth, sorted by relative path in byte order so that runs are reproducible. Hidden files and folders
    /// (name starting with `.`) are skipped; symbolic links are followed, but each folder is entered once,
    /// so link loops end. A sub-folder that cannot be read is passed to `problem`; throws
    /// `ReaderError.unreadable` if `root` itself cannot be read (and whatever `problem` throws).
    package static func files(inFolder root: String, problem: (IngestIssue) throws -> Void) throws -> [InputFile] {
        var visited: Set<FileIdentity> = []
        if let identity = FileIdentity(path: root) { visited.insert(identity) }
        var found: [InputFile] = []
        var pendingFolders = [""]
        while let folder = pendingFolders.popLast() {
            let folderPath = join(root, folder)
            guard let stream = opendir(folderPath) else {
                let reason = String(cString: strerror(errno))
                if folder.isEmpty { throw ReaderError.unreadable(path: root, reason: reason) }
                try problem(IngestIssue(file: folderPath, reason: "cannot read folder (\(reason)), skipped"))
                continue
            }
            defer { closedir(stream) }
            while let entry = readdir(stream) {
                let name = withUnsafeBytes(of: &entry.pointee.d_name) {
                    String(validatingCString: $0.baseAddress!.assumingMemoryBound(to: CChar.self))
                }
                guard let name else {
                    try problem(IngestIssue(file: folderPath, reason: "a file name is not valid UTF-8, skipped"))
                    continue
                }
                if name.hasPrefix(".") { continue }
                let relative = folder.isEmpty ? name : folder + "/" + name
                let entryType = Int(entry.pointee.d_type)
                if entryType == Int(DT_REG) {
                    if let format = InputFormat(fileName: name) {
                        found.append(InputFile(path: join(root, relative), id: relative, format: format))
                    }
                    continue
                }
                guard entryType == Int(DT_DIR) || entryType == Int(DT_LNK) || entryType == Int(DT_UNKNOWN) else {
                    continue
                }
                // Links and unknown types: look at what the entry finally points to (a dangling link is ignored).
                var status = stat()
                guard stat(join(root, relative), &status) == 0 else { continue }
                switch status.st_mode & S_IFMT {
                case S_IFDIR:
                    if visited.insert(FileIdentity(status)).inserted { pendingFolders.append(relative) }
                case S_IFREG:
                    if let format = InputFormat(fileName: name) {
                        found.append(InputFile(path: join(root, relative), id: relative, format: format))
                    }
                default: continue
                }
            }
        }
        found.sort { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
        return found
    }

    /// `root` and a relative path joined with exactly one `/`.
    package static func join(_ root: String, _ relative: String) -> String {
        if relative.isEmpty { return root }
        return root.hasSuffix("/") ? root + relative : root + "/" + relative
    }
}

/// Device and inode: identifies a folder however it was reached.
private struct FileIdentity: Hashable {
    var device: UInt64
    var inode: UInt64

    init(_ status: stat) {
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }

    init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        self.init(status)
    }
}
