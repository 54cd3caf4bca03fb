import Foundation
import GPUCIPool
import GPUCIPython
import GPUCISupport

/// Collects test items from a pytest tree the way pytest would, without running Python: arguments
/// in the order given, directories recursively in name order, files `test_*.py` / `*_test.py`,
/// classes `Test*` (without `__init__`) and functions `test*` in definition order, markers from
/// decorators and `pytestmark` (function, class, module: closest first), `parametrize` expanded
/// (first marker slowest, ids joined with `-`), then items of one class grouped by their class-scoped
/// `setup_backend` parameter, as pytest's fixture reordering does.
public enum PytestCollector {
    /// pytest's default `norecursedirs`.
    static let skippedDirectories: Set<String> = ["build", "dist", "node_modules", "venv", "CVS", "_darcs", "{arch}", "__pycache__"]

    /// Items of `paths`, with node ids relative to the rootdir pytest would pick.
    public static func collect(paths: [String]) throws(InputError) -> [TestItem] {
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
        let root = rootDirectory(for: paths.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        var items: [TestItem] = []
        for file in files {
            let relative = file.hasPrefix(root + "/") ? String(file.dropFirst(root.count + 1)) : file
            let source = try AtomicFile.readText(file)
            items += try collect(module: PythonModuleReader.read(source, file: relative), file: relative)
        }
        return items
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

    /// Items of one module whose node-id path is `file`.
    public static func collect(module: PythonModule, file: String) throws(InputError) -> [TestItem] {
        let moduleMarks = try marks(pytestmark(in: module.statements, file: file), file: file, line: 1)
        var classes: [String: PythonDefinition] = [:]
        var items: [TestItem] = []
        for definition in module.definitions {
            switch definition.kind {
            case .function where definition.name.hasPrefix("test"):
                items += try expand(definition, prefix: file, inherited: moduleMarks, file: file)
            case .classDef:
                classes[definition.name] = definition
                if definition.name.hasPrefix("Test") {
                    items += try collectClass(definition, prefix: file, inherited: moduleMarks, file: file, classes: classes)
                }
            default: break
            }
        }
        return items
    }

    /// The class and its bases defined earlier in the same module, most derived first (depth-first,
    /// left to right, each once: Python's MRO for the usual single and non-diamond hierarchies).
    static func lineage(_ definition: PythonDefinition, classes: [String: PythonDefinition]) -> [PythonDefinition] {
        var order: [PythonDefinition] = []
        var seen: Set<String> = []
        func visit(_ node: PythonDefinition) {
            guard seen.insert(node.name).inserted else { return }
            order.append(node)
            for base in node.baseNames {
                if let parent = classes[base], parent.line < node.line { visit(parent) }
            }
        }
        visit(definition)
        return order
    }

    private static func collectClass(_ definition: PythonDefinition, prefix: String, inherited: [Mark],
                                     file: String, classes: [String: PythonDefinition] = [:]) throws(InputError) -> [TestItem] {
        let lineage = lineage(definition, classes: classes)
        guard !lineage.contains(where: { $0.members.contains { $0.kind == .function && $0.name == "__init__" } }) else { return [] }
        // pytest reads class marks along the MRO, base first (`get_unpacked_marks(consider_mro=True)`).
        var classMarks: [Mark] = []
        for ancestor in lineage.reversed() {
            classMarks += try marks(pytestmark(in: ancestor.body, file: file), file: file, line: ancestor.line)
                + marks(ancestor.decorators.reversed(), file: file, line: ancestor.line)
        }
        // Members: the most derived definition of each name; base classes' groups come first.
        var claimed: Set<String> = []
        var groups: [[PythonDefinition]] = []
        for ancestor in lineage {
            groups.append(ancestor.members.filter { claimed.insert($0.name).inserted })
        }
        let members = groups.reversed().flatMap { $0 }
        let node = "\(prefix)::\(definition.name)"
        var items: [TestItem] = []
        for member in members {
            switch member.kind {
            case .function where member.name.hasPrefix("test"):
                items += try expand(member, prefix: node, inherited: classMarks + inherited, file: file)
            case .classDef where member.name.hasPrefix("Test"):
                items += try collectClass(member, prefix: node, inherited: classMarks + inherited, file: file)
            default: break
            }
        }
        return groupByClassParameter(items)
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
    private static func pytestmark(in statements: [PythonStatement], file: String) throws(InputError) -> [PythonExpression] {
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

    private static func marks<S: Sequence>(_ values: S, file: String, line: Int) throws(InputError) -> [Mark] where S.Element == PythonExpression {
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
    private static func expand(_ function: PythonDefinition, prefix: String, inherited: [Mark],
                               file: String) throws(InputError) -> [TestItem] {
        let all = try marks(function.decorators.reversed(), file: file, line: function.line) + inherited
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
        var expansions: [[(params: [(String, ParamValue)], id: String)]] = []
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
            var expansion: [(params: [(String, ParamValue)], id: String)] = []
            for (index, raw) in values.enumerated() {
                // A value's parts: the value itself for one name, its items for several.
                var single: PythonExpression? = raw
                var parts = raw.items
                var explicitID: String?
                if let call = raw.call, call.callee.dottedName == "pytest.param" {
                    let args = arguments(call)
                    single = args.first
                    parts = args
                    explicitID = call.keyword("id")?.constantText
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
                expansion.append((params, id))
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
        var combinations: [(params: [(String, ParamValue)], ids: [String])] = [([], [])]
        for expansion in expansions {
            var next: [(params: [(String, ParamValue)], ids: [String])] = []
            for combination in combinations {
                for value in expansion { next.append((combination.params + value.params, combination.ids + [value.id])) }
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
            return TestItem(id: "\(prefix)::\(function.name)\(suffix)", markers: markers, params: params,
                            uses: uses, gatewayModes: gateways)
        }
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
