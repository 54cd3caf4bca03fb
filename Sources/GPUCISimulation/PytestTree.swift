import Foundation
import GPUCIPython
import GPUCISupport

/// The Python modules of one pytest tree as the collector needs them: read once, names bound at
/// module level (definitions and imports, in namespace order), imports resolved to files the way
/// pytest's default `prepend` import mode puts folders on `sys.path`, and fixture scopes read from
/// the `conftest.py` files and `pytest_plugins` modules.
final class PytestTree {
    /// A module read from a file: its absolute path, its node-id path (relative to the rootdir) and its body.
    struct Module {
        var path: String
        var label: String
        var source: PythonModule
    }

    /// What a module-level name is bound to.
    enum Binding {
        /// A class or function defined in the module.
        case definition(PythonDefinition)
        /// `from MODULE import NAME` (`level` leading dots) or `import MODULE` (`name` nil).
        case imported(module: String, level: Int, name: String?)
    }

    /// A class and the module it is defined in.
    struct ClassRef {
        var definition: PythonDefinition
        var module: Module
    }

    let root: String
    private var modules: [String: Module] = [:]

    init(root: String) {
        self.root = root
    }

    /// The module at `path` (absolute), read and parsed once.
    func module(at path: String) throws(InputError) -> Module {
        if let module = modules[path] { return module }
        let label = path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
        let source = try PythonModuleReader.read(AtomicFile.readText(path), file: label)
        let module = Module(path: path, label: label, source: source)
        modules[path] = module
        return module
    }

    /// The module's top-level names in namespace (`__dict__`) order: a name keeps the position of
    /// its first binding and takes its last value.
    static func bindings(of module: PythonModule) -> [(name: String, binding: Binding)] {
        var order: [String] = []
        var values: [String: Binding] = [:]
        func bind(_ name: String, _ binding: Binding) {
            if values[name] == nil { order.append(name) }
            values[name] = binding
        }
        for statement in module.statements {
            if let definition = statement.definition {
                bind(definition.name, .definition(definition))
            } else if statement.isSimple {
                for (name, binding) in imports(statement.tokens) { bind(name, binding) }
            }
        }
        return order.compactMap { name in values[name].map { (name, $0) } }
    }

    /// The names an `import` or `from … import …` statement binds.
    static func imports(_ tokens: [PythonToken]) -> [(String, Binding)] {
        guard let first = tokens.first?.name, first == "from" || first == "import" else { return [] }
        var index = 1
        func dotted() -> (String, Int) {
            var level = 0
            var parts: [String] = []
            while index < tokens.count {
                if tokens[index].isOp(".") { if parts.isEmpty { level += 1 }; index += 1; continue }
                if tokens[index].isOp("...") { level += 3; index += 1; continue }
                guard let name = tokens[index].name, name != "import", name != "as" else { break }
                parts.append(name)
                index += 1
                guard index < tokens.count, tokens[index].isOp(".") else { break }
                index += 1
            }
            return (parts.joined(separator: "."), level)
        }
        var bound: [(String, Binding)] = []
        if first == "from" {
            let (module, level) = dotted()
            guard index < tokens.count, tokens[index].name == "import" else { return [] }
            index += 1
            while index < tokens.count {
                if tokens[index].isOp("(") || tokens[index].isOp(")") || tokens[index].isOp(",") { index += 1; continue }
                guard let name = tokens[index].name else { break }
                index += 1
                var alias = name
                if index + 1 < tokens.count, tokens[index].name == "as", let renamed = tokens[index + 1].name {
                    alias = renamed
                    index += 2
                }
                if name != "*" { bound.append((alias, .imported(module: module, level: level, name: name))) }
            }
        } else {
            while index < tokens.count {
                if tokens[index].isOp(",") { index += 1; continue }
                let (module, _) = dotted()
                guard !module.isEmpty else { break }
                if index + 1 < tokens.count, tokens[index].name == "as", let alias = tokens[index + 1].name {
                    bound.append((alias, .imported(module: module, level: 0, name: nil)))
                    index += 2
                } else if let top = module.split(separator: ".").first {
                    bound.append((String(top), .imported(module: String(top), level: 0, name: nil)))
                }
            }
        }
        return bound
    }

    /// The folder pytest's `prepend` mode puts on `sys.path` for a test file: the first folder
    /// upward from the file's own that is not a package (has no `__init__.py`).
    func baseFolder(of file: String) -> String {
        var folder = (file as NSString).deletingLastPathComponent
        while FileManager.default.fileExists(atPath: folder + "/__init__.py"), folder.count > 1 {
            folder = (folder as NSString).deletingLastPathComponent
        }
        return folder
    }

    /// The file of module `dotted` imported from `file` with `level` leading dots; `nil` when it
    /// is not in the tree (an installed package such as `pytest` or `infra`).
    func resolve(_ dotted: String, level: Int, from file: String) -> String? {
        let parts = dotted.split(separator: ".").map(String.init)
        var folders: [String] = []
        if level > 0 {
            var folder = (file as NSString).deletingLastPathComponent
            for _ in 1..<level { folder = (folder as NSString).deletingLastPathComponent }
            folders = [folder]
        } else {
            folders = [baseFolder(of: file), (file as NSString).deletingLastPathComponent, root]
        }
        for folder in folders {
            let stem = ([folder] + parts).joined(separator: "/")
            for candidate in [stem + ".py", stem + "/__init__.py"] where FileManager.default.fileExists(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }

    /// What `name` is in `module`: a class or function defined there or imported into it
    /// (followed through up to eight re-exports); `nil` when it leaves the tree.
    func lookup(_ name: String, in module: Module, depth: Int = 0) throws(InputError) -> (PythonDefinition, Module)? {
        guard depth < 8 else { return nil }
        let dotted = name.split(separator: ".", maxSplits: 1).map(String.init)
        guard let binding = Self.bindings(of: module.source).last(where: { $0.name == dotted[0] })?.binding else { return nil }
        switch binding {
        case let .definition(definition):
            return dotted.count == 1 ? (definition, module) : nil
        case let .imported(target, level, imported):
            if let imported {
                if let file = resolve(target, level: level, from: module.path) {
                    let next = try self.module(at: file)
                    let rest = dotted.count > 1 ? "\(imported).\(dotted[1])" : imported
                    if let found = try lookup(rest, in: next, depth: depth + 1) { return found }
                }
                // `from package import submodule`
                guard dotted.count > 1, let file = resolve(target.isEmpty ? imported : "\(target).\(imported)", level: level, from: module.path) else { return nil }
                return try lookup(dotted[1], in: self.module(at: file), depth: depth + 1)
            }
            guard dotted.count > 1, let file = resolve(target, level: 0, from: module.path) else { return nil }
            return try lookup(dotted[1], in: self.module(at: file), depth: depth + 1)
        }
    }

    // MARK: Fixture scopes

    /// The `conftest.py` files from the rootdir down to the collected files' folders, each preceded
    /// by the modules its `pytest_plugins` name (a package: every module in it), shallowest first:
    /// where pytest finds fixtures and hooks.
    func pluginModules(for files: [String]) throws(InputError) -> [Module] {
        var folders: [String] = []
        var seen: Set<String> = []
        for file in files {
            var chain: [String] = []
            var folder = (file as NSString).deletingLastPathComponent
            while folder.hasPrefix(root) {
                chain.append(folder)
                if folder == root { break }
                folder = (folder as NSString).deletingLastPathComponent
            }
            for folder in chain.reversed() where seen.insert(folder).inserted { folders.append(folder) }
        }
        var modules: [Module] = []
        var read: Set<String> = []
        for folder in folders.sorted(by: { $0.count < $1.count }) {
            let conftest = folder + "/conftest.py"
            guard FileManager.default.fileExists(atPath: conftest) else { continue }
            let module = try module(at: conftest)
            for plugin in Self.plugins(module.source) {
                guard let file = resolve(plugin, level: 0, from: conftest) else { continue }
                var files = [file]
                if file.hasSuffix("/__init__.py") {
                    let package = (file as NSString).deletingLastPathComponent
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: package)) ?? []
                    files += names.filter { $0.hasSuffix(".py") && $0 != "__init__.py" }.sorted().map { package + "/" + $0 }
                }
                for file in files where read.insert(file).inserted { modules.append(try self.module(at: file)) }
            }
            if read.insert(conftest).inserted { modules.append(module) }
        }
        return modules
    }

    /// The scope of each fixture defined in `modules` (``pluginModules(for:)``); a later (deeper)
    /// module's definition wins.
    static func fixtureScopes(in modules: [Module]) throws(InputError) -> [String: FixtureScope] {
        var scopes: [String: FixtureScope] = [:]
        for module in modules {
            for (name, scope) in try Self.fixtures(in: module) { scopes[name] = scope }
        }
        return scopes
    }

    /// smg's session worker pool where its e2e tree keeps it (`infra/worker_pool.py` under the
    /// rootdir, a `WorkerPool` class with an `acquire` method): the tree's pool policy, which the
    /// importer reports rather than guesses from elsewhere.
    /// A file that does not read as Python is not one (the tree's tests decide the import).
    func slotPool() -> (file: String, line: Int)? {
        let path = root + "/infra/worker_pool.py"
        guard FileManager.default.fileExists(atPath: path), let module = try? module(at: path) else { return nil }
        guard let pool = module.source.definitions.first(where: { $0.kind == .classDef && $0.name == "WorkerPool" }),
              pool.body.contains(where: { $0.definition?.name == "acquire" }) else { return nil }
        return (module.label, pool.line)
    }

    /// The `pytest_collection_modifyitems` hooks of `modules` that reorder or deselect items in place
    /// (`items.sort(…)`, `items[:] = …`, `del items[…]`, `items.reverse/insert/pop/remove(…)`): pytest
    /// runs them after collection, a static import cannot.
    static func reorderingHooks(in modules: [Module]) -> [(file: String, line: Int)] {
        var found: [(file: String, line: Int)] = []
        for module in modules {
            for definition in module.source.definitions where definition.kind == .function && definition.name == "pytest_collection_modifyitems" {
                // pluggy passes hook arguments by name: the list is always `items`.
                let tokens = definition.body.flatMap(\.tokenLists).flatMap { $0 }
                if let at = tokens.indices.first(where: { mutates("items", tokens, at: $0) }) {
                    found.append((module.label, tokens[at].line))
                }
            }
        }
        return found
    }

    /// Whether the tokens from `index` mutate the list `items` in place.
    static func mutates(_ items: String, _ tokens: [PythonToken], at index: Int) -> Bool {
        func token(_ offset: Int) -> PythonToken? { index + offset < tokens.count ? tokens[index + offset] : nil }
        if tokens[index] == .name("del"), token(1)?.name == items, token(2)?.isOp("[") == true { return true }
        guard tokens[index].name == items, index == 0 || tokens[index - 1].isOp(".") == false else { return false }
        if token(1)?.isOp(".") == true, let method = token(2)?.name, token(3)?.isOp("(") == true {
            return ["sort", "reverse", "insert", "pop", "remove", "clear", "extend", "append"].contains(method)
        }
        // `items[:] = …` and `items[i] = …`: an assignment to a subscript of the list.
        guard token(1)?.isOp("[") == true else { return false }
        var depth = 0
        for offset in 1..<(tokens.count - index) {
            let next = tokens[index + offset]
            if next.isOp("[") { depth += 1 }
            if next.isOp("]") {
                depth -= 1
                if depth == 0 { return token(offset + 1)?.isOp("=") == true }
            }
        }
        return false
    }

    /// `pytest_plugins = [...]` (or a single string) of a conftest.
    static func plugins(_ module: PythonModule) -> [String] {
        for statement in module.statements where statement.isSimple {
            let tokens = statement.tokens
            guard tokens.count >= 3, tokens[0] == .name("pytest_plugins"), tokens[1].isOp("=") else { continue }
            var parser = PythonExpressionParser(tokens, from: 2)
            guard let value = try? parser.parseExpression() else { continue }
            return (value.items ?? [value]).compactMap(\.constantText)
        }
        return []
    }

    /// Functions decorated `@pytest.fixture` / `@pytest.fixture(scope=…)` (or `fixture`) and their scopes.
    static func fixtures(in module: Module) throws(InputError) -> [(String, FixtureScope)] {
        var found: [(String, FixtureScope)] = []
        for definition in module.source.definitions where definition.kind == .function {
            for decorator in definition.decorators {
                let callee = decorator.call?.callee.dottedName ?? decorator.dottedName
                guard callee == "pytest.fixture" || callee == "fixture" else { continue }
                var scope = FixtureScope.function
                if let value = decorator.call?.keyword("scope") {
                    guard let text = value.constantText else { continue }
                    guard let parsed = FixtureScope(rawValue: text) else {
                        throw InputError("fixture \(definition.name): unknown scope '\(text)' (expected \(FixtureScope.allCases.map(\.rawValue).joined(separator: ", ")))",
                                         file: module.label, line: definition.line)
                    }
                    scope = parsed
                }
                found.append((decorator.call?.keyword("name")?.constantText ?? definition.name, scope))
            }
        }
        return found
    }
}
