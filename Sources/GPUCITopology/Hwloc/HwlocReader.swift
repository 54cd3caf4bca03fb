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

    func read(name: String, source: TopologySource) -> Topology {
        let numaObjects = HwlocTopology.objects(topology, .numaNode)
        var numaByOSIndex: [Int: Int] = [:]
        for node in numaObjects { numaByOSIndex[node.osIndex] = node.logicalIndex }
        let numaNodes = readNUMANodes(numaObjects)
        let accelerators = findAccelerators()
        let devices = accelerators.enumerated().map { index, accelerator in
            Device(index: index, kind: accelerator.kind, vendor: accelerator.vendor, model: accelerator.model,
                   memoryMiB: accelerator.memoryMiB, numaNode: numaNode(of: accelerator.anchor, numaByOSIndex),
                   pciBusID: accelerator.pci?.address.description)
        }
        var links = accelerators.indices.map { a in
            accelerators.indices.map { b in a == b ? Link.selfLink : pciLink(accelerators[a].anchor, accelerators[b].anchor) }
        }
        applyFabricMatrices(to: &links, accelerators: accelerators, devices: devices)
        let nics = readNICs(accelerators: accelerators, numaByOSIndex)
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

    /// The `nvidia-smi topo` label for the PCI path between two objects.
    func pciLink(_ a: HwlocObject, _ b: HwlocObject) -> Link {
        var positionInA: [UInt64: Int] = [:]
        var current: HwlocObject? = a
        var position = 0
        while let object = current {
            positionInA[object.gpIndex] = position
            position += 1
            current = object.parent
        }
        var hopsB = 0
        current = b
        while let object = current {
            if let hopsA = positionInA[object.gpIndex] {
                if object.isHostBridge { return .phb }
                if object.isBridge { return hopsA - 1 <= 1 && hopsB - 1 <= 1 ? .pix : .pxb }
                if object.isIO { return .pix }
                let nodesA = HwlocTopology.nonIOAncestor(topology, a)?.nodesetIndices ?? []
                let nodesB = HwlocTopology.nonIOAncestor(topology, b)?.nodesetIndices ?? []
                return !nodesA.isEmpty && nodesA == nodesB ? .node : .sys
            }
            hopsB += 1
            current = object.parent
        }
        return .sys
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

    private func readNICs(accelerators: [HwlocAccelerator], _ numaByOSIndex: [Int: Int]) -> [NIC] {
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
            let deviceLinks = accelerators.map { pciLink($0.anchor, place) }
            let nic = NIC(name: name, rdma: type == .openFabrics, rateGbps: nil,
                          numaNode: numaNode(of: object, numaByOSIndex), pciBusID: place.pci?.address.description,
                          portActive: states.isEmpty ? nil : states.contains("4"), deviceLinks: deviceLinks)
            nics.append((name, nic))
        }
        return nics.sorted { NaturalOrder.less($0.key, $1.key) }.map(\.nic)
    }
}
