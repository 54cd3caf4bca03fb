/// A PCI address `domain:bus:device.function`, e.g. `0000:18:00.0`.
public struct PCIAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// PCI domain (segment).
    public var domain: Int
    /// Bus number, 0...255.
    public var bus: Int
    /// Device number, 0...31.
    public var device: Int
    /// Function number, 0...7.
    public var function: Int

    /// Creates an address from its parts.
    public init(domain: Int, bus: Int, device: Int, function: Int) {
        self.domain = domain
        self.bus = bus
        self.device = device
        self.function = function
    }

    /// Parses `dddd:bb:dd.f` (hex; the domain may be omitted); `nil` when malformed or out of range.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        let domainText = parts.count == 3 ? parts[0] : "0"
        let deviceFunction = parts[parts.count - 1].split(separator: ".", omittingEmptySubsequences: false)
        guard deviceFunction.count == 2,
              domainText.count <= 8, parts[parts.count - 2].count <= 2,
              deviceFunction[0].count <= 2, deviceFunction[1].count == 1,
              let domain = Int(domainText, radix: 16), domain >= 0,
              let bus = Int(parts[parts.count - 2], radix: 16), bus >= 0,
              let device = Int(deviceFunction[0], radix: 16), (0...31).contains(device),
              let function = Int(deviceFunction[1], radix: 16), (0...7).contains(function)
        else { return nil }
        self.init(domain: domain, bus: bus, device: device, function: function)
    }

    /// `0000:18:00.0`, lower-case hex.
    public var description: String {
        func hex(_ value: Int, _ width: Int) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(hex(domain, 4)):\(hex(bus, 2)):\(hex(device, 2)).\(function)"
    }

    /// Bus order: domain, bus, device, function.
    public static func < (lhs: PCIAddress, rhs: PCIAddress) -> Bool {
        (lhs.domain, lhs.bus, lhs.device, lhs.function) < (rhs.domain, rhs.bus, rhs.device, rhs.function)
    }
}
