import GRDB

/// The history database's schema, as a sequence of migrations (never edit one; add the next).
enum HistorySchema {
    /// `PRAGMA user_version` of a database with every migration below: their count.
    static let version = 3
    /// The tables the migrations create.
    static let tables = ["ingests", "attempts", "runs", "jobs"]
    /// The migrations' identifiers.
    static var identifiers: Set<String> { Set(migrator.migrations) }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: attempts and ingests") { db in
            try db.create(table: "ingests") { table in
                table.primaryKey("hash", .text)
                table.column("source", .text).notNull()
                table.column("format", .text).notNull()
                table.column("attempts", .integer).notNull()
            }
            try db.create(table: "attempts") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("file", .text).notNull()
                table.column("backend", .text).notNull()
                table.column("suite", .text)
                table.column("partition", .integer)
                table.column("partitions", .integer)
                table.column("startedAt", .text)
                table.column("seconds", .double).notNull().check { $0 >= 0 }
                table.column("outcome", .text).notNull()
                    .check { ["passed", "failed", "timeout", "retried"].contains($0) }
                table.column("attempt", .integer).notNull().check { $0 >= 1 }
                table.column("runID", .text)
                table.column("ingestHash", .text).references("ingests", onDelete: .cascade)
            }
            try db.create(index: "attempts_by_file", on: "attempts", columns: ["file", "backend"])
        }
        migrator.registerMigration("v2: runs and jobs") { db in
            try db.create(table: "runs") { table in
                table.primaryKey("id", .text)
                table.column("startedAt", .text)
                table.column("event", .text)
                table.column("headSHA", .text)
                table.column("title", .text)
                table.column("source", .text).notNull()
            }
            try db.create(table: "jobs") { table in
                table.primaryKey("id", .text)
                table.column("runID", .text).references("runs")
                table.column("name", .text)
                table.column("suite", .text).notNull()
                table.column("backend", .text).notNull()
                table.column("partition", .integer).check { $0 >= 0 }
                table.column("runnerLabel", .text)
                table.column("startedAt", .text)
                table.column("completedAt", .text)
                table.column("identity", .text).notNull()
                table.column("source", .text).notNull()
            }
            try db.create(index: "jobs_by_run", on: "jobs", columns: ["runID"])
            try db.alter(table: "attempts") { table in
                table.add(column: "jobID", .text).references("jobs")
            }
            try db.create(index: "attempts_by_job", on: "attempts", columns: ["jobID"])
        }
        migrator.registerMigration("v3: ingest identity with options") { db in
            try db.alter(table: "ingests") { table in
                table.add(column: "content", .text)
                table.add(column: "options", .text).notNull().defaults(to: "")
            }
            try db.execute(sql: "UPDATE ingests SET content = hash WHERE format <> 'gpuci-run'")
            try db.create(index: "ingests_by_content", on: "ingests", columns: ["content"])
        }
        return migrator
    }
}
