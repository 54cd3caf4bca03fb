import Foundation
import GPUCISupport
import Testing

/// The shared YAML reader of GPUCISupport: every accessor's error names the file, the line and
/// column, the key path, what was expected and what was found.
@Suite struct LocatedYAMLTests {
    static let document = """
    name: pair
    count: 4
    ratio: 0.5
    flags: {on: yes, off: False}
    items:
      - alpha
      - 42
      -
    nested:
      inner: {depth: 2}
    """

    func root(_ text: String = Self.document) throws(InputError) -> YAMLNode {
        try YAMLNode.parse(text, file: "f.yaml")
    }

    func error(_ body: () throws(InputError) -> Void) -> InputError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test func mappingKeepsDocumentOrderAndKeyPaths() throws {
        let map = try root().mapping(allowed: ["name", "count", "ratio", "flags", "items", "nested"])
        #expect(map.entries.map(\.key) == ["name", "count", "ratio", "flags", "items", "nested"])
        #expect(Array(map).map(\.key) == map.entries.map(\.key))
        let inner = try map.required("nested").mapping().required("inner").mapping().required("depth")
        #expect(inner.path == "nested.inner.depth" && inner.line == 10 && inner.column == 18)
        #expect(try inner.int() == 2)
        #expect(map["missing"] == nil)
        let items = try map.required("items").sequence()
        #expect(items.map(\.path) == ["items[0]", "items[1]", "items[2]"])
        #expect(items.map(\.line) == [6, 7, 8])
        #expect(try items[0].string() == "alpha" && items[1].string() == "42" && items[2].isNull)
    }

    @Test func errorsPrintFileLineColumnKeyAndWhatWasFound() throws {
        let map = try root().mapping()
        let count = try #require(map["count"])
        let e = error { () throws(InputError) in _ = try count.int(range: 5...9) }
        #expect(e?.description == "f.yaml:2:8: count: expected a whole number from 5 to 9, found 4")
        let name = try #require(map["name"])
        #expect(error { () throws(InputError) in _ = try name.int(what: "device count") }?.description
            == "f.yaml:1:7: name: expected a whole number (device count), found 'pair'")
        #expect(error { () throws(InputError) in _ = try name.sequence(of: "devices") }?.description
            == "f.yaml:1:7: name: expected a list of devices, found 'pair'")
        let items = try #require(map["items"])
        #expect(error { () throws(InputError) in _ = try items.mapping(what: "a device") }?.description
            == "f.yaml:6:3: items: expected a mapping (a device), found a list")
        let empty = try items.sequence()[2]
        #expect(error { () throws(InputError) in _ = try empty.string() }?.description
            == "f.yaml:8:4: items[2]: expected text, found nothing")
    }

    @Test func unknownAndDuplicateKeysAreReportedAtTheirOwnLine() throws {
        let unknown = error { () throws(InputError) in _ = try root().mapping(allowed: ["name", "count"]) }
        #expect(unknown?.location == SourceLocation(file: "f.yaml", line: 3, column: 1, key: "ratio"))
        #expect(unknown?.message == "unknown key 'ratio' (expected one of: name, count)")
        let nested = try root().mapping().required("nested")
        let inner = error { () throws(InputError) in _ = try nested.mapping(allowed: ["outer"]) }
        #expect(inner?.location?.key == "nested.inner" && inner?.location?.line == 10)
        // `1` and `"1"` are one key to every gpuci reader (scalars are not tag-resolved), and Yams
        // already refuses the repeat.
        let twice = error { () throws(InputError) in _ = try root("a: x\n1: y\n\"1\": z\n").mapping() }
        #expect(twice?.location?.line == 2)
        #expect(twice?.message == "not valid YAML: duplicate keys '1' in one mapping")
        // Keys Yams tells apart by their tags are still one key to gpuci.
        let tagged = error { () throws(InputError) in _ = try root("b: 0\n!x a: 1\na: 2\n").mapping() }
        #expect(tagged?.message == "duplicate key 'a' (first given on line 2)" && tagged?.location?.line == 3)
        let complex = error { () throws(InputError) in _ = try root("? [a, b]\n: 1\n").mapping() }
        #expect(complex?.message == "expected a plain key, found a list" && complex?.location?.line == 1)
    }

    @Test func missingKeysAreReportedAtTheMapping() throws {
        let nested = try root().mapping().required("nested").mapping()
        let e = error { () throws(InputError) in _ = try nested.required("outer", hint: "e.g. outer: 1") }
        #expect(e?.description == "f.yaml:10:3: nested: missing key 'outer' (e.g. outer: 1)")
    }

    @Test func yamlErrorsAreLocated() throws {
        let syntax = error { () throws(InputError) in _ = try root("a: [1, 2\nb: 3\n") }
        #expect(syntax?.location?.file == "f.yaml" && syntax?.location?.line == 2 && syntax?.location?.column != nil)
        #expect(syntax?.message.hasPrefix("not valid YAML: ") == true)
        let duplicate = error { () throws(InputError) in _ = try root("top: 1\nmap:\n  k: 1\n  k: 2\n") }
        #expect(duplicate?.message == "not valid YAML: duplicate keys 'k' in one mapping" && duplicate?.location?.line == 3)
        let control = error { () throws(InputError) in _ = try root("a: 1\nb: x\u{1}\n") }
        #expect(control?.location == SourceLocation(file: "f.yaml", line: 2, column: 5))
        #expect(control?.message.hasPrefix("not valid YAML: ") == true)
        let twoDocuments = error { () throws(InputError) in _ = try root("a: 1\n---\nb: 2\n") }
        #expect(twoDocuments?.location?.line != nil)
        #expect(error { () throws(InputError) in _ = try root("") }?.description == "f.yaml:1: the document is empty (no YAML content)")
        #expect(error { () throws(InputError) in _ = try root("# only a comment\n") }?.location?.line == 1)
        let undefined = error { () throws(InputError) in _ = try root("a: *nowhere\n") }
        #expect(undefined?.location?.line == 1 && undefined?.message.hasPrefix("not valid YAML: ") == true)
    }

    @Test func numbersAreDecimalAndFiniteAndCheckedAgainstTheirRange() throws {
        func node(_ scalar: String) throws(InputError) -> YAMLNode { try root("v: \(scalar)\n").mapping().required("v") }
        #expect(try node("-12").int() == -12 && node("+7").int() == 7 && node("\"9\"").int() == 9)
        for bad in ["0x10", "1_000", "1:30", "1.5", "~", "[1]", "'  '"] {
            #expect(error { () throws(InputError) in _ = try node(bad).int() }?.message.hasPrefix("expected a whole number") == true, "\(bad)")
        }
        #expect(error { () throws(InputError) in _ = try node("0").int(range: 1...) }?.message == "expected a number above 0, found 0")
        #expect(error { () throws(InputError) in _ = try node("-1").int(range: 0...) }?.message == "expected a whole number ≥ 0, found -1")
        #expect(try node("1e3").double() == 1000 && node("2").double(range: 0...) == 2)
        for bad in [".inf", "inf", "nan", "-.inf", "1e999", "twelve", "{a: 1}"] {
            #expect(error { () throws(InputError) in _ = try node(bad).double() }?.message.hasPrefix("expected a number") == true, "\(bad)")
        }
        #expect(error { () throws(InputError) in _ = try node("-0.5").double(range: 0..., what: "seconds") }?.message
            == "expected a number ≥ 0 (seconds), found '-0.5'")
        #expect(error { () throws(InputError) in _ = try node("3.5").double(range: 0.5...2) }?.message
            == "expected a number from 0.5 to 2, found '3.5'")
        #expect(error { () throws(InputError) in _ = try node("0").positiveDouble(what: "GB") }?.message
            == "expected a positive number (GB), found '0'")
    }

    @Test func textBooleansAndNulls() throws {
        let map = try root().mapping()
        let flags = try map.required("flags").mapping()
        #expect(try flags.required("on").bool() == true && flags.required("off").bool() == false)
        #expect(error { () throws(InputError) in _ = try map.required("name").bool(what: "rdma") }?.message
            == "expected true or false (rdma), found 'pair'")
        func node(_ scalar: String) throws(InputError) -> YAMLNode { try root("v: \(scalar)\n").mapping().required("v") }
        #expect(try node("''").string(allowEmpty: true) == "" && node("\"~\"").string() == "~")
        #expect(try !node("'null'").isNull && node("null").isNull && node("~").isNull)
        for bad in ["''", "'   '", "null", "~", "[a]"] {
            #expect(throws: InputError.self, "\(bad)") { _ = try node(bad).string() }
        }
        let long = try node(String(repeating: "x", count: 100)).found
        #expect(long.count == 62 && long.hasSuffix("...'"))
        #expect(try node("|\n  two\n  lines\n").found == "'two\\nlines\\n'")
    }

    @Test func perItemTakesOneValueOrAListOfTheRightLength() throws {
        func node(_ value: String) throws(InputError) -> YAMLNode { try root("v: \(value)\n").mapping().required("v") }
        let read: (YAMLNode) throws(InputError) -> Int = { item throws(InputError) in try item.int() }
        #expect(try node("3").perItem(count: 2, read) == [3, 3])
        #expect(try node("[1, 2]").perItem(count: 2, read) == [1, 2])
        let short = error { () throws(InputError) in _ = try node("[1]").perItem(count: 2, read) }
        #expect(short?.message == "expected one value for the whole group or a list of 2, found 1")
        #expect(error { () throws(InputError) in _ = try node("[1, x]").perItem(count: 2, read) }?.location?.key == "v[1]")
    }

    /// Reads every node with every accessor; returns how many reads failed.
    func readEverything(_ node: YAMLNode, depth: Int = 0) -> Int {
        var failures = 0
        func attempt(_ read: () throws(InputError) -> Void) {
            do {
                try read()
            } catch {
                failures += 1
                #expect(error.location?.file == "fuzz.yaml" && error.location?.line != nil, "\(error)")
            }
        }
        attempt { () throws(InputError) in _ = try node.string() }
        attempt { () throws(InputError) in _ = try node.int(range: 0...100) }
        attempt { () throws(InputError) in _ = try node.double(range: 0...) }
        attempt { () throws(InputError) in _ = try node.positiveDouble() }
        attempt { () throws(InputError) in _ = try node.bool() }
        attempt { () throws(InputError) in _ = try node.perItem(count: 2) { item throws(InputError) in try item.string() } }
        guard depth < 8 else { return failures }
        attempt { () throws(InputError) in
            let map = try node.mapping(allowed: ["name", "devices", "links", "kind", "count", "a", "b"])
            _ = try map.required("name")
            for (_, value) in map { failures += readEverything(value, depth: depth + 1) }
        }
        attempt { () throws(InputError) in
            for item in try node.sequence() { failures += readEverything(item, depth: depth + 1) }
        }
        return failures
    }

    /// Seeded truncations and damage of real YAML, and random token soup: every outcome is a
    /// tree or a located `InputError`; no read crashes and none fails without a line.
    @Test(arguments: ["a10-4", "h200-8", "mi35x-8"])
    func damagedYAMLIsAlwaysALocatedError(_ name: String) throws {
        let text = try BundledTextForTests.shipped(name)
        var rng = SplitMix64(seed: 0x5EED ^ UInt64(name.utf8.count))
        let alphabet = Array("[]{}:,-#&*!|>?'\"%@` \n\t0123456789abxyz~\u{1}")
        var parseErrors = 0, readErrors = 0
        for round in 0..<300 {
            let damaged = round % 3 == 0
                ? String(text.prefix(Int.random(in: 0...text.count, using: &rng)))
                : mutate(text, alphabet: alphabet, using: &rng)
            do {
                readErrors += readEverything(try YAMLNode.parse(damaged, file: "fuzz.yaml"))
            } catch {
                parseErrors += 1
                #expect(error.location?.file == "fuzz.yaml" && error.location?.line != nil, "\(error)")
            }
        }
        #expect(parseErrors > 0 && readErrors > 0)
    }

    @Test func randomTokenSoupIsAlwaysALocatedError() {
        var rng = SplitMix64(seed: 99)
        let tokens = ["a: ", "b:", "- ", "[", "]", "{", "}", ", ", "\n", "  ", "x", "12", "-3.5", "~", "'q'", "\"w\"",
                      "&k ", "*k", "? ", "|\n", ">-\n", "#c", "---\n", "...\n", "!!int ", "!!str ", "\t", "\u{0}", "é"]
        var trees = 0, parseErrors = 0
        for _ in 0..<1_000 {
            let text = (0..<Int.random(in: 0..<40, using: &rng)).map { _ in tokens[Int.random(in: 0..<tokens.count, using: &rng)] }.joined()
            do {
                _ = readEverything(try YAMLNode.parse(text, file: "fuzz.yaml"))
                trees += 1
            } catch {
                parseErrors += 1
                #expect(error.location?.file == "fuzz.yaml" && error.location?.line != nil, "\(error)")
            }
        }
        #expect(trees > 50 && parseErrors > 50)
    }
}

@Suite struct ReadTextTests {
    @Test func aByteOrderMarkIsDroppedAndBadUTF8Refused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-readtext-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let marked = directory.appendingPathComponent("bom.yaml")
        try Data([0xEF, 0xBB, 0xBF] + Array("a: é\n".utf8)).write(to: marked)
        #expect(try AtomicFile.readText(marked.path) == "a: é\n")
        let bad = directory.appendingPathComponent("bad.yaml")
        try Data([0x61, 0x3A, 0x20, 0xFF, 0x0A]).write(to: bad)
        #expect { try AtomicFile.readText(bad.path) } throws: { error in
            (error as? InputError)?.description == "\(bad.path): the file is not UTF-8 text"
        }
    }
}
