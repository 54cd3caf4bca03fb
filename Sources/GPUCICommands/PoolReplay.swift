import GPUCIAllocation
import GPUCIPool
import GPUCISupport
import GPUCITopology

/// The work behind `gpuci pool`, callable without the argument parser.
enum PoolReplay {
    /// Loads the catalog, the trace and the topology, replays, and returns the output lines.
    ///
    /// - Throws: `InputError` for a bad trace, catalog or topology.
    static func lines(trace path: String, topology reference: String?, models: String?, eviction: EvictionPolicy,
                      placement: PlacementPolicy, requireRDMA: Bool) throws(InputError) -> [String] {
        if placement == .topology, reference == nil {
            throw InputError("--placement topology needs --topology (a GPU list in the trace header carries no links)")
        }
        let trace = try load(trace: path, models: models)
        let topology = try reference.map { name throws(InputError) in try CommandTopology.load(name) }
        return try trace.replay(topology: topology, placement: placement, eviction: eviction, requireRDMA: requireRDMA)
            .map(\.jsonLine)
    }

    /// Reads a trace against the bundled catalog, or the one at `models`.
    static func load(trace path: String, models: String?) throws(InputError) -> PoolTrace {
        let catalog: ModelCatalog
        if let models {
            catalog = try ModelCatalog.load(path: models)
        } else {
            catalog = try ModelCatalog.bundled()
        }
        return try PoolTrace.load(path: path, catalog: catalog)
    }
}
