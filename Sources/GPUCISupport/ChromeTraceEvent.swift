/// One Chrome Trace Event (Perfetto, chrome://tracing): `X` spans, `i` instants, `M` names, in
/// microsecond integers. Absent fields are left out of the JSON.
public struct ChromeTraceEvent: Codable, Hashable, Sendable {
    /// The event's name.
    public var name: String
    /// Its category.
    public var cat: String?
    /// Its phase (`X`, `i`, `M`, …).
    public var ph: String
    /// Its start, µs.
    public var ts: Int64
    /// Its duration, µs (`X` only).
    public var dur: Int64?
    /// Process and thread (track) it is drawn on.
    public var pid: Int
    /// See ``pid``.
    public var tid: Int
    /// An instant's scope (`t`, `p`, `g`).
    public var s: String?
    /// Free-form arguments shown with the event.
    public var args: [String: String]?

    /// Creates an event.
    public init(name: String, cat: String? = nil, ph: String, ts: Int64, dur: Int64? = nil, pid: Int, tid: Int,
                s: String? = nil, args: [String: String]? = nil) {
        self.name = name
        self.cat = cat
        self.ph = ph
        self.ts = ts
        self.dur = dur
        self.pid = pid
        self.tid = tid
        self.s = s
        self.args = args
    }
}
