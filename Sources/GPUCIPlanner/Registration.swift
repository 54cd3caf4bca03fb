/// One `register_<backend>_ci(...)` call: a test file registered for a CI suite.
///
/// Field names follow the reference's registry record and the shared CSV format
/// (`file,backend,suite,est_time,extra`).
public struct Registration: Sendable, Hashable, Codable {
    /// Repository-relative path, e.g. `test/registered/backends/test_torch_compile.py`.
    public var file: String
    /// `cpu`, `cuda`, `amd`, `npu`, `xpu`, `musa` or `mlx`.
    public var backend: String
    /// The suite name; for `stage=`/`runner_config=` calls, `<stage>-test-<runner_config>`.
    public var suite: String
    /// Estimated seconds for the whole file.
    public var estTime: Double
    /// The `est_time` literal as written (`300`, `1.0`, `1_000`), when read from a source tree
    /// or a CSV file; writers use it so that values round-trip unchanged.
    public var estTimeLiteral: String?
    /// Whether the registration is for the nightly run.
    public var nightly: Bool
    /// `nil` when enabled; the reason when disabled.
    public var disabled: String?
    /// The `stage` argument of new-style calls.
    public var stage: String?
    /// The `runner_config` argument of new-style calls.
    public var runnerConfig: String?
    /// 1-based line of the call in its source file, when read from a source tree.
    public var line: Int?
    /// UTF-8 byte offsets of the `est_time` literal in the source file, when read from a
    /// source tree (what `gpuci history apply` rewrites).
    public var estTimeSpan: Range<Int>?

    /// Creates a registration; `line`, `estTimeSpan` and `estTimeLiteral` are known only when
    /// it was read from a source file.
    public init(file: String, backend: String, suite: String, estTime: Double, nightly: Bool = false,
                disabled: String? = nil, stage: String? = nil, runnerConfig: String? = nil,
                line: Int? = nil, estTimeSpan: Range<Int>? = nil, estTimeLiteral: String? = nil) {
        self.file = file
        self.backend = backend
        self.suite = suite
        self.estTime = estTime
        self.nightly = nightly
        self.disabled = disabled
        self.stage = stage
        self.runnerConfig = runnerConfig
        self.line = line
        self.estTimeSpan = estTimeSpan
        self.estTimeLiteral = estTimeLiteral
    }

    /// Whether the registration runs (it is not disabled).
    public var isEnabled: Bool { disabled == nil }
}
