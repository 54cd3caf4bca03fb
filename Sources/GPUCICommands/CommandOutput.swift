import Foundation
import GPUCISupport

/// Output files of the commands, where `-` is standard output; the command's own report then
/// goes to standard error so the two do not mix.
struct CommandOutput {
    /// Whether one of the outputs is `-`.
    let claimsStandardOutput: Bool

    /// Checks `outputs` (option name and path): at most one may be `-`.
    init(_ outputs: [(option: String, path: String?)]) throws(InputError) {
        let dashes = outputs.filter { $0.path == "-" }.map(\.option)
        guard dashes.count <= 1 else {
            throw InputError("only one output can be standard output (-); \(dashes.joined(separator: " and ")) both are")
        }
        claimsStandardOutput = !dashes.isEmpty
    }

    /// Writes `text` to `path` atomically, or to standard output for `-`.
    func write(_ text: String, to path: String) throws(InputError) {
        if path == "-" {
            FileHandle.standardOutput.write(Data(text.utf8))
        } else {
            try AtomicFile.write(text, to: path)
        }
    }

    /// Prints the command's report: to standard output, or to standard error when an output took it.
    func report(_ text: String) {
        (claimsStandardOutput ? FileHandle.standardError : FileHandle.standardOutput).write(Data(text.utf8))
    }
}
