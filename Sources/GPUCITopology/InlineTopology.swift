import Foundation
import GPUCISupport

/// Inline topologies for quick use: `8x80GB`, `4x24GB`, `80GB,80GB,12GB`, `2x81559MiB`.
///
/// Devices are NVIDIA GPUs linked through the host bridge (`PHB`), all on NUMA node 0. At most
/// ``maxDevices`` devices (the link matrix grows with the square) of at most ``maxMemoryMiB`` each.
public enum InlineTopology {
    /// The most devices an inline spec may describe.
    public static let maxDevices = 4096
    /// The most memory one device may have, in MiB (16 TiB).
    public static let maxMemoryMiB = 16 * 1024 * 1024

    /// Parses `text`; returns `nil` when it does not look like an inline spec at all.
    ///
    /// - Throws: `InputError` when it looks like one but a part is malformed.
    public static func parse(_ text: String) throws(InputError) -> Topology? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let first = trimmed.first, first.isNumber,
              trimmed.uppercased().hasSuffix("GB") || trimmed.uppercased().hasSuffix("MIB")
        else { return nil }
        var memories: [Int] = []
        for part in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let item = part.trimmingCharacters(in: .whitespaces)
            var count = 1
            var size = Substring(item)
            if let x = item.firstIndex(where: { $0 == "x" || $0 == "X" }) {
                guard let n = Int(item[..<x]), n > 0, n <= maxDevices else {
                    throw InputError("bad device count in '\(item)' (expected e.g. 8x80GB)", file: "inline", key: text)
                }
                count = n
                size = item[item.index(after: x)...]
            }
            guard let mib = mebibytes(size) else {
                throw InputError("bad memory size '\(size)' (expected e.g. 80GB or 81559MiB, at most \(maxMemoryMiB) MiB)",
                                 file: "inline", key: text)
            }
            guard memories.count + count <= maxDevices else {
                throw InputError("more than \(maxDevices) devices (expected e.g. 8x80GB)", file: "inline", key: text)
            }
            memories += Array(repeating: mib, count: count)
        }
        let devices = memories.enumerated().map { index, mib in
            Device(index: index, kind: .gpu, vendor: .nvidia, model: "GPU \(mib / 1024)GB", memoryMiB: mib)
        }
        let links = (0..<devices.count).map { a in
            (0..<devices.count).map { b in a == b ? Link.selfLink : Link.phb }
        }
        return Topology(name: trimmed, source: .inline, devices: devices, numaNodes: [NUMANode(index: 0)], links: links)
    }

    /// `80GB` (1 GB = 1024 MiB, decimals allowed) or `81559MiB`, within 1...maxMemoryMiB.
    private static func mebibytes(_ text: Substring) -> Int? {
        let upper = text.uppercased()
        let mib: Double
        if upper.hasSuffix("MIB"), let n = Int(upper.dropLast(3)) {
            mib = Double(n)
        } else if upper.hasSuffix("GB"), upper.dropLast(2).allSatisfy({ $0.isNumber || $0 == "." }),
                  let g = Double(upper.dropLast(2)) {
            mib = (g * 1024).rounded()
        } else {
            return nil
        }
        guard mib.isFinite, mib >= 1, mib <= Double(maxMemoryMiB) else { return nil }
        return Int(mib)
    }
}
