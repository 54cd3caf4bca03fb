import Foundation

/// Writes files so that readers see either the old content or the whole new content.
public enum AtomicFile {
    /// Writes `data` to a temporary file beside `path`, then renames it over `path`.
    ///
    /// - Throws: `InputError` naming `path` when the folder does not exist or is not writable.
    public static func write(_ data: Data, to path: String) throws(InputError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try data.write(to: temporary, options: [])
            if rename(temporary.path, url.path) != 0 {
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
