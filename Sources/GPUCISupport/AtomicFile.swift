import Foundation

/// Writes files so that readers see either the old content or the whole new content.
public enum AtomicFile {
    /// Writes `data` to a temporary file beside `path`, then renames it over `path`.
    ///
    /// A file that exists keeps its permission bits (and owner and group, where the process may
    /// set them); a symbolic link is written through to the file it names; a FIFO or device is
    /// written to directly rather than replaced. The temporary (`.<name>.<pid>.tmp`) is removed on
    /// every error path, and temporaries that a killed gpuci left beside the file are removed.
    ///
    /// - Throws: `InputError` naming `path` when the folder does not exist or is not writable.
    public static func write(_ data: Data, to path: String) throws(InputError) {
        var target = URL(fileURLWithPath: path)
        var status = stat()
        if lstat(target.path, &status) == 0, status.st_mode & S_IFMT == S_IFLNK {
            target = target.resolvingSymlinksInPath()
        }
        let exists = stat(target.path, &status) == 0
        if exists, status.st_mode & S_IFMT != S_IFREG {
            guard status.st_mode & S_IFMT != S_IFDIR else { throw InputError("is a folder, not a file", file: path) }
            guard let handle = FileHandle(forWritingAtPath: target.path) else {
                throw InputError("cannot open for writing: \(String(cString: strerror(errno)))", file: path)
            }
            defer { try? handle.close() }
            do { try handle.write(contentsOf: data) } catch {
                throw InputError("cannot write: \(error.localizedDescription)", file: path)
            }
            return
        }
        let directory = target.deletingLastPathComponent()
        var folder = stat()
        guard stat(directory.path, &folder) == 0, folder.st_mode & S_IFMT == S_IFDIR else {
            throw InputError("cannot write: the folder \(directory.path) does not exist", file: path)
        }
        removeStaleTemporaries(of: target)
        let temporary = directory.appendingPathComponent(".\(target.lastPathComponent).\(getpid()).tmp")
        do {
            try data.write(to: temporary, options: [])
            if exists {
                _ = chmod(temporary.path, status.st_mode & 0o7777)
                _ = chown(temporary.path, status.st_uid, status.st_gid)
            }
            if rename(temporary.path, target.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                throw InputError("cannot replace the file: \(reason)", file: path)
            }
        } catch let error as InputError {
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw InputError("cannot write: \(error.localizedDescription)", file: path)
        }
    }

    /// Removes `.<name>.<pid>.tmp` beside `file` whose process no longer runs.
    private static func removeStaleTemporaries(of file: URL) {
        let prefix = ".\(file.lastPathComponent)."
        let directory = file.deletingLastPathComponent()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            guard let pid = Int32(name.dropFirst(prefix.count).dropLast(4)), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
            }
        }
    }

    /// Throws when `output` names the same file as one of `inputs` (after links): writing it
    /// would destroy what is being read. `option` names the output in the message.
    public static func refuseOverwriting(_ inputs: [String], with output: String, option: String) throws(InputError) {
        var target = stat()
        guard stat(output, &target) == 0 else { return }
        for input in inputs {
            var source = stat()
            if stat(input, &source) == 0, source.st_dev == target.st_dev, source.st_ino == target.st_ino {
                throw InputError("\(option) names the input file \(input); choose another output", file: output)
            }
        }
    }

    /// Writes `text` as UTF-8; see ``write(_:to:)``.
    public static func write(_ text: String, to path: String) throws(InputError) {
        try write(Data(text.utf8), to: path)
    }

    /// Reads a whole UTF-8 text file.
    ///
    /// - Throws: `InputError` naming `path` when it is missing, unreadable or not UTF-8.
    public static func readText(_ path: String) throws(InputError) -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw InputError("no such file", file: path)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError("cannot read the file", file: path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError("the file is not UTF-8 text", file: path)
        }
        return text
    }
}
