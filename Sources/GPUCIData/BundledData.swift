import Foundation
import GPUCISupport

/// The data gpuci ships: the `Topologies/` and `Scenarios/` folders of the package root.
///
/// SwiftPM copies them into a resource folder beside the executable. The lookup never traps
/// (unlike the generated `Bundle.module`): `GPUCI_DATA_DIR` overrides it, and a missing
/// folder is reported as an error.
public enum BundledData {
    /// The folder that holds `Topologies/` and `Scenarios/`.
    public static func root() throws(InputError) -> URL {
        let fileManager = FileManager.default
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["GPUCI_DATA_DIR"], !override.isEmpty {
            candidates.append(URL(fileURLWithPath: override))
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        let bundleName = "gpuci_GPUCIData.resources"
        candidates.append(executable.deletingLastPathComponent().appendingPathComponent(bundleName))
        candidates.append(Bundle.main.bundleURL.appendingPathComponent(bundleName))
        // Test runners live in the same build folder as the executable.
        for bundle in Bundle.allBundles {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent(bundleName))
        }
        // A source checkout: this file is Sources/GPUCIData/BundledData.swift.
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent())
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            let topologies = candidate.appendingPathComponent("Topologies").path
            if fileManager.fileExists(atPath: topologies, isDirectory: &isDirectory), isDirectory.boolValue {
                return candidate
            }
        }
        throw InputError("cannot find gpuci's bundled Topologies/ and Scenarios/ (set GPUCI_DATA_DIR to the folder holding them)")
    }

    /// The path of a bundled file, e.g. `url("Scenarios/models.yaml")`.
    public static func url(_ relativePath: String) throws(InputError) -> URL {
        try root().appendingPathComponent(relativePath)
    }

    /// The contents of a bundled text file.
    public static func text(_ relativePath: String) throws(InputError) -> String {
        try AtomicFile.readText(url(relativePath).path)
    }

    /// The names of the files in a bundled folder with the given extension, sorted.
    public static func files(in folder: String, withExtension ext: String) throws(InputError) -> [String] {
        let directory = try url(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".\(ext)") }.sorted()
    }
}
