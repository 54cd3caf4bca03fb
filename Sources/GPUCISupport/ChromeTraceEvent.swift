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

    /// Writes the event as `JSONEncoder` encodes it: sorted keys, absent fields left out.
    public func write(to out: inout JSONStreamWriter) {
        out.beginObject()
        if let args {
            out.key("args")
            out.beginObject()
            for (name, value) in args.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                out.key(name); out.string(value)
            }
            out.endObject()
        }
        out.key("cat", ifPresent: cat)
        if let dur { out.key("dur"); out.integer(dur) }
        out.key("name"); out.string(name)
        out.key("ph"); out.string(ph)
        out.key("pid"); out.integer(pid)
        out.key("s", ifPresent: s)
        out.key("tid"); out.integer(tid)
        out.key("ts"); out.integer(ts)
        out.endObject()
    }
}

extension ChromeTraceEvent {
    /// A whole trace file, `{"displayTimeUnit":"ms","traceEvents":[…]}` and a line break, with
    /// `writeEvents` writing the array's elements; `count` sizes the buffer.
    public static func document(count: Int, _ writeEvents: (inout JSONStreamWriter) -> Void) -> String {
        var out = JSONStreamWriter(pretty: false, capacity: 200 * count + 64)
        out.beginObject()
        out.key("displayTimeUnit"); out.string("ms")
        out.key("traceEvents")
        out.beginArray()
        writeEvents(&out)
        out.endArray()
        out.endObject()
        return out.text + "\n"
    }
}
