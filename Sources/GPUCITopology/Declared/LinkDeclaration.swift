import GPUCISupport

/// The `links:` section of a declared topology: a full matrix of labels, or rules.
///
/// Rules apply in this order, later ones overriding earlier ones: `all` or `default` for
/// every pair, `sameNUMA` for pairs on one NUMA node, then each entry of `groups` for every
/// pair inside its `devices`.
enum LinkDeclaration {
    static func parse(_ value: YAMLNode, devices: [Device]) throws(InputError) -> [[Link]] {
        if value.isSequence { return try matrix(value, count: devices.count) }
        let map = try value.mapping(allowed: ["matrix", "all", "default", "sameNUMA", "groups"])
        if let matrixValue = map["matrix"] {
            if let extra = map.entries.first(where: { $0.key != "matrix" }) {
                throw extra.value.error("a link matrix cannot be combined with rules")
            }
            return try matrix(matrixValue, count: devices.count)
        }
        let base: YAMLNode
        switch (map["all"], map["default"]) {
        case (let all?, nil): base = all
        case (nil, let fallback?): base = fallback
        case (_?, let fallback?): throw fallback.error("give either all or default, not both")
        case (nil, nil): throw value.error("expected a matrix, or a rule: all (e.g. all: NV18) or default")
        }
        let baseLink = try pairLink(base)
        var links = (0..<devices.count).map { a in
            (0..<devices.count).map { b in a == b ? Link.selfLink : baseLink }
        }
        if let sameNUMA = map["sameNUMA"] {
            let link = try pairLink(sameNUMA)
            for a in devices.indices {
                for b in devices.indices where a != b {
                    guard let numaA = devices[a].numaNode, let numaB = devices[b].numaNode else {
                        throw sameNUMA.error("sameNUMA needs a numaNode on every device (device \(devices[a].numaNode == nil ? a : b) has none)")
                    }
                    if numaA == numaB { links[a][b] = link }
                }
            }
        }
        if let groups = map["groups"] {
            for group in try groups.sequence() {
                let groupMap = try group.mapping(allowed: ["devices", "link"])
                let link = try pairLink(try groupMap.required("link"))
                let membersValue = try groupMap.required("devices")
                var members: [Int] = []
                for item in try membersValue.sequence() {
                    let index = try item.int()
                    guard devices.indices.contains(index) else {
                        throw item.error("device \(index) does not exist (expected 0...\(devices.count - 1))")
                    }
                    guard !members.contains(index) else { throw item.error("device \(index) is listed twice") }
                    members.append(index)
                }
                guard members.count >= 2 else { throw membersValue.error("a group needs at least 2 devices") }
                for a in members {
                    for b in members where a != b { links[a][b] = link }
                }
            }
        }
        return links
    }

    private static func pairLink(_ value: YAMLNode) throws(InputError) -> Link {
        let link = try label(value)
        guard link != .selfLink else { throw value.error("X means a device itself; it cannot join two devices") }
        return link
    }

    private static func label(_ value: YAMLNode) throws(InputError) -> Link {
        let text = try value.string()
        guard let link = Link(label: text) else {
            throw value.error("unknown link label '\(text)' (expected X, NV<n>, XGMI, HCCS, SIO, PIX, PXB, PHB, NODE or SYS)")
        }
        return link
    }

    private static func matrix(_ value: YAMLNode, count: Int) throws(InputError) -> [[Link]] {
        let rows = try value.sequence()
        guard rows.count == count else {
            throw value.error("expected \(count) rows (one per device), found \(rows.count)")
        }
        var links: [[Link]] = []
        var cells: [[YAMLNode]] = []
        for (r, row) in rows.enumerated() {
            let rowCells = try row.sequence()
            guard rowCells.count == count else {
                throw row.error("expected \(count) labels (one per device), found \(rowCells.count)")
            }
            var rowLinks: [Link] = []
            for (c, cell) in rowCells.enumerated() {
                let link = try label(cell)
                if r == c, link != .selfLink { throw cell.error("the diagonal must be X, found \(link.label)") }
                if r != c, link == .selfLink { throw cell.error("X is only allowed on the diagonal") }
                rowLinks.append(link)
            }
            links.append(rowLinks)
            cells.append(rowCells)
        }
        for r in 0..<count {
            for c in 0..<r where links[r][c] != links[c][r] {
                throw cells[r][c].error("the matrix must be symmetric: device \(r)→\(c) is \(links[r][c].label) but \(c)→\(r) is \(links[c][r].label)")
            }
        }
        return links
    }
}
