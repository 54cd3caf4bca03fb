import Foundation
import GPUCISupport
import Yams

/// Reads GitHub Actions workflow files and extracts, per registered suite that a
/// `run_suite.py --hw … --suite …` step runs: runner label, partition count, step timeout,
/// per-file timeout and `max-parallel`.
///
/// What it follows: jobs in file order; `strategy.matrix` combinations (lists, `include`,
/// `exclude`); local reusable workflows (`uses: ./.github/workflows/x.yml` with `with:` inputs,
/// the callee's input defaults filling the rest); `${{ }}` expressions over `inputs` and `matrix`
/// (the top-level workflow's inputs at their defaults, as a scheduled or default dispatch run has
/// them). What only a live run knows (`needs.*.outputs`, `github.*`) stays unknown and is
/// reported, never guessed — with two sglang constructs read from the files they come from:
/// a partition count that `compute_partitions.py` computes at run time (written
/// `partitions: computed`), and a `runs-on` looked up in `scripts/ci/runner_configs.yml` by the
/// job's `runner_config` input.
public enum WorkflowImporter {
    /// The outcome: the suites found, and everything that could not be read or was left out.
    public struct Result: Sendable {
        /// One entry per suite, in the order the workflows first run them.
        public var suites: [ImportedSuite]
        /// Located notes: unknown constructs, suites run twice, files skipped.
        public var notes: [String]
    }

    /// A suite as read from the workflows: its configuration, and which of its fields only a
    /// live run knows (written without them, so the suites file's `defaults:` apply).
    public struct ImportedSuite: Sendable, Hashable {
        /// A field of a suites entry.
        public enum Field: String, Sendable, Hashable, CaseIterable {
            case runner, partitions, timeout, perFileTimeout
        }
        /// The configuration (unknown fields hold placeholders).
        public var config: SuiteConfig
        /// The fields the workflows leave to run time.
        public var unknown: Set<Field>
        /// Where the timeout came from: the step's, the job's or GitHub's default.
        public var timeoutSource: String
    }

    /// GitHub's job timeout when a workflow sets none (minutes).
    public static let defaultTimeoutMinutes = 360
    /// How deep reusable workflows may call each other (GitHub allows 4 levels; 10 catches cycles).
    static let maximumDepth = 10

    /// Reads the workflow files at `paths` (order kept).
    ///
    /// - Throws: `InputError` for a file that is not readable YAML, a job or step of the wrong
    ///   shape, or a malformed `${{ }}` expression — at its line.
    public static func read(paths: [String]) throws(InputError) -> Result {
        var reader = Reader()
        reader.given = Set(paths.map(Reader.normalized))
        var ranked: [(rank: Int, offset: Int, path: String)] = []
        for (offset, path) in paths.enumerated() {
            let kind = Reader.kind(Reader.triggers(try reader.loadWorkflow(path)))
            ranked.append((kind == "per-commit" ? 0 : kind == "scheduled" ? 1 : 2, offset, path))
        }
        for entry in ranked.sorted(by: { ($0.rank, $0.offset) < ($1.rank, $1.offset) }) { try reader.readTopLevel(entry.path) }
        for (path, _) in reader.reusableOnly where !reader.called.contains(Reader.normalized(path)) {
            reader.notes.append("\(path): a reusable workflow (on: workflow_call only) that none of the given files calls; not read")
        }
        var seen: Set<String> = []
        let notes = reader.notes.filter { seen.insert($0).inserted }
        return Result(suites: reader.order.compactMap { reader.found[$0] }, notes: notes)
    }

    /// A `run_suite.py` command found under one matrix combination.
    struct Occurrence {
        var invocation: RunSuiteInvocation
        var runner: WorkflowValue
        var timeoutMinutes: Int?
        var timeoutSource: String
        var maxParallel: WorkflowValue
        var partitionSizeExpression: String?
    }

    struct Reader {
        var documents: [String: YAMLMapping] = [:]
        var texts: [String: String] = [:]
        var reusableOnly: [(String, Bool)] = []
        var called: Set<String> = []
        var given: Set<String> = []
        var runnerLabels: [String: String?] = [:]

        static func normalized(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
        var found: [SuiteKey: ImportedSuite] = [:]
        var order: [SuiteKey] = []
        var notes: [String] = []

        mutating func load(_ path: String) throws(InputError) -> YAMLMapping {
            if let document = documents[path] { return document }
            let text = try AtomicFile.readText(path)
            let document = try YAMLNode.parse(text, file: path).mapping(what: "a GitHub Actions workflow")
            documents[path] = document
            texts[path] = text
            return document
        }

        /// The trigger names of a workflow's `on:` (a name, a list of names, or a mapping).
        static func triggers(_ document: YAMLMapping) -> [String] {
            guard let on = document["on"] ?? document["true"] else { return [] }
            if let name = on.node.scalar?.string { return [name] }
            if let list = on.node.sequence { return list.compactMap { $0.scalar?.string } }
            if let mapping = on.node.mapping { return mapping.compactMap { $0.key.scalar?.string } }
            return []
        }

        /// A workflow file: a mapping with `jobs:`.
        mutating func loadWorkflow(_ path: String) throws(InputError) -> YAMLMapping {
            let document = try load(path)
            guard document["jobs"] != nil else { throw document.owner.error("not a GitHub Actions workflow: no 'jobs:' key") }
            return document
        }

        mutating func readTopLevel(_ path: String) throws(InputError) {
            let document = try loadWorkflow(path)
            let triggers = Self.triggers(document)
            if triggers == ["workflow_call"] {
                reusableOnly.append((path, true))
                return
            }
            let inputs = try Self.declaredInputs(document, triggers: ["workflow_dispatch", "workflow_call"], given: [:])
            let kind = Self.kind(triggers)
            try readJobs(document, path: path, inputs: inputs, trail: "\(Self.fileName(path)) (\(kind))", depth: 0)
        }

        static let perCommitTriggers: Set<String> = ["pull_request", "pull_request_target", "merge_group"]
        /// Triggers that run a workflow without a caller or a person.
        static let ownRunTriggers: Set<String> = perCommitTriggers.union(["push", "schedule"])

        /// `per-commit` (pull requests, merge queue), `scheduled`, or the trigger it runs on.
        static func kind(_ triggers: [String]) -> String {
            if triggers.contains(where: perCommitTriggers.contains) { return "per-commit" }
            if triggers.contains("schedule") { return "scheduled" }
            return "on " + (triggers.contains("push") ? "push" : triggers.first ?? "no trigger")
        }

        static func fileName(_ path: String) -> String { (path as NSString).lastPathComponent }

        /// The `inputs` context: each declared input of the given triggers at its default (or the
        /// `with:` value given for it), typed by its `type:`.
        static func declaredInputs(_ document: YAMLMapping, triggers: [String], given: [String: WorkflowValue]) throws(InputError) -> WorkflowValue {
            var members: [(String, WorkflowValue)] = []
            var seen: Set<String> = []
            guard let on = document["on"] ?? document["true"], on.isMapping else {
                return .object(given.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
            }
            let triggersMap = try on.mapping()
            for trigger in triggers {
                guard let block = triggersMap[trigger], block.isMapping, let inputs = try block.mapping()["inputs"], inputs.isMapping else { continue }
                for (name, declaration) in try inputs.mapping(what: "workflow inputs") where seen.insert(name).inserted {
                    let fields = declaration.isMapping ? try declaration.mapping() : YAMLMapping(owner: declaration, entries: [])
                    let type = fields["type"]?.node.scalar?.string ?? "string"
                    let value = given[name] ?? fields["default"].map { Self.literal($0.node) } ?? .null
                    members.append((name, Self.coerce(value, to: type)))
                }
            }
            for (name, value) in given.sorted(by: { $0.key < $1.key }) where !seen.contains(name) { members.append((name, value)) }
            return .object(members)
        }

        /// A value given to an input of `type`: `true`/`false` text for booleans, numbers from text.
        static func coerce(_ value: WorkflowValue, to type: String) -> WorkflowValue {
            switch (type, value) {
            case ("boolean", .string(let text)) where ["true", "false"].contains(text.lowercased()): return .bool(text.lowercased() == "true")
            case ("number", .string(let text)): return Double(text).map(WorkflowValue.number) ?? value
            case ("string", .number), ("string", .bool): return .string(value.text ?? "")
            default: return value
            }
        }

        /// A YAML node as a value, before expression evaluation: plain scalars typed
        /// (numbers, `true`/`false`, `null`), quoted ones strings.
        static func literal(_ node: Node) -> WorkflowValue {
            switch node {
            case .scalar(let scalar):
                guard scalar.style == .plain else { return .string(scalar.string) }
                switch scalar.string {
                case "true", "True", "TRUE": return .bool(true)
                case "false", "False", "FALSE": return .bool(false)
                case "", "~", "null", "Null", "NULL": return .null
                default: return Double(scalar.string).map(WorkflowValue.number) ?? .string(scalar.string)
                }
            case .mapping(let mapping): return .object(mapping.map { ($0.key.scalar?.string ?? "", literal($0.value)) })
            case .sequence(let sequence): return .array(sequence.map(literal))
            case .alias: return .null
            }
        }

        /// A YAML value with its `${{ }}` parts evaluated.
        static func evaluate(_ node: YAMLNode, in context: WorkflowContext) throws(InputError) -> WorkflowValue {
            switch node.node {
            case .scalar(let scalar):
                guard scalar.string.contains("${{") else { return literal(node.node) }
                do {
                    return try WorkflowExpression.interpolate(scalar.string, in: context)
                } catch {
                    throw node.error("\(error)")
                }
            case .sequence:
                return .array(try node.sequence().map { item throws(InputError) in try evaluate(item, in: context) })
            case .mapping:
                var members: [(String, WorkflowValue)] = []
                for (key, value) in try node.mapping() { members.append((key, try evaluate(value, in: context))) }
                return .object(members)
            case .alias: return .null
            }
        }

        mutating func readJobs(_ document: YAMLMapping, path: String, inputs: WorkflowValue, trail: String, depth: Int) throws(InputError) {
            guard let jobs = document["jobs"] else { return }
            for (name, job) in try jobs.mapping(what: "jobs by id") {
                let fields = try job.mapping(what: "a job")
                let combinations = try Self.matrix(fields, context: WorkflowContext(inputs: inputs), note: { notes.append($0) })
                if let uses = fields["uses"] {
                    try call(uses, fields: fields, combinations: combinations, from: path, inputs: inputs,
                             trail: "\(trail) job \(name)", depth: depth)
                    continue
                }
                guard let steps = fields["steps"] else { continue }
                var occurrences: [Occurrence] = []
                for matrix in combinations {
                    let context = WorkflowContext(inputs: inputs, matrix: matrix)
                    let runner = try runsOn(fields, context: context, path: path)
                    let jobTimeout = try fields["timeout-minutes"].map { node throws(InputError) in try Self.evaluate(node, in: context) }
                    let maxParallel = try (try fields["strategy"]?.mapping()["max-parallel"]).map { node throws(InputError) in try Self.evaluate(node, in: context) } ?? .null
                    for step in try steps.sequence(of: "steps") {
                        let stepFields = try step.mapping(what: "a step")
                        guard let run = stepFields["run"], let script = run.node.scalar?.string, script.contains("run_suite.py") else { continue }
                        let (text, unknowns) = try Self.substitute(script, at: run, in: context)
                        let stepTimeout = try stepFields["timeout-minutes"].map { node throws(InputError) in try Self.evaluate(node, in: context) }
                        var timeout: Int?, timeoutSource: String
                        if let stepTimeout {
                            timeout = Self.minutes(stepTimeout); timeoutSource = "step timeout-minutes"
                        } else if let jobTimeout {
                            timeout = Self.minutes(jobTimeout); timeoutSource = "job timeout-minutes"
                        } else {
                            timeout = WorkflowImporter.defaultTimeoutMinutes; timeoutSource = "GitHub's default 360 min"
                        }
                        if timeout == nil {
                            notes.append("\(run.location): timeout-minutes known only at run time: \((stepTimeout ?? jobTimeout ?? .null).rendered)")
                        }
                        var environment: [String: String] = [:]
                        for block in [document["env"], fields["env"], stepFields["env"]] {
                            guard let block, case .object(let members) = try Self.evaluate(block, in: context) else { continue }
                            for (name, value) in members { environment[name] = value.text }
                        }
                        for invocation in RunSuiteInvocation.find(in: text, unknowns: unknowns, environment: environment) {
                            occurrences.append(Occurrence(invocation: invocation, runner: runner, timeoutMinutes: timeout,
                                                          timeoutSource: timeoutSource, maxParallel: maxParallel,
                                                          partitionSizeExpression: nil))
                            if invocation.hardware != nil {
                                for note in invocation.notes { notes.append("\(run.location): \(note)") }
                            }
                        }
                    }
                }
                record(occurrences, job: name, at: job, trail: trail)
            }
        }

        /// A step's script with known `${{ }}` parts put in and unknown ones as placeholder words.
        static func substitute(_ script: String, at node: YAMLNode, in context: WorkflowContext) throws(InputError) -> (String, [String]) {
            var text = "", unknowns: [String] = []
            do {
                for piece in try WorkflowExpression.split(script) {
                    switch piece {
                    case .text(let literal): text += literal
                    case .expression(let expression):
                        if let value = try WorkflowExpression.evaluate(expression, in: context).text {
                            text += value
                        } else {
                            text += ShellCommandLine.placeholder(unknowns.count)
                            unknowns.append(expression)
                        }
                    }
                }
            } catch {
                throw node.error("\(error)")
            }
            return (text, unknowns)
        }

        static func minutes(_ value: WorkflowValue) -> Int? {
            guard let number = value.number, number.isFinite, number > 0, value.isKnown else { return nil }
            return Int(number.rounded(.up))
        }

        /// The job's matrix combinations (one empty combination without a matrix; one unknown
        /// combination when the matrix comes from a run-time expression).
        static func matrix(_ fields: YAMLMapping, context: WorkflowContext, note: (String) -> Void) throws(InputError) -> [WorkflowValue] {
            guard let strategy = fields["strategy"], let matrixNode = try strategy.mapping(what: "a strategy")["matrix"] else { return [.object([])] }
            let matrix = try evaluate(matrixNode, in: context)
            guard case .object(let members) = matrix else {
                return [.unknown(matrix.isKnown ? "matrix" : "\(matrix.rendered)")]
            }
            var combinations: [[(String, WorkflowValue)]] = [[]]
            var includes: [WorkflowValue] = [], excludes: [WorkflowValue] = []
            for (key, value) in members {
                switch key {
                case "include": if case .array(let items) = value { includes = items } else if !value.isKnown { return [.unknown(value.rendered)] }
                case "exclude": if case .array(let items) = value { excludes = items }
                default:
                    guard case .array(let items) = value else {
                        if !value.isKnown { return [.unknown(value.rendered)] }
                        throw matrixNode.error("matrix.\(key): expected a list of values, found \(value.rendered)")
                    }
                    combinations = combinations.flatMap { partial in items.map { partial + [(key, $0)] } }
                }
            }
            if members.allSatisfy({ ["include", "exclude"].contains($0.0) }) { combinations = includes.isEmpty ? [[]] : [] }
            combinations.removeAll { combination in
                excludes.contains { exclude in
                    guard case .object(let fields) = exclude else { return false }
                    return fields.allSatisfy { field in combination.contains { $0.0 == field.0 && $0.1 == field.1 } }
                }
            }
            let originalKeys = Set(members.map(\.0)).subtracting(["include", "exclude"])
            for include in includes {
                guard case .object(let fields) = include else { continue }
                var matched = false
                for index in combinations.indices {
                    let combination = combinations[index]
                    let overwrites = fields.contains { field in
                        originalKeys.contains(field.0) && combination.contains { $0.0 == field.0 && $0.1 != field.1 }
                    }
                    guard !overwrites else { continue }
                    matched = true
                    for field in fields {
                        if let at = combinations[index].firstIndex(where: { $0.0 == field.0 }) { combinations[index][at].1 = field.1 }
                        else { combinations[index].append(field) }
                    }
                }
                if !matched || combinations.isEmpty { combinations.append(fields) }
            }
            return combinations.map { .object($0) }
        }

        /// The job's runner label: `runs-on` evaluated (a list or `labels:` joined with `,`); an
        /// unknown label that sglang maps from the `runner_config` input is read from
        /// `scripts/ci/runner_configs.yml`.
        mutating func runsOn(_ fields: YAMLMapping, context: WorkflowContext, path: String) throws(InputError) -> WorkflowValue {
            guard let node = fields["runs-on"] else { return .null }
            var value = try Self.evaluate(node, in: context)
            if case .object = value { value = value[member: "labels"] }
            if case .array(let labels) = value {
                value = labels.allSatisfy(\.isKnown) ? .string(labels.compactMap(\.text).joined(separator: ",")) : .unknown(value.rendered)
            }
            if !value.isKnown, node.node.scalar?.string.contains("runner_config") == true,
               case .string(let config) = context.inputs[member: "runner_config"],
               let label = try runnerConfigLabel(config, workflow: path) {
                return .string(label)
            }
            return value
        }

        /// `runs_on` of a runner configuration in the repository's `scripts/ci/runner_configs.yml`,
        /// a `$name` value resolved from the `name=` output the workflows echo.
        mutating func runnerConfigLabel(_ config: String, workflow: String) throws(InputError) -> String? {
            let cacheKey = Self.repositoryRoot(of: workflow) + "\u{0}" + config
            if let known = runnerLabels[cacheKey] { return known }
            let label = try lookUpRunnerConfigLabel(config, workflow: workflow)
            runnerLabels[cacheKey] = label
            return label
        }

        mutating func lookUpRunnerConfigLabel(_ config: String, workflow: String) throws(InputError) -> String? {
            let root = Self.repositoryRoot(of: workflow)
            let file = root + "/scripts/ci/runner_configs.yml"
            guard FileManager.default.fileExists(atPath: file) else { return nil }
            let document = try load(file)
            guard let configs = document["runner_configs"], let entry = try configs.mapping()[config],
                  let label = try entry.mapping()["runs_on"]?.string() else {
                notes.append("\(file): no runs_on for runner_config '\(config)'")
                return nil
            }
            guard label.hasPrefix("$") else { return label }
            let name = String(label.dropFirst())
            var assigned: [(value: String, afterElse: Bool)] = []
            for text in texts.values.sorted(by: <) {
                var previous = ""
                for line in text.split(separator: "\n") {
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    if let range = trimmed.range(of: "echo \"\(name)=") {
                        let value = trimmed[range.upperBound...].prefix { $0 != "\"" }
                        if !value.isEmpty { assigned.append((String(value), previous == "else")) }
                    }
                    if !trimmed.isEmpty { previous = trimmed }
                }
            }
            let values = Array(Set(assigned.map(\.value))).sorted()
            guard let chosen = values.count == 1 ? values.first : assigned.first(where: \.afterElse)?.value else {
                notes.append("\(file): runner_config '\(config)' runs on \(label), which no workflow step sets to one value")
                return nil
            }
            if values.count > 1 {
                notes.append("runner_config '\(config)': runs_on \(label) is \(chosen) by default (also \(values.filter { $0 != chosen }.joined(separator: ", ")) when the workflow's condition holds)")
            }
            return chosen
        }

        /// The folder above `.github/workflows`, else the workflow's own folder.
        static func repositoryRoot(of workflow: String) -> String {
            let folder = (workflow as NSString).deletingLastPathComponent
            if folder.hasSuffix(".github/workflows") {
                let root = ((folder as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
                return root.isEmpty ? "." : root
            }
            return folder.isEmpty ? "." : folder
        }

        mutating func call(_ uses: YAMLNode, fields: YAMLMapping, combinations: [WorkflowValue], from path: String,
                           inputs: WorkflowValue, trail: String, depth: Int) throws(InputError) {
            let target = try uses.string(what: "a reusable workflow")
            guard target.hasPrefix("./") else {
                notes.append("\(uses.location): reusable workflow '\(target)' is in another repository; not read")
                return
            }
            guard depth < WorkflowImporter.maximumDepth else { throw uses.error("reusable workflows nest more than \(WorkflowImporter.maximumDepth) deep (a cycle?)") }
            let callee = Self.repositoryRoot(of: path) + "/" + target.dropFirst(2)
            guard FileManager.default.fileExists(atPath: callee) else {
                notes.append("\(uses.location): reusable workflow \(target) not found at \(callee); not read")
                return
            }
            called.insert(Self.normalized(callee))
            let document = try loadWorkflow(callee)
            if given.contains(Self.normalized(callee)), Self.triggers(document).contains(where: Self.ownRunTriggers.contains) {
                notes.append("\(uses.location): calls \(target), which runs on triggers of its own and is read as given; not read again through this call")
                return
            }
            for matrix in combinations {
                let context = WorkflowContext(inputs: inputs, matrix: matrix)
                var given: [String: WorkflowValue] = [:]
                if let with = fields["with"] {
                    for (name, value) in try with.mapping(what: "inputs of the reusable workflow") {
                        given[name] = try Self.evaluate(value, in: context)
                    }
                }
                let calleeInputs = try Self.declaredInputs(document, triggers: ["workflow_call"], given: given)
                try readJobs(document, path: callee, inputs: calleeInputs, trail: "\(trail) → \(Self.fileName(callee))", depth: depth + 1)
            }
        }

        /// Groups one job's occurrences by suite and records each new suite.
        mutating func record(_ occurrences: [Occurrence], job: String, at node: YAMLNode, trail: String) {
            var keys: [SuiteKey] = []
            var bySuite: [SuiteKey: [Occurrence]] = [:]
            for occurrence in occurrences {
                let invocation = occurrence.invocation
                guard let hardware = invocation.hardware?.literal, let suite = invocation.suite?.literal else {
                    notes.append("\(node.location): job \(job): run_suite.py with --hw \(invocation.hardware?.rendered ?? "(none)") --suite \(invocation.suite?.rendered ?? "(none)"): not a suite gpuci can name; left out")
                    continue
                }
                guard RegistrationReader.backends.contains(hardware) else {
                    notes.append("\(node.location): job \(job): --hw \(hardware) is not a registry backend (\(RegistrationReader.backends.joined(separator: ", "))); suite \(suite) left out")
                    continue
                }
                let key = SuiteKey(backend: hardware, suite: suite, nightly: invocation.nightly)
                if bySuite[key] == nil { keys.append(key) }
                bySuite[key, default: []].append(occurrence)
            }
            for key in keys {
                let group = bySuite[key] ?? []
                let source = "\(trail) job \(job)"
                guard let imported = configuration(key, group, source: source, at: node) else { continue }
                let config = imported.config
                if let first = found[key] {
                    let same = first.config.runner == config.runner && first.config.partitions == config.partitions
                        && first.config.computedPartitions == config.computedPartitions && first.config.timeoutMinutes == config.timeoutMinutes
                        && first.config.perFileTimeoutSeconds == config.perFileTimeoutSeconds
                    if same { continue }
                    notes.append("\(key) is also run by \(source) (runner \(config.runner.isEmpty ? "unknown" : config.runner), \(config.computedPartitions ? "computed" : String(config.partitions)) partitions, \(config.timeoutMinutes) min); kept the first, \(first.config.source ?? "")")
                    continue
                }
                found[key] = imported
                order.append(key)
            }
        }

        /// One suite's configuration from its occurrences in one job.
        mutating func configuration(_ key: SuiteKey, _ group: [Occurrence], source: String, at node: YAMLNode) -> ImportedSuite? {
            guard let first = group.first else { return nil }
            var unknown: [String] = []
            var unknownFields: Set<ImportedSuite.Field> = []
            let runners = group.map(\.runner)
            var runner = ""
            switch runners[0] {
            case .string(let label): runner = label
            case .null: unknown.append("no runs-on"); unknownFields.insert(.runner)
            default: unknown.append("runs-on \(runners[0].rendered)"); unknownFields.insert(.runner)
            }
            let otherRunners = Set(runners.compactMap { $0.text }).subtracting([runner]).sorted()
            if !otherRunners.isEmpty { notes.append("\(key): \(source) also runs it on \(otherRunners.joined(separator: ", ")); kept \(runner)") }

            var partitions: Int?, computed = false
            let sizes = group.compactMap(\.invocation.partitionSize)
            let ids = group.compactMap(\.invocation.partitionID)
            if sizes.isEmpty, ids.isEmpty {
                partitions = 1
            } else if let literal = sizes.first?.literal {
                if let size = Int(literal), (1...PartitionOptions.maximumPartitions).contains(size) {
                    partitions = size
                    let knownIDs = Set(ids.compactMap { $0.literal.flatMap { Int($0) } })
                    if !ids.isEmpty, ids.allSatisfy({ $0.literal != nil }), knownIDs != Set(0..<size) {
                        notes.append("\(key): \(source) runs partition ids \(knownIDs.sorted()) of --auto-partition-size \(size)")
                    }
                } else {
                    unknown.append("--auto-partition-size '\(literal)'"); unknownFields.insert(.partitions)
                }
            } else if case .unknown(let expression)? = sizes.first, expression.contains("partitions") {
                computed = true
            } else if sizes.isEmpty, ids.allSatisfy({ $0.literal != nil }) {
                partitions = Set(ids.compactMap(\.literal)).count
            } else {
                unknown.append("partition count \(sizes.first?.rendered ?? ids.map(\.rendered).joined(separator: ", "))")
                unknownFields.insert(.partitions)
            }

            let perFileWord = first.invocation.timeoutPerFile
            var perFile: Int?
            if let perFileWord {
                if let literal = perFileWord.literal, let seconds = Double(literal), seconds > 0, seconds <= 100_000 { perFile = Int(seconds.rounded(.up)) }
                else { unknown.append("--timeout-per-file \(perFileWord.rendered)"); unknownFields.insert(.perFileTimeout) }
            }
            var config = SuiteConfig(key: key, partitions: partitions ?? 1, runner: runner,
                                     timeoutMinutes: first.timeoutMinutes ?? WorkflowImporter.defaultTimeoutMinutes,
                                     perFileTimeoutSeconds: perFile, source: source)
            config.computedPartitions = computed
            config.timeoutFromEstTime = first.invocation.timeoutFromEstTime
            if case .number(let parallel) = first.maxParallel, parallel >= 1, parallel <= Double(PartitionOptions.maximumPartitions) {
                config.maxParallel = Int(parallel)
            } else if !first.maxParallel.isKnown, computed {
                config.source = (config.source ?? "") + "; max-parallel computed with the partitions"
            }
            if first.timeoutMinutes == nil { unknown.append("timeout-minutes"); unknownFields.insert(.timeout) }
            if !unknown.isEmpty {
                notes.append("\(node.location): \(key) in \(source): known only at run time: \(unknown.joined(separator: "; ")) — the suites file's defaults apply there")
                config.source = (config.source ?? "") + "; unknown: " + unknown.joined(separator: "; ")
            }
            return ImportedSuite(config: config, unknown: unknownFields, timeoutSource: first.timeoutSource)
        }
    }
}
