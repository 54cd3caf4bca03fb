import Foundation
import GPUCISupport
import GPUCITopology

/// Topology loading for commands that schedule on a topology without printing it: the
/// accelerators gpuci leaves out of the GPU count are named on standard error, so a runner
/// with 8 vector engines never reads as "0 GPUs" without a word.
enum CommandTopology {
    /// `TopologyLoader.load`, then one `note:` line per kind of unscheduled accelerator.
    static func load(_ reference: String) throws(InputError) -> Topology {
        let topology = try TopologyLoader.load(reference)
        warn(reference, notes: topology.unscheduledNotes)
        return topology
    }

    /// Writes `note: topology REFERENCE: NOTE` for each note.
    static func warn(_ reference: String, notes: [String]) {
        for note in notes {
            FileHandle.standardError.write(Data("note: topology \(reference): \(note)\n".utf8))
        }
    }
}
