import Foundation
import GPUCISupport

/// The registrations of a whole source tree and every problem found in it.
public struct RegistryScan: Sendable, Hashable {
    /// Registrations in discovery order (root by root in the rules' order; within a root,
    /// sorted path order, then source order).
    public var registrations: [Registration]
    /// Malformed calls, unparsable files, files without a registration and (where the rules
    /// say so) enabled files without an executable main block, each located.
    public var problems: [InputError]
    /// How many `.py` files were read.
    public var fileCount: Int
    /// The collector rules the tree was read by, and why they were chosen.
    public var rules: RegistryRulesResolution

    /// The registrations, or the problems as one error naming the first and counting the rest.
    public func requireClean() throws(InputError) -> [Registration] {
        guard let first = problems.first else { return registrations }
        guard problems.count > 1 else { throw first }
        var error = first
        error.message += " (and \(problems.count - 1) more problems; `gpuci registry scan` lists them all)"
        throw error
    }
}

/// Scans an sglang tree's registered CI files (`test/registered/`, and the other roots of the
/// chosen ``RegistryRules``) for `register_<backend>_ci(...)` calls.
public enum RegistryScanner {
    /// Files that never hold a registration and are not discovered in any era.
    public static let exemptFileNames: Set<String> = ["__init__.py", "conftest.py"]

    /// Scans `directory` by the anchor's rules (``RegistryRules/anchor``); see
    /// ``scan(directory:rules:)``.
    public static func scan(directory: String) throws(InputError) -> RegistryScan {
        try scan(directory: directory, rules: .anchor)
    }

    /// Scans `directory` by `rules`, which are reported as chosen by the caller.
    ///
    /// - Throws: `InputError` when `directory` holds neither `registered/` nor `test/registered/`.
    public static func scan(directory: String, rules: RegistryRules) throws(InputError) -> RegistryScan {
        try scan(directory: directory, choice: .named(rules))
    }

    /// Scans `directory`, which holds `registered/` (sglang's `test/`) or `test/registered/`
    /// (a repository root), by the rules `choice` picks (``RegistryRulesChoice/resolve(directory:commitDate:)``).
    /// Reported paths are repository-relative: `test/registered/…`, `python/sglang/jit_kernel/…`.
    ///
    /// - Throws: `InputError` when neither folder exists.
    public static func scan(directory: String, choice: RegistryRulesChoice,
                            commitDate: (String) -> Result<String, GitDateProblem> = GitCommitDate.read) throws(InputError) -> RegistryScan {
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        let repository: URL
        if isDirectory(root.appendingPathComponent("registered")) {
            repository = root.deletingLastPathComponent()
        } else if isDirectory(root.appendingPathComponent("test/registered")) {
            repository = root
        } else {
            throw InputError("expected a folder holding registered/ (sglang's test/) or test/registered/ (a repository root)", file: directory)
        }
        let resolution = choice.resolve(directory: directory, commitDate: commitDate)
        let rules = resolution.rules
        var scan = RegistryScan(registrations: [], problems: [], fileCount: 0, rules: resolution)
        for collectionRoot in rules.roots {
            let folder = collectionRoot.folder == "test/registered"
                // `registered/` is found beside DIR's contents even when DIR is sglang's test/.
                ? (isDirectory(root.appendingPathComponent("registered")) ? root.appendingPathComponent("registered")
                                                                            : root.appendingPathComponent("test/registered"))
                : repository.appendingPathComponent(collectionRoot.folder)
            guard isDirectory(folder) else { continue }
            for relative in pythonFiles(under: folder, root: collectionRoot) {
                let file = collectionRoot.folder + "/" + relative
                read(file: file, path: folder.appendingPathComponent(relative).path, rules: rules, into: &scan)
            }
        }
        return scan
    }

    /// Reads one collected file into `scan`.
    private static func read(file: String, path: String, rules: RegistryRules, into scan: inout RegistryScan) {
        scan.fileCount += 1
        guard let data = FileManager.default.contents(atPath: path) else {
            scan.problems.append(InputError("cannot read the file", file: file))
            return
        }
        let bytes = [UInt8](data)
        guard String(validating: bytes, as: UTF8.self) != nil else {
            scan.problems.append(InputError("the file is not UTF-8 text", file: file))
            return
        }
        let result = RegistrationReader.read(source: bytes, file: file)
        scan.registrations += result.registrations
        scan.problems += result.problems
        if result.registrations.isEmpty, result.problems.isEmpty {
            scan.problems.append(InputError(
                "No CI registry found: expected a module-level register_<backend>_ci(...) call", file: file))
        }
        // sglang #23305: python3 FILE must run something, or an enabled file passes without running.
        if rules.requiresMainBlock, let enabled = result.registrations.first(where: { $0.disabled == nil }) {
            switch result.mainBlock {
            case .runs:
                break
            case let .runsNothing(line):
                scan.problems.append(InputError(
                    "the if __name__ == \"__main__\": block calls nothing, so `python3 \(file)` runs no test; call unittest.main() or sys.exit(pytest.main([__file__, \"-v\"])) in it (rules '\(rules.name)')",
                    file: file, line: line))
            case .missing:
                scan.problems.append(InputError(
                    "missing an if __name__ == \"__main__\": block for the enabled registration, so `python3 \(file)` runs no test; add one that calls unittest.main() or sys.exit(pytest.main([__file__, \"-v\"])) (rules '\(rules.name)')",
                    file: file, line: enabled.line))
            }
        }
    }

    /// The `.py` files under `folder` (paths relative to it) that `root` collects, hidden names
    /// skipped like Python's `glob`, in byte order of the path.
    static func pythonFiles(under folder: URL, root: RegistryRules.Root) -> [String] {
        // Symbolic links to folders are followed, as sglang's recursive glob does (a symlinked
        // `registered/` is common in monorepos); each folder is entered once, so loops end.
        var files: [String] = []
        for relative in DirectoryWalk.files(under: folder.path, include: { $0.hasSuffix(".py") }) {
            let name = relative.split(separator: "/").last.map(String.init) ?? relative
            if root.collects(path: root.folder + "/" + relative, name: name) { files.append(relative) }
        }
        return files.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The `.py` files under `folder` by the anchor's `test/registered/` rules.
    static func pythonFiles(under folder: URL) -> [String] {
        pythonFiles(under: folder, root: RegistryRules.registered())
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
    }
}
