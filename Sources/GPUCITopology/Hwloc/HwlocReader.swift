import GPUCISupport
/// Reads gpuci's ``Topology`` out of a loaded hwloc topology.
///
/// - Devices: one per accelerator PCI function (see ``AcceleratorCatalog``), however many OS
///   devices describe it, plus compute OS devices that have no PCI parent (one backend per
///   vendor, so `cuda0` and `nvml0` never count twice). PCI devices come first in bus order.
/// - Links: the PCI tree gives PIX/PXB/PHB/NODE/SYS; `HCCSBandwidth`, `SIOBandwidth`,
///   `XGMIBandwidth` and `NVLinkBandwidth` matrices override pairs they join.
/// - NICs: OpenFabrics (RDMA) OS devices, and network OS devices of adapters without one.
/// - NUMA nodes in hwloc's logical order, with distances from `NUMALatency`.
struct HwlocReader {
    let topology: OpaquePointer

    /// The most accelerators a capture may hold: the link matrix is N² (as for inline specs).
    static let maximumAccelerators = InlineTopology.maxDevices

    func read(name: String, source: TopologySource, file: String) throws(InputError) -> Topology {
        let numaObjects = HwlocTopology.objects(topology, .numaNode)
        var numaByOSIndex: [Int: Int] = [:]
        for node in numaObjects { numaByOSIndex[node.osIndex] = node.logicalIndex }
        let numaNodes = readNUMANodes(numaObjects)
        let accelerators = findAccelerators()
        guard accelerators.count <= Self.maximumAccelerators else {
            throw InputError("the topology has \(accelerators.count) accelerators; gpuci reads at most \(Self.maximumAccelerators) (every pair gets a link)", file: file)
        }
        let devices = accelerators.enumerated().map { index, accelerator in
            Device(index: index, kind: accelerator.kind, vendor: accelerator.vendor, model: accelerator.model,
                   memoryMiB: accelerator.memoryMiB, numaNode: numaNode(of: accelerator.anchor, numaByOSIndex),
                   pciBusID: accelerator.pci?.address.description,
                   cpuAffinity: HwlocTopology.nonIOAncestor(topology, accelerator.anchor)?.cpusetList)
        }
        let paths = accelerators.map { pciPath($0.anchor) }
        var links = paths.indices.map { a in
            paths.indices.map { b in a == b ? Link.selfLink : Self.link(paths[a], paths[b]) }
        }
        applyFabricMatrices(to: &links, accelerators: accelerators, devices: devices)
        let nics = readNICs(paths: paths, numaByOSIndex)
        return Topology(name: name, source: source, devices: devices, numaNodes: numaNodes, nics: nics, links: links)
    }

    // MARK: Devices

    private func findAccelerators() -> [HwlocAccelerator] {
        var found: [HwlocAccelerator] = []
        for object in HwlocTopology.pciDevices(topology) {
            let compute = object.ioChildren.filter(HwlocAccelerator.isCompute)
                .sorted { HwlocAccelerator.rank($0) < HwlocAccelerator.rank($1) }
            if let pci = object.pci {
                if let (vendor, kind) = AcceleratorCatalog.classify(vendorID: pci.vendorID, classID: pci.classID) {
                    found.append(HwlocAccelerator(anchor: object, osDevices: compute, pci: pci, vendor: vendor, kind: kind))
                } else if !compute.isEmpty,
                          let vendor = pci.vendorID == 0
                            ? compute.lazy.compactMap(HwlocAccelerator.vendor(of:)).first
                            : AcceleratorCatalog.vendor(pciVendorID: pci.vendorID) {
                    found.append(HwlocAccelerator(anchor: object, osDevices: compute, pci: pci, vendor: vendor,
                                                  kind: vendor == .huawei ? .npu : .gpu))
                }
            }
        }
        found.sort { ($0.pci?.address ?? PCIAddress(domain: 0, bus: 0, device: 0, function: 0))
            < ($1.pci?.address ?? PCIAddress(domain: 0, bus: 0, device: 0, function: 0)) }
        return found + orphanAccelerators()
    }

    /// Compute OS devices with no PCI device above them: per vendor, only the best backend.
    private func orphanAccelerators() -> [HwlocAccelerator] {
        var byVendor: [Vendor: [HwlocObject]] = [:]
        for object in HwlocTopology.osDevices(topology) {
            if HwlocAccelerator.isCompute(object), !hasIOAncestor(object), let vendor = HwlocAccelerator.vendor(of: object) {
                byVendor[vendor, default: []].append(object)
            }
        }
        var result: [HwlocAccelerator] = []
        for vendor in Vendor.allCases {
            guard let objects = byVendor[vendor], !objects.isEmpty else { continue }
            let best = objects.map(HwlocAccelerator.rank).min() ?? 0
            let bestSubtype = objects.filter { HwlocAccelerator.rank($0) == best }.compactMap(\.subtype).min()
            let chosen = objects.filter { HwlocAccelerator.rank($0) == best && $0.subtype == bestSubtype }
                .sorted { NaturalOrder.less($0.name ?? "", $1.name ?? "") }
            for object in chosen {
                result.append(HwlocAccelerator(anchor: object, osDevices: [object], pci: nil, vendor: vendor,
                                               kind: vendor == .huawei ? .npu : .gpu))
            }
        }
        return result
    }

    private func hasIOAncestor(_ object: HwlocObject) -> Bool {
        var current = object.parent
        while let ancestor = current {
            if ancestor.isPCIDevice || ancestor.isOSDevice { return true }
            current = ancestor.parent
        }
        return false
    }

    private func numaNode(of object: HwlocObject, _ numaByOSIndex: [Int: Int]) -> Int? {
        guard let ancestor = HwlocTopology.nonIOAncestor(topology, object) else { return nil }
        let indices = ancestor.nodesetIndices
        guard indices.count == 1 else { return nil }
        return numaByOSIndex[indices[0]]
    }

    // MARK: Links

    /// An object's place for link labels: its ancestors root first (gp indexes and what each is),
    /// and the NUMA nodes of its first non-I/O ancestor. Built once per device, so a link is a
    /// walk down two arrays, not two hashed ancestor chains per pair.
    struct PCIPath {
        enum Kind { case hostBridge, bridge, io, other }
        var ids: [UInt64]
        var kinds: [Kind]
        var nodes: [Int]
    }

    func pciPath(_ object: HwlocObject) -> PCIPath {
        var ids: [UInt64] = [], kinds: [PCIPath.Kind] = []
        var current: HwlocObject? = object
        while let node = current {
            ids.append(node.gpIndex)
            kinds.append(node.isHostBridge ? .hostBridge : node.isBridge ? .bridge : node.isIO ? .io : .other)
            current = node.parent
        }
        return PCIPath(ids: ids.reversed(), kinds: kinds.reversed(),
                       nodes: HwlocTopology.nonIOAncestor(topology, object)?.nodesetIndices ?? [])
    }

    /// The `nvidia-smi topo` label for the PCI path between two objects.
    func pciLink(_ a: HwlocObject, _ b: HwlocObject) -> Link {
        Self.link(pciPath(a), pciPath(b))
    }

    /// The label from the lowest common ancestor of two paths (the last shared entry root first).
    static func link(_ a: PCIPath, _ b: PCIPath) -> Link {
        var shared = -1
        let limit = min(a.ids.count, b.ids.count)
        while shared + 1 < limit, a.ids[shared + 1] == b.ids[shared + 1] { shared += 1 }
        guard shared >= 0 else { return .sys }
        let hopsA = a.ids.count - 1 - shared, hopsB = b.ids.count - 1 - shared
        switch a.kinds[shared] {
        case .hostBridge: return .phb
        case .bridge: return hopsA - 1 <= 1 && hopsB - 1 <= 1 ? .pix : .pxb
        case .io: return .pix
        case .other: return !a.nodes.isEmpty && a.nodes == b.nodes ? .node : .sys
        }
    }

    private func applyFabricMatrices(to links: inout [[Link]], accelerators: [HwlocAccelerator], devices: [Device]) {
        var indexByAnchor: [UInt64: Int] = [:]
        for (index, accelerator) in accelerators.enumerated() { indexByAnchor[accelerator.anchor.gpIndex] = index }
        let fabrics: [(name: String, link: (UInt64, Int) -> Link)] = [
            ("HCCSBandwidth", { _, _ in .hccs }),
            ("SIOBandwidth", { _, _ in .sio }),
            ("XGMIBandwidth", { _, _ in .xgmi }),
            ("NVLinkBandwidth", { bandwidth, device in
                // MB/s per link and direction: NVLink 2.0-4.0 25,000, NVLink 5.0 (Blackwell) 50,000.
                let model = devices[device].model.uppercased()
                let perLink: Double = ["B100", "B200", "B300"].contains { model.contains($0) } ? 50_000 : 25_000
                return .nvlink(max(1, Int((Double(bandwidth) / perLink).rounded())))
            }),
        ]
        for fabric in fabrics {
            guard let matrix = DistanceMatrix.read(topology, name: fabric.name, closeSwitches: fabric.name == "NVLinkBandwidth")
            else { continue }
            let members = matrix.objects.map { object in indexByAnchor[anchor(of: object).gpIndex] }
            for (i, a) in members.enumerated() {
                for (j, b) in members.enumerated() {
                    guard let a, let b, a != b else { continue }
                    let value = max(matrix.value(i, j), matrix.value(j, i))
                    if value > 0 { links[a][b] = fabric.link(value, a) }
                }
            }
        }
    }

    /// The object standing for `object` among the accelerators: its PCI parent for an OS device.
    private func anchor(of object: HwlocObject) -> HwlocObject {
        if object.isOSDevice, let parent = object.parent, parent.isPCIDevice { return parent }
        return object
    }

    // MARK: NUMA nodes and NICs

    private func readNUMANodes(_ objects: [HwlocObject]) -> [NUMANode] {
        var rows: [Int: [Int]] = [:]
        if let matrix = DistanceMatrix.read(topology, name: "NUMALatency", closeSwitches: false) {
            let order = matrix.objects.map(\.logicalIndex)
            if Set(order) == Set(objects.map(\.logicalIndex)), order.count == objects.count {
                for (i, node) in order.enumerated() {
                    var row = Array(repeating: 0, count: order.count)
                    for (j, other) in order.enumerated() { row[other] = Int(clamping: matrix.value(i, j)) }
                    rows[node] = row
                }
            }
        }
        return objects.map { object in
            let mebibytes = object.localMemoryBytes / (1024 * 1024)
            return NUMANode(index: object.logicalIndex, memoryMiB: mebibytes > 0 ? Int(clamping: mebibytes) : nil,
                            distances: rows[object.logicalIndex])
        }
    }

    private func readNICs(paths: [PCIPath], _ numaByOSIndex: [Int: Int]) -> [NIC] {
        var nics: [(key: String, nic: NIC)] = []
        for object in HwlocTopology.osDevices(topology) {
            let type = object.osDeviceType
            guard type == .openFabrics || type == .network, let name = object.name else { continue }
            let parent = object.parent
            if type == .network, let parent, parent.isPCIDevice,
               parent.ioChildren.contains(where: { $0.osDeviceType == .openFabrics }) {
                continue
            }
            let states = object.infos.filter { $0.key.hasPrefix("Port") && $0.key.hasSuffix("State") }.map(\.value)
            let place = parent.flatMap { $0.isPCIDevice ? $0 : nil } ?? object
            let placePath = pciPath(place)
            let deviceLinks = paths.map { Self.link($0, placePath) }
            let nic = NIC(name: name, rdma: type == .openFabrics, rateGbps: nil,
                          numaNode: numaNode(of: object, numaByOSIndex), pciBusID: place.pci?.address.description,
                          portActive: states.isEmpty ? nil : states.contains("4"), deviceLinks: deviceLinks)
            nics.append((name, nic))
        }
        return nics.sorted { NaturalOrder.less($0.key, $1.key) }.map(\.nic)
    }
}
