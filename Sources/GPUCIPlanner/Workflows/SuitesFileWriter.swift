import GPUCISupport

/// Writes a suites file (the format ``SuitesConfig`` reads) from suites read out of workflows.
public enum SuitesFileWriter {
    /// The file's text: `header` as comments, the notes of the import as comments, a `defaults:`
    /// block for what the workflows leave unknown, then one flow mapping per suite. Fields the
    /// workflows leave to run time are left out of the entry, so `defaults:` apply.
    public static func yaml(_ result: WorkflowImporter.Result, header: [String], defaults: SuitesConfig.Defaults) -> String {
        var out = header.map { "# \($0)\n" }.joined()
        if !result.notes.isEmpty {
            out += "#\n# Import notes (constructs known only at run time, suites run twice, files not read):\n"
            out += result.notes.map { "# - \($0.replacingOccurrences(of: "\n", with: " "))\n" }.joined()
        }
        var defaultFields: [String] = []
        if let partitions = defaults.partitions { defaultFields.append("partitions: \(partitions)") }
        if let runner = defaults.runner { defaultFields.append("runner: \(YAMLText.quoted(runner))") }
        if let timeout = defaults.timeoutMinutes { defaultFields.append("timeoutMinutes: \(timeout)") }
        if let perFile = defaults.perFileTimeoutSeconds { defaultFields.append("perFileTimeoutSeconds: \(perFile)") }
        if !defaultFields.isEmpty { out += "defaults: {\(defaultFields.joined(separator: ", "))}\n" }
        out += "suites:\n"
        for suite in result.suites { out += "  - {\(fields(suite).joined(separator: ", "))}\n" }
        if result.suites.isEmpty { out = out.replacingOccurrences(of: "suites:\n", with: "suites: []\n") }
        return out
    }

    static func fields(_ suite: WorkflowImporter.ImportedSuite) -> [String] {
        let config = suite.config
        var fields = ["backend: \(YAMLText.quoted(config.key.backend))", "suite: \(YAMLText.quoted(config.key.suite))"]
        if config.key.nightly { fields.append("nightly: true") }
        if config.computedPartitions {
            fields.append("partitions: computed")
        } else if !suite.unknown.contains(.partitions) {
            fields.append("partitions: \(config.partitions)")
        }
        if !suite.unknown.contains(.runner), !config.runner.isEmpty { fields.append("runner: \(YAMLText.quoted(config.runner))") }
        if !suite.unknown.contains(.timeout) { fields.append("timeoutMinutes: \(config.timeoutMinutes)") }
        if let perFile = config.perFileTimeoutSeconds { fields.append("perFileTimeoutSeconds: \(perFile)") }
        if let parallel = config.maxParallel { fields.append("maxParallel: \(parallel)") }
        if config.timeoutFromEstTime { fields.append("timeoutFromEstTime: true") }
        if let source = config.source { fields.append("source: \(YAMLText.quoted(source))") }
        return fields
    }
}
