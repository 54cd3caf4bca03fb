import CHwloc

/// A copy of one hwloc distance matrix: its objects and row-major values.
struct DistanceMatrix {
    let objects: [HwlocObject]
    let values: [UInt64]

    func value(_ row: Int, _ column: Int) -> UInt64 { values[row * objects.count + column] }

    /// The first matrix called `name`, or `nil`. With `closeSwitches`, NVSwitch ports are
    /// merged and the transitive closure taken, so GPUs behind one switch appear joined.
    static func read(_ topology: OpaquePointer, name: String, closeSwitches: Bool) -> DistanceMatrix? {
        var count: UInt32 = 1
        var matrices: [UnsafeMutablePointer<hwloc_distances_s>?] = [nil]
        guard hwloc_distances_get_by_name(topology, name, &count, &matrices, 0) == 0, count >= 1,
              let matrix = matrices[0] else { return nil }
        defer { hwloc_distances_release(topology, matrix) }
        if closeSwitches, hasNVSwitch(matrix) {
            _ = hwloc_distances_transform(topology, matrix, HWLOC_DISTANCES_TRANSFORM_MERGE_SWITCH_PORTS, nil, 0)
            _ = hwloc_distances_transform(topology, matrix, HWLOC_DISTANCES_TRANSFORM_TRANSITIVE_CLOSURE, nil, 0)
        }
        return copy(matrix)
    }

    /// The NUMA nodes' latency matrix, found by kind rather than name: hwloc 2.5+ calls it
    /// `NUMALatency`, v1 XML and hwloc 2.0–2.4 exports leave it unnamed. A named one wins, then
    /// the one covering the most nodes.
    static func numaLatency(_ topology: OpaquePointer) -> DistanceMatrix? {
        var count: UInt32 = 0
        let kind = UInt(HWLOC_DISTANCES_KIND_MEANS_LATENCY.rawValue)
        guard hwloc_distances_get_by_type(topology, HWLOC_OBJ_NUMANODE, &count, nil, kind, 0) == 0, count > 0 else {
            return nil
        }
        var matrices = [UnsafeMutablePointer<hwloc_distances_s>?](repeating: nil, count: Int(count))
        guard hwloc_distances_get_by_type(topology, HWLOC_OBJ_NUMANODE, &count, &matrices, kind, 0) == 0 else { return nil }
        defer { for matrix in matrices.prefix(Int(count)) { if let matrix { hwloc_distances_release(topology, matrix) } } }
        let candidates = matrices.prefix(Int(count)).compactMap { $0 }
        let best = candidates.max { a, b in
            let named = { (m: UnsafeMutablePointer<hwloc_distances_s>) in
                hwloc_distances_get_name(topology, m).map { String(cString: $0) == "NUMALatency" } ?? false
            }
            return (named(a) ? 1 : 0, a.pointee.nbobjs) < (named(b) ? 1 : 0, b.pointee.nbobjs)
        }
        return best.flatMap(copy)
    }

    private static func copy(_ matrix: UnsafeMutablePointer<hwloc_distances_s>) -> DistanceMatrix? {
        let size = Int(matrix.pointee.nbobjs)
        guard size > 0, let objectArray = matrix.pointee.objs, let valueArray = matrix.pointee.values else { return nil }
        var objects: [HwlocObject] = []
        for index in 0..<size {
            guard let object = objectArray[index] else { return nil }
            objects.append(HwlocObject(raw: object))
        }
        return DistanceMatrix(objects: objects, values: (0..<(size * size)).map { valueArray[$0] })
    }

    private static func hasNVSwitch(_ matrix: UnsafeMutablePointer<hwloc_distances_s>) -> Bool {
        guard let objects = matrix.pointee.objs else { return false }
        return (0..<Int(matrix.pointee.nbobjs)).contains { index in
            guard let object = objects[index].map(HwlocObject.init) else { return false }
            return object.isPCIDevice && object.subtype == "NVSwitch"
        }
    }
}
