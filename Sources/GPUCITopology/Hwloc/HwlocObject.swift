import CHwloc

/// The kinds of hwloc object gpuci looks at; hwloc's C enum never leaves this module.
public enum HwlocObjectKind: Sendable, Hashable, CaseIterable {
    /// The whole machine.
    case machine
    /// A CPU package (socket).
    case package
    /// A NUMA memory node.
    case numaNode
    /// A CPU core.
    case core
    /// A hardware thread.
    case processingUnit
    /// A PCI or host bridge.
    case bridge
    /// A PCI function.
    case pciDevice
    /// An operating-system device (GPU, co-processor, NIC, disk).
    case osDevice

    var raw: hwloc_obj_type_t {
        switch self {
        case .machine: HWLOC_OBJ_MACHINE
        case .package: HWLOC_OBJ_PACKAGE
        case .numaNode: HWLOC_OBJ_NUMANODE
        case .core: HWLOC_OBJ_CORE
        case .processingUnit: HWLOC_OBJ_PU
        case .bridge: HWLOC_OBJ_BRIDGE
        case .pciDevice: HWLOC_OBJ_PCI_DEVICE
        case .osDevice: HWLOC_OBJ_OS_DEVICE
        }
    }
}

/// What an OS device is, per hwloc 2.x's `osdev_type`.
enum OSDeviceType: Equatable {
    case block, gpu, network, openFabrics, dma, coprocessor, other
}

/// A borrowed view of one `hwloc_obj`; valid only while its ``HwlocTopology`` lives.
struct HwlocObject {
    let raw: hwloc_obj_t

    var gpIndex: UInt64 { raw.pointee.gp_index }
    var logicalIndex: Int { Int(raw.pointee.logical_index) }
    var osIndex: Int { Int(raw.pointee.os_index) }
    var name: String? { raw.pointee.name.map { String(cString: $0) } }
    var subtype: String? { raw.pointee.subtype.map { String(cString: $0) } }
    var parent: HwlocObject? { raw.pointee.parent.map(HwlocObject.init) }

    var isPCIDevice: Bool { raw.pointee.type == HWLOC_OBJ_PCI_DEVICE }
    var isBridge: Bool { raw.pointee.type == HWLOC_OBJ_BRIDGE }
    var isOSDevice: Bool { raw.pointee.type == HWLOC_OBJ_OS_DEVICE }
    var isNUMANode: Bool { raw.pointee.type == HWLOC_OBJ_NUMANODE }
    var isIO: Bool { isPCIDevice || isBridge || isOSDevice }

    /// A host bridge: the CPU side of the PCI tree.
    var isHostBridge: Bool {
        guard isBridge, let attr = raw.pointee.attr else { return false }
        return attr.pointee.bridge.upstream_type == HWLOC_OBJ_BRIDGE_HOST
    }

    var osDeviceType: OSDeviceType? {
        guard isOSDevice, let attr = raw.pointee.attr else { return nil }
        switch attr.pointee.osdev.type {
        case HWLOC_OBJ_OSDEV_BLOCK: return .block
        case HWLOC_OBJ_OSDEV_GPU: return .gpu
        case HWLOC_OBJ_OSDEV_NETWORK: return .network
        case HWLOC_OBJ_OSDEV_OPENFABRICS: return .openFabrics
        case HWLOC_OBJ_OSDEV_DMA: return .dma
        case HWLOC_OBJ_OSDEV_COPROC: return .coprocessor
        default: return .other
        }
    }

    /// PCI identity of a PCI device: address, vendor, device and class ids.
    var pci: PCIIdentity? {
        guard isPCIDevice, let attr = raw.pointee.attr else { return nil }
        let p = attr.pointee.pcidev
        return PCIIdentity(address: PCIAddress(domain: Int(p.domain), bus: Int(p.bus), device: Int(p.dev), function: Int(p.func)),
                           vendorID: Int(p.vendor_id), deviceID: Int(p.device_id), classID: Int(p.class_id))
    }

    /// Local memory of a NUMA node in bytes.
    var localMemoryBytes: UInt64 {
        guard isNUMANode, let attr = raw.pointee.attr else { return 0 }
        return attr.pointee.numanode.local_memory
    }

    /// The value of info key `key`, if present.
    func info(_ key: String) -> String? {
        guard let value = hwloc_obj_get_info_by_name(raw, key) else { return nil }
        return String(cString: value)
    }

    /// Every info key and value, in hwloc's order.
    var infos: [(key: String, value: String)] {
        guard let infos = raw.pointee.infos else { return [] }
        return (0..<Int(raw.pointee.infos_count)).compactMap { i in
            guard let name = infos[i].name, let value = infos[i].value else { return nil }
            return (String(cString: name), String(cString: value))
        }
    }

    /// The I/O children (bridges, PCI devices, OS devices).
    var ioChildren: [HwlocObject] {
        var children: [HwlocObject] = []
        var child = raw.pointee.io_first_child
        while let current = child {
            children.append(HwlocObject(raw: current))
            child = current.pointee.next_sibling
        }
        return children
    }

    /// The OS indices of the NUMA nodes in this object's nodeset.
    var nodesetIndices: [Int] {
        guard let nodeset = raw.pointee.nodeset else { return [] }
        var indices: [Int] = []
        var index = hwloc_bitmap_first(nodeset)
        while index >= 0, indices.count < 65_536 {
            indices.append(Int(index))
            index = hwloc_bitmap_next(nodeset, index)
        }
        return indices
    }
}

/// The identity of a PCI function as hwloc reports it.
struct PCIIdentity: Hashable {
    var address: PCIAddress
    var vendorID: Int
    var deviceID: Int
    var classID: Int

    /// `10de:2335`.
    var idText: String { "\(Self.hex4(vendorID)):\(Self.hex4(deviceID))" }

    static func hex4(_ value: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
