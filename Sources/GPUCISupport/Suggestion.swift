/// "Did you mean …?" for a mistyped name: the closest candidate by edit distance, when it is
/// close enough to be a typo (at most a third of the name's length, and at most 3 edits).
public enum Suggestion {
    /// The candidate nearest to `name`, or `nil` when none is near (or `name` is one of them).
    public static func closest<Candidates: Sequence<String>>(to name: String, among candidates: Candidates) -> String? {
        let limit = min(3, max(1, name.count / 3))
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            if candidate == name { return nil }
            let distance = editDistance(name.lowercased(), candidate.lowercased(), limit: limit)
            if distance <= limit, distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        return best?.candidate
    }

    /// `"; did you mean 'X'?"`, or an empty string.
    public static func phrase<Candidates: Sequence<String>>(for name: String, among candidates: Candidates) -> String {
        closest(to: name, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }

    /// Levenshtein distance over characters; any value above `limit` is reported as `limit + 1`.
    static func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
        let x = Array(a), y = Array(b)
        if abs(x.count - y.count) > limit { return limit + 1 }
        guard !x.isEmpty, !y.isEmpty else { return x.count + y.count }
        var previous = Array(0...y.count)
        var current = Array(repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            if current.min()! > limit { return limit + 1 }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}
