import GPUCISupport

/// RFC 4180 records (quoted fields, doubled quotes, line breaks inside quotes), each with
/// the 1-based line where it starts.
enum CSVRecords {
    struct Record: Sendable, Hashable {
        var fields: [String]
        var line: Int
    }

    static func parse(_ text: String, file: String) throws(InputError) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var quoteLine = 1
        var afterQuote = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let scalar = pending { pending = nil; return scalar }
            return iterator.next()
        }
        while let scalar = next() {
            if inQuotes {
                if scalar == "\"" {
                    let following = next()
                    if following == "\"" {
                        field.unicodeScalars.append("\"")
                    } else {
                        inQuotes = false
                        afterQuote = true
                        pending = following
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"":
                guard field.isEmpty, !afterQuote else {
                    throw InputError("unexpected '\"' inside an unquoted field (quote the whole field and double inner quotes)", file: file, line: line)
                }
                inQuotes = true
                quoteLine = line
            case ",":
                fields.append(field)
                field = ""
                afterQuote = false
            case "\r", "\n":
                if scalar == "\r" {
                    let following = next()
                    if following != "\n" { pending = following }
                }
                fields.append(field)
                records.append(Record(fields: fields, line: recordLine))
                fields = []
                field = ""
                afterQuote = false
                line += 1
                recordLine = line
            default:
                guard !afterQuote else {
                    throw InputError("unexpected text after a closing quote", file: file, line: line)
                }
                field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes { throw InputError("unterminated quoted field", file: file, line: quoteLine) }
        if !field.isEmpty || !fields.isEmpty || afterQuote {
            fields.append(field)
            records.append(Record(fields: fields, line: recordLine))
        }
        return records
    }
}
