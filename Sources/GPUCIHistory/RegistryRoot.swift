import Foundation
import GPUCISupport

/// The folder test files are run from; resolves a registered file and refuses any path that
/// leaves it (`..`, absolute paths, symbolic links pointing outside).
public struct RegistryRoot: Sendable, Hashable {
    /// The root with symbolic links resolved.
    public let url: URL

    /// - Throws: `InputError` when `path` is not a folder.
    public init(path: String) throws(InputError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError("expected a folder (the registry root)", file: path)
        }
        url = URL(fileURLWithPath: Self.realPath(path) ?? path)
    }

    /// The resolved URL of `file` (relative to the root).
    ///
    /// - Throws: `InputError` naming `file` when it is absolute, missing, not a regular file, or
    ///   resolves outside the root.
    public func resolve(_ file: String) throws(InputError) -> URL {
        guard !file.hasPrefix("/") else { throw InputError("refusing an absolute path; registered files are relative to the root", file: file) }
        let joined = url.appendingPathComponent(file).path
        guard let real = Self.realPath(joined) else { throw InputError("no such file under \(url.path)", file: file) }
        guard real.hasPrefix(url.path.hasSuffix("/") ? url.path : url.path + "/") else {
            throw InputError("refusing a file that resolves outside \(url.path) (to \(real))", file: file)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw InputError("not a regular file", file: file)
        }
        return URL(fileURLWithPath: real)
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
