import Foundation
import GPUCISupport

/// Inline topologies for quick use: `8x80GB`, `4x24GB`, `80GB,80GB,12GB`, `2x81559MiB`.
public enum InlineTopology {
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
                guard let n = Int(item[..<x]), n > 0, n <= 65_536 else {
                    throw InputError("bad device count in '\(item)' (expected e.g. 8x80GB)", file: "inline", key: text)
                }
                count = n
                size = item[item.index(after: x)...]
            }
            guard let mib = mebibytes(size) else {
                throw InputError("bad memory size '\(size)' (expected e.g. 80GB or 81559MiB)", file: "inline", key: text)
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

    private static func mebibytes(_ text: Substring) -> Int? {
        let upper = text.uppercased()
        if upper.hasSuffix("MIB"), let n = Int(upper.dropLast(3)), n > 0 { return n }
        if upper.hasSuffix("GB") {
            let number = upper.dropLast(2)
            if let n = Int(number), n > 0 { return n * 1024 }
            if let g = Double(number), g > 0, g.isFinite { return Int((g * 1024).rounded()) }
        }
        return nil
    }
}
