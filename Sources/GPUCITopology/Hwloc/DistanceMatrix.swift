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
        let size = Int(matrix.pointee.nbobjs)
        guard size > 0, let objectArray = matrix.pointee.objs, let valueArray = matrix.pointee.values else { return nil }
        var objects: [HwlocObject] = []
        for index in 0..<size {
            guard let object = objectArray[index] else { return nil }
            objects.append(HwlocObject(raw: object))
        }
        let values = (0..<(size * size)).map { valueArray[$0] }
        return DistanceMatrix(objects: objects, values: values)
    }

    private static func hasNVSwitch(_ matrix: UnsafeMutablePointer<hwloc_distances_s>) -> Bool {
        guard let objects = matrix.pointee.objs else { return false }
        return (0..<Int(matrix.pointee.nbobjs)).contains { index in
            guard let object = objects[index].map(HwlocObject.init) else { return false }
            return object.isPCIDevice && object.subtype == "NVSwitch"
        }
    }
}
