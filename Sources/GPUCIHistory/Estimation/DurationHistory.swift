/// The passing durations of every test file, oldest first, keyed as sglang keys its estimates.
///
/// Samples are kept per (file, suite, backend); a file seen only in another suite of the same
/// backend borrows that history (files move between suites; their run time does not).
public struct DurationHistory: Sendable {
    /// A file in one suite of one backend.
    public struct Key: Sendable, Hashable, Comparable {
        /// Repository-relative test file.
        public var file: String
        /// The suite.
        public var suite: String
        /// The backend.
        public var backend: String

        /// Creates a key.
        public init(file: String, suite: String, backend: String) {
            self.file = file
            self.suite = suite
            self.backend = backend
        }

        public static func < (left: Key, right: Key) -> Bool {
            (left.backend, left.suite, left.file) < (right.backend, right.suite, right.file)
        }
    }

    struct FileKey: Hashable {
        var file: String
        var backend: String
    }

    private(set) var bySuite: [Key: [Double]] = [:]
    private var byFile: [FileKey: [Double]] = [:]

    /// The passed attempts of `attempts`, ordered by start time (attempts without one first, in
    /// the given order). Attempts without a suite count for the file in every suite.
    public init(attempts: [Attempt]) {
        append(attempts)
    }

    /// Adds `attempts` as newer than every sample so far (ordered among themselves by start time).
    public mutating func append(_ attempts: [Attempt]) {
        let ordered = attempts.enumerated().filter { $0.element.outcome == .passed }.sorted { left, right in
            let a = left.element.startedAt ?? "", b = right.element.startedAt ?? ""
            return a != b ? a < b : left.offset < right.offset
        }
        for (_, attempt) in ordered {
            if let suite = attempt.suite {
                bySuite[Key(file: attempt.file, suite: suite, backend: attempt.backend), default: []].append(attempt.seconds)
            }
            byFile[FileKey(file: attempt.file, backend: attempt.backend), default: []].append(attempt.seconds)
        }
    }

    /// The samples of `key`, oldest first: its own, else the file's on that backend in any suite.
    public func samples(_ key: Key) -> [Double] {
        bySuite[key] ?? byFile[FileKey(file: key.file, backend: key.backend)] ?? []
    }

    /// Every (file, suite, backend) with samples, in key order.
    public var keys: [Key] { bySuite.keys.sorted() }
}
