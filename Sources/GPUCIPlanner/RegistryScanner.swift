import Foundation
import GPUCISupport

/// The registrations of a whole source tree and every problem found in it.
public struct RegistryScan: Sendable, Hashable {
    /// Registrations in discovery order (sorted path order, then source order).
    public var registrations: [Registration]
    /// Malformed calls, unparsable files and files without a registration, each located.
    public var problems: [InputError]
    /// How many `.py` files were read.
    public var fileCount: Int

    /// The registrations, or the problems as one error naming the first and counting the rest.
    public func requireClean() throws(InputError) -> [Registration] {
        guard let first = problems.first else { return registrations }
        guard problems.count > 1 else { throw first }
        var error = first
        error.message += " (and \(problems.count - 1) more problems; `gpuci registry scan` lists them all)"
        throw error
    }
}

/// Scans sglang's `test/registered/` tree for `register_<backend>_ci(...)` calls.
public enum RegistryScanner {
    /// Files that never hold a registration and are not discovered (sglang #34309).
    public static let exemptFileNames: Set<String> = ["__init__.py", "conftest.py"]

    /// Scans `directory`, which holds `registered/` (sglang's `test/`) or `test/registered/`
    /// (a repository root). Reported paths are repository-relative: `test/registered/…`.
    ///
    /// - Throws: `InputError` when neither folder exists.
    public static func scan(directory: String) throws(InputError) -> RegistryScan {
        let root = URL(fileURLWithPath: directory)
        let testFolder: URL
        if isDirectory(root.appendingPathComponent("registered")) {
            testFolder = root
        } else if isDirectory(root.appendingPathComponent("test/registered")) {
            testFolder = root.appendingPathComponent("test")
        } else {
            throw InputError("expected a folder holding registered/ (sglang's test/) or test/registered/ (a repository root)", file: directory)
        }
        var scan = RegistryScan(registrations: [], problems: [], fileCount: 0)
        for relative in pythonFiles(under: testFolder.appendingPathComponent("registered")) {
            let file = "test/registered/" + relative
            let path = testFolder.appendingPathComponent("registered").appendingPathComponent(relative).path
            scan.fileCount += 1
            guard let data = FileManager.default.contents(atPath: path) else {
                scan.problems.append(InputError("cannot read the file", file: file))
                continue
            }
            let bytes = [UInt8](data)
            guard String(validating: bytes, as: UTF8.self) != nil else {
                scan.problems.append(InputError("the file is not UTF-8 text", file: file))
                continue
            }
            let result = RegistrationReader.read(source: bytes, file: file)
            scan.registrations += result.registrations
            scan.problems += result.problems
            if result.registrations.isEmpty, result.problems.isEmpty {
                scan.problems.append(InputError(
                    "No CI registry found: expected a module-level register_<backend>_ci(...) call", file: file))
            }
        }
        return scan
    }

    /// The `.py` files under `folder` (paths relative to it), hidden names skipped like Python's
    /// `glob`, in byte order of the path.
    static func pythonFiles(under folder: URL) -> [String] {
        // Symbolic links to folders are followed, as sglang's recursive glob does (a symlinked
        // `registered/` is common in monorepos); each folder is entered once, so loops end.
        DirectoryWalk.files(under: folder.path) { name in
            name.hasSuffix(".py") && !exemptFileNames.contains(name)
        }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
    }
}
