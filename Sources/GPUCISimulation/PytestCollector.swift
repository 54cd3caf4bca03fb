import Foundation
import GPUCIPool
import GPUCIPython
import GPUCISupport

/// What a pytest tree collects to: the items in run order, the scopes of the fixtures its
/// conftest files define, and notes on what only pytest itself can decide.
public struct PytestCollection: Sendable {
    /// Items in the order pytest runs them, each with its skip reason when skipped.
    public var items: [TestItem]
    /// Fixture scopes read from the tree (`setup_backend` → `function`, …).
    public var fixtureScopes: [String: FixtureScope]
    /// Located notes: skip conditions left to run time, fixtures not found.
    public var notes: [String]
    /// The tree's pool policy when it keeps smg's session `WorkerPool` (`slots:1`), else `nil`.
    public var eviction: EvictionPolicy?
}

/// Collects test items from a pytest tree the way pytest would, without running Python: arguments
/// in the order given, directories recursively in name order, files `test_*.py` / `*_test.py`,
/// classes `Test*` (without `__init__`, `__test__ = False` left out) and functions `test*` in the
/// module's namespace order — imported ones too, as pytest collects any matching name —, bases
/// followed across modules, markers from decorators and `pytestmark` (function, class along its
/// MRO, module: closest first), `parametrize` expanded (first marker slowest, ids joined with `-`,
/// `pytest.param(…, marks=…)` marks on their items), skip marks evaluated where their condition
/// is a literal, then — when the tree's `setup_backend` is class-scoped (the anchor's, and the
/// default when the tree does not define it) — items of one class grouped by its parameter, as
/// pytest's fixture reordering does; function-scoped, definition order stays.
public enum PytestCollector {
    /// pytest's default `norecursedirs`.
    static let skippedDirectories: Set<String> = ["build", "dist", "node_modules", "venv", "CVS", "_darcs", "{arch}", "__pycache__"]

    /// Items of `paths`, with node ids relative to the rootdir pytest would pick.
    public static func collect(paths: [String]) throws(InputError) -> [TestItem] {
        try session(paths: paths).items
    }

    /// The whole collection of `paths`: items, fixture scopes, notes.
    public static func session(paths: [String]) throws(InputError) -> PytestCollection {
        let fileManager = FileManager.default
        var files: [String] = []
        var seen: Set<String> = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw InputError("no such file or directory", file: path)
            }
            let found = isDirectory.boolValue ? walk(URL(fileURLWithPath: path).standardizedFileURL.path) : [URL(fileURLWithPath: path).standardizedFileURL.path]
            for file in found where seen.insert(file).inserted { files.append(file) }
        }
        let tree = PytestTree(root: rootDirectory(for: paths.map { URL(fileURLWithPath: $0).standardizedFileURL.path }))
        let plugins = try tree.pluginModules(for: files)
        let scopes = try PytestTree.fixtureScopes(in: plugins)
        var collector = Collector(tree: tree, groupByClass: (scopes["setup_backend"] ?? .class) == .class)
        let pool = tree.slotPool()
        if let pool {
            collector.notes.append("\(pool.file):\(pool.line): the tree caches workers in smg's session WorkerPool (one worker set at a time, "
                + "PD workers uncached); the scenario says eviction: slots:1, which simulate follows unless --eviction is given")
        }
        for hook in PytestTree.reorderingHooks(in: plugins) {
            collector.notes.append("\(hook.file):\(hook.line): pytest_collection_modifyitems reorders or deselects the items; pytest runs it, "
                + "this import keeps the collection order (record the final order with the pytest plugin: pytest --collect-only --gpuci-scenario=FILE)")
        }
        var items: [TestItem] = []
        for file in files {
            items += try collector.collect(module: tree.module(at: file))
        }
        if scopes["setup_backend"] == nil, items.contains(where: { $0.setupBackend != nil }) {
            collector.notes.append("setup_backend is not defined in the tree's conftest files or their pytest_plugins; its scope is taken as class (the anchor's)")
        }
        var once: Set<String> = []
        return PytestCollection(items: items, fixtureScopes: scopes, notes: collector.notes.filter { once.insert($0).inserted },
                                eviction: pool == nil ? nil : .slots(EvictionPolicy.smgSlotCount))
    }

    /// Test files under `directory`, entries in name order, recursing into subdirectories where they sort.
    static func walk(_ directory: String) -> [String] {
        DirectoryWalk.files(under: directory, descend: { !skippedDirectories.contains($0) && !$0.hasSuffix(".egg") }) { name in
            name.hasSuffix(".py") && (name.hasPrefix("test_") || name.hasSuffix("_test.py"))
        }.map { directory + "/" + $0 }
    }

    /// The nearest ancestor of the arguments' common directory holding a pytest configuration file,
    /// else that common directory.
    static func rootDirectory(for paths: [String]) -> String {
        let fileManager = FileManager.default
        let directories = paths.map { path -> [String] in
            var isDirectory: ObjCBool = false
            let directory = fileManager.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
                ? path : (path as NSString).deletingLastPathComponent
            return directory.split(separator: "/").map(String.init)
        }
        var common = directories.first ?? []
        for parts in directories.dropFirst() {
            common = Array(zip(common, parts).prefix { $0 == $1 }.map(\.0))
        }
        var candidate = common
        while !candidate.isEmpty {
            let path = "/" + candidate.joined(separator: "/")
            for marker in ["pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg"]
            where fileManager.fileExists(atPath: path + "/" + marker) {
                return path
            }
            candidate.removeLast()
        }
        return "/" + common.joined(separator: "/")
    }

    /// Items of one module whose node-id path is `file`, read alone (no imports followed,
    /// `setup_backend` class-scoped).
    public static func collect(module: PythonModule, file: String) throws(InputError) -> [TestItem] {
        var collector = Collector(tree: nil, groupByClass: true)
        return try collector.collect(module: PytestTree.Module(path: file, label: file, source: module))
    }

    /// The collection walk over modules of one tree, gathering notes.
    struct Collector {
        let tree: PytestTree?
        let groupByClass: Bool
        var notes: [String] = []

        /// The module's test functions and classes in namespace order, with its own `pytestmark`.
        mutating func collect(module: PytestTree.Module) throws(InputError) -> [TestItem] {
            let file = module.label
            let moduleMarks = try PytestCollector.marks(PytestCollector.pytestmark(in: module.source.statements, file: file), file: file, line: 1)
            var items: [TestItem] = []
            for (name, binding) in PytestTree.bindings(of: module.source) {
                guard name.hasPrefix("test") || name.hasPrefix("Test") else { continue }
                var definition: PythonDefinition
                var home = module
                switch binding {
                case let .definition(defined): definition = defined
                case .imported:
                    guard let tree, let (found, foundIn) = try tree.lookup(name, in: module) else { continue }
                    (definition, home) = (found, foundIn)
                }
                switch definition.kind {
                case .function where name.hasPrefix("test"):
                    var renamed = definition
                    renamed.name = name
                    items += try PytestCollector.expand(renamed, prefix: file, inherited: moduleMarks, file: home.label, notes: &notes)
                case .classDef where name.hasPrefix("Test"):
                    var renamed = definition
                    renamed.name = name
                    items += try collectClass(PytestTree.ClassRef(definition: renamed, module: home), prefix: file, inherited: moduleMarks)
                default: break
                }
            }
            return items
        }

        /// The class and its bases (defined earlier in the same module, or imported), most derived
        /// first (depth-first, left to right, each once: Python's MRO for the usual single and
        /// non-diamond hierarchies).
        func lineage(_ start: PytestTree.ClassRef) throws(InputError) -> [PytestTree.ClassRef] {
            var order: [PytestTree.ClassRef] = []
            var seen: Set<String> = []
            func visit(_ node: PytestTree.ClassRef) throws(InputError) {
                guard seen.insert("\(node.module.path)::\(node.definition.name)@\(node.definition.line)").inserted else { return }
                order.append(node)
                for base in node.definition.baseNames {
                    if !base.contains("."), let local = node.module.source.definitions.last(where: {
                        $0.kind == .classDef && $0.name == base && $0.line < node.definition.line
                    }) {
                        try visit(PytestTree.ClassRef(definition: local, module: node.module))
                    } else if let tree, let (found, home) = try tree.lookup(base, in: node.module), found.kind == .classDef {
                        try visit(PytestTree.ClassRef(definition: found, module: home))
                    }
                }
            }
            try visit(start)
            return order
        }

        /// `__test__` of a class along its MRO: the closest assignment decides; `nil` when none.
        static func testFlag(_ lineage: [PytestTree.ClassRef]) -> Bool? {
            for ancestor in lineage {
                for statement in ancestor.definition.body where statement.isSimple {
                    let tokens = statement.tokens
                    guard tokens.count == 3, tokens[0] == .name("__test__"), tokens[1].isOp("="), let value = tokens[2].name else { continue }
                    if value == "False" { return false }
                    if value == "True" { return true }
                }
            }
            return nil
        }

        mutating func collectClass(_ start: PytestTree.ClassRef, prefix: String, inherited: [Mark]) throws(InputError) -> [TestItem] {
            let lineage = try lineage(start)
            guard !lineage.contains(where: { $0.definition.members.contains { $0.kind == .function && $0.name == "__init__" } }),
                  Self.testFlag(lineage) != false else { return [] }
            // pytest reads class marks along the MRO, base first (`get_unpacked_marks(consider_mro=True)`).
            var classMarks: [Mark] = []
            for ancestor in lineage.reversed() {
                let file = ancestor.module.label
                classMarks += try PytestCollector.marks(PytestCollector.pytestmark(in: ancestor.definition.body, file: file), file: file, line: ancestor.definition.line)
                    + PytestCollector.marks(ancestor.definition.decorators.reversed(), file: file, line: ancestor.definition.line)
            }
            // Members: the most derived definition of each name; base classes' groups come first.
            var claimed: Set<String> = []
            var groups: [[(PythonDefinition, PytestTree.Module)]] = []
            for ancestor in lineage {
                groups.append(ancestor.definition.members.filter { claimed.insert($0.name).inserted }.map { ($0, ancestor.module) })
            }
            let members = groups.reversed().flatMap { $0 }
            let node = "\(prefix)::\(start.definition.name)"
            var items: [TestItem] = []
            for (member, home) in members {
                switch member.kind {
                case .function where member.name.hasPrefix("test"):
                    items += try PytestCollector.expand(member, prefix: node, inherited: classMarks + inherited, file: home.label, notes: &notes)
                case .classDef where member.name.hasPrefix("Test"):
                    items += try collectClass(PytestTree.ClassRef(definition: member, module: home), prefix: node, inherited: classMarks + inherited)
                default: break
                }
            }
            return groupByClass ? PytestCollector.groupByClassParameter(items) : items
        }
    }

    /// Stable grouping by the `setup_backend` parameter within one class (pytest's reordering for a
    /// class-scoped parametrized fixture).
    static func groupByClassParameter(_ items: [TestItem]) -> [TestItem] {
        var order: [String?] = []
        var groups: [String?: [TestItem]] = [:]
        for item in items {
            let key = item.setupBackend
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(item)
        }
        return order.flatMap { groups[$0] ?? [] }
    }

    /// A pytest mark read from a decorator or `pytestmark`.
    struct Mark {
        var name: String
        var args: [PythonExpression]
        var kwargs: [String: PythonExpression]
    }

    /// The last `pytestmark = …` of a block: a single mark or the items of a list.
    static func pytestmark(in statements: [PythonStatement], file: String) throws(InputError) -> [PythonExpression] {
        var marks: [PythonExpression] = []
        for statement in statements where statement.isSimple {
            let tokens = statement.tokens
            guard tokens.count >= 3, tokens[0] == .name("pytestmark"), tokens[1].isOp("=") else { continue }
            var parser = PythonExpressionParser(tokens, from: 2)
            do {
                let value = try parser.parseExpression()
                marks = value.items ?? [value]
            } catch {
                throw error.inputError(file: file)
            }
        }
        return marks
    }

    static func marks<S: Sequence>(_ values: S, file: String, line: Int) throws(InputError) -> [Mark] where S.Element == PythonExpression {
        var result: [Mark] = []
        for value in values {
            let dotted: String, args: [PythonExpression], kwargs: [String: PythonExpression]
            if let name = value.dottedName {
                (dotted, args, kwargs) = (name, [], [:])
            } else if let call = value.call, let name = call.callee.dottedName {
                (dotted, args, kwargs) = (name, arguments(call), keywords(call))
            } else {
                continue
            }
            for prefix in ["pytest.mark.", "mark."] where dotted.hasPrefix(prefix) {
                let name = String(dotted.dropFirst(prefix.count))
                if !name.isEmpty, !name.contains(".") { result.append(Mark(name: name, args: args, kwargs: kwargs)) }
                break
            }
        }
        return result
    }

    /// Positional arguments, a starred one standing as an opaque value.
    private static func arguments(_ call: PythonCall) -> [PythonExpression] {
        call.arguments.compactMap { argument in
            switch argument.form {
            case .positional: argument.value
            case .starred: PythonExpression(kind: .opaque, span: argument.value.span, line: argument.value.line)
            case .keyword, .doubleStarred: nil
            }
        }
    }

    /// Keyword arguments by name (the last of a repeated one).
    private static func keywords(_ call: PythonCall) -> [String: PythonExpression] {
        var keywords: [String: PythonExpression] = [:]
        for argument in call.arguments {
            if case let .keyword(name) = argument.form { keywords[name] = argument.value }
        }
        return keywords
    }

    /// The most items one test function may expand into (pytest itself has no limit; a suite
    /// of that size is far past anything a GPU runner could run).
    static let maximumItemsPerFunction = 10_000

    /// Items of one test function: its markers (own first), its parametrize expansion.
    static func expand(_ function: PythonDefinition, prefix: String, inherited: [Mark],
                       file: String, notes: inout [String]) throws(InputError) -> [TestItem] {
        let own = try marks(function.decorators.reversed(), file: file, line: function.line)
        let all = own + inherited
        func fail(_ message: String) -> InputError {
            InputError("\(function.name): \(message)", file: file, line: function.line)
        }
        var markers = TestMarkers()
        if let mark = all.first(where: { $0.name == "model" }), let first = mark.args.first {
            guard let model = first.constantText else { throw fail("@pytest.mark.model needs a string literal") }
            markers.model = model
        }
        markers.e2e = all.contains { $0.name == "e2e" }
        if let mark = all.first(where: { $0.name == "workers" }) {
            func count(_ key: String) throws(InputError) -> Int? {
                guard let value = mark.kwargs[key], value.kind != .none else { return nil }
                guard let text = value.signedNumberText else { throw fail("workers(\(key)=…) must be a whole number literal") }
                guard let count = Int(text), count >= 0 else { throw fail("workers(\(key)=\(text)) is not a count") }
                guard count <= WorkersMarker.maximumCount else {
                    throw fail("workers(\(key)=\(text)) is more than any runner holds (at most \(WorkersMarker.maximumCount))")
                }
                return count
            }
            markers.workers = WorkersMarker(count: try count("count"), prefill: try count("prefill"), decode: try count("decode"))
        }
        if let mark = all.first(where: { $0.name == "gateway" }) {
            var gateway = GatewayMarker()
            if let policy = mark.kwargs["policy"]?.constantText { gateway.policy = policy }
            if let text = mark.kwargs["timeout"]?.signedNumberText {
                guard let timeout = Double(text), timeout > 0 else { throw fail("gateway(timeout=\(text)) must be > 0") }
                gateway.timeout = timeout
            }
            if let items = mark.kwargs["extra_args"]?.items {
                gateway.extraArgs = items.compactMap(\.constantText)
            }
            markers.gateway = gateway
        }
        // Each parametrize marker: its names, and per value (parameters by name, id).
        var expansions: [[(params: [(String, ParamValue)], id: String, marks: [Mark])]] = []
        for mark in all where mark.name == "parametrize" {
            guard mark.args.count >= 2 || mark.kwargs["argvalues"] != nil else { throw fail("parametrize needs argnames and argvalues") }
            let namesValue = mark.args.first ?? mark.kwargs["argnames"]
            let names: [String]
            if let text = namesValue?.constantText {
                names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            } else if let items = namesValue?.items {
                names = items.compactMap(\.constantText)
            } else {
                throw fail("parametrize argnames must be a string or a list of strings")
            }
            guard !names.isEmpty else { throw fail("parametrize has no argument names") }
            guard let values = (mark.args.count >= 2 ? mark.args[1] : mark.kwargs["argvalues"])?.items else {
                throw fail("parametrize argvalues must be a list or tuple literal")
            }
            let explicitIDs = mark.kwargs["ids"]?.items?.map(\.constantText)
            var markerValues: [ParamValue] = []
            var expansion: [(params: [(String, ParamValue)], id: String, marks: [Mark])] = []
            for (index, raw) in values.enumerated() {
                // A value's parts: the value itself for one name, its items for several.
                var single: PythonExpression? = raw
                var parts = raw.items
                var explicitID: String?
                var valueMarks: [Mark] = []
                if let call = raw.call, call.callee.dottedName == "pytest.param" {
                    let args = arguments(call)
                    single = args.first
                    parts = args
                    explicitID = call.keyword("id")?.constantText
                    if let given = call.keyword("marks") {
                        valueMarks = try marks(given.items ?? [given], file: file, line: given.line)
                    }
                }
                var params: [(String, ParamValue)] = []
                var ids: [String] = []
                if names.count == 1 {
                    let text = single.flatMap(idText) ?? "\(names[0])\(index)"
                    params.append((names[0], .scalar(text)))
                    ids.append(text)
                    markerValues.append(.scalar(text))
                } else {
                    guard let parts, parts.count == names.count else {
                        throw fail("parametrize value \(index + 1) does not have \(names.count) items for \(names.joined(separator: ","))")
                    }
                    var texts: [String] = []
                    for (name, part) in zip(names, parts) {
                        let text = idText(part) ?? "\(name)\(index)"
                        params.append((name, .scalar(text)))
                        texts.append(text)
                    }
                    ids += texts
                    markerValues.append(.tuple(texts))
                }
                let id = explicitID ?? explicitIDs.flatMap { index < $0.count ? $0[index] : nil } ?? ids.joined(separator: "-")
                expansion.append((params, id, valueMarks))
            }
            let indirect: Bool
            switch mark.kwargs["indirect"]?.kind {
            case .bool(true)?: indirect = true
            case let .list(items)?, let .tuple(items)?: indirect = !items.isEmpty
            default: indirect = false
            }
            markers.parametrize.append(ParametrizeMarker(argnames: names.joined(separator: ","), values: markerValues, indirect: indirect))
            expansions.append(expansion)
        }
        let (uses, gateways) = bodyCalls(function.body.flatMap(\.tokenLists))
        var product = 1
        for expansion in expansions {
            let (next, overflow) = product.multipliedReportingOverflow(by: max(expansion.count, 1))
            guard !overflow, next <= maximumItemsPerFunction else {
                throw fail("parametrize expands \(function.name) into more than \(maximumItemsPerFunction) items (\(expansions.map { "\($0.count)" }.joined(separator: " × "))), the importer's budget per test function")
            }
            product = next
        }
        var combinations: [(params: [(String, ParamValue)], ids: [String], marks: [Mark])] = [([], [], [])]
        for expansion in expansions {
            var next: [(params: [(String, ParamValue)], ids: [String], marks: [Mark])] = []
            for combination in combinations {
                for value in expansion {
                    next.append((combination.params + value.params, combination.ids + [value.id], combination.marks + value.marks))
                }
            }
            combinations = next
        }
        if expansions.contains(where: \.isEmpty) { return [] }
        var ids = combinations.map { $0.ids.isEmpty ? "" : "[\($0.ids.joined(separator: "-"))]" }
        var counts: [String: Int] = [:]
        for id in ids { counts[id, default: 0] += 1 }
        var used: [String: Int] = [:]
        for index in ids.indices where (counts[ids[index]] ?? 0) > 1 {
            let base = String(ids[index].dropFirst().dropLast())
            ids[index] = "[\(base)\(used[base, default: 0])]"
            used[base, default: 0] += 1
        }
        return zip(combinations, ids).map { combination, suffix in
            var params: [String: ParamValue] = [:]
            for (name, value) in combination.params { params[name] = value }
            var item = TestItem(id: "\(prefix)::\(function.name)\(suffix)", markers: markers, params: params,
                                uses: uses, gatewayModes: gateways)
            // pytest's item marks: the function's own, then its callspec's, then class and module.
            item.skip = skipReason(own + combination.marks + inherited, file: file, notes: &notes)
            return item
        }
    }

    /// What `_pytest.skipping.evaluate_skip_marks` decides: the first `skipif` with a true
    /// condition, else the first `skip`. Literal conditions (`True`, `False`, numbers, `None`) are
    /// evaluated; a string (pytest `eval`s it) or any other expression is left to run time: the
    /// item is kept and a note says so.
    static func skipReason(_ marks: [Mark], file: String, notes: inout [String]) -> String? {
        for mark in marks where mark.name == "skipif" {
            let conditions = mark.args.isEmpty ? mark.kwargs["condition"].map { [$0] } ?? [] : mark.args
            let reason = mark.kwargs["reason"]?.constantText
            for condition in conditions {
                switch condition.kind {
                case .bool(true):
                    return reason ?? "condition: True"
                case let .number(text):
                    if Double(text.replacingOccurrences(of: "_", with: "")) != 0 { return reason ?? "condition: \(text)" }
                case .bool(false), .none:
                    continue
                case let .string(string) where !string.isFormatted:
                    notes.append("\(file):\(condition.line): skipif condition '\(string.value)' is evaluated by pytest at run time; its items are kept")
                default:
                    notes.append("\(file):\(condition.line): skipif condition is not a literal; pytest evaluates it at run time; its items are kept")
                }
            }
        }
        guard let mark = marks.first(where: { $0.name == "skip" }) else { return nil }
        return mark.kwargs["reason"]?.constantText ?? mark.args.first?.constantText ?? "unconditional skip"
    }

    /// pytest's id text for a literal; `nil` for values pytest names `argnameN`.
    static func idText(_ value: PythonExpression) -> String? {
        switch value.kind {
        case let .string(string): string.isFormatted ? nil : string.value
        case .number, .negated: value.signedNumberText
        case let .bool(flag): flag ? "True" : "False"
        case .none: "None"
        default: nil
        }
    }

    /// `model_pool.get("model", ConnectionMode.X)` calls and `igw_mode=True` in a test body.
    static func bodyCalls(_ body: [[PythonToken]]) -> ([WorkerUse], [GatewayMode]) {
        var uses: [WorkerUse] = []
        var igw = false
        for tokens in body {
            for index in tokens.indices {
                if tokens[index] == .name("igw_mode"), index + 2 < tokens.count, tokens[index + 1] == .op("="),
                   tokens[index + 2] == .name("True") {
                    igw = true
                }
                guard tokens[index] == .name("model_pool"), index + 3 < tokens.count, tokens[index + 1] == .op("."),
                      tokens[index + 2] == .name("get"), tokens[index + 3] == .op("(")
                else { continue }
                var parser = PythonExpressionParser(tokens, from: index)
                guard let call = try? parser.parseElement().call else { continue }
                let args = arguments(call)
                guard let model = args.first?.constantText else { continue }
                var mode = ConnectionMode.http
                let modeValue = args.count > 1 ? args[1] : call.keyword("mode")
                if let name = modeValue?.dottedName {
                    mode = name.lowercased().hasSuffix("grpc") ? .grpc : .http
                } else if let text = modeValue?.constantText {
                    mode = ConnectionMode(rawValue: text.lowercased()) ?? .http
                }
                uses.append(WorkerUse(model: model, mode: mode))
            }
        }
        return (uses, igw ? [.igw] : [])
    }
}
