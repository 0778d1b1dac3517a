// Keyed calls per second on loopback at 1, 8 and 64 concurrent tasks: the idempotent client on the
// SQLite store and on the PostgreSQL store, side by side in the same run, with the bare transport
// (the same POSTs with a key header, no store) as the ceiling.
//
// From the root: `make bench-store`, which starts a throwaway PostgreSQL server and names it in
// AGENT_RETRY_TEST_POSTGRES. In Benchmarks/:
//
//   ../Tests/postgres-server.sh run swift run -c release store-benchmark [--calls N] [--rounds R] [--pool N]
//
// or, against a server of your own, AGENT_RETRY_TEST_POSTGRES=postgres://USER@HOST:PORT/DB in place
// of the script (a connection string without `sslmode` connects without TLS).
//
// Every client call is a new intent, so each one creates and leases its record, records the
// attempt and finishes it: three durable commits before and after its request. Both stores commit
// durably (SQLite: WAL with synchronous=FULL; PostgreSQL: synchronous_commit=on, fsync on).
// Rounds alternate between the three, and the table gives each one's median.

import AgentRetry
import AgentRetryPostgres
import AgentRetryTesting
import BenchmarkSupport
import Foundation

let callsPerTask = argument("--calls", default: 40)
let rounds = argument("--rounds", default: 3)
let poolSize = argument("--pool", default: 16)
let concurrencies = [1, 8, 64]
// A namespace of this run's own: the database may hold an earlier run's records.
let namespace = "bench-\(UUID().uuidString.prefix(8).lowercased())"

guard let postgresURL = ProcessInfo.processInfo.environment["AGENT_RETRY_TEST_POSTGRES"], !postgresURL.isEmpty else {
    print("store-benchmark: AGENT_RETRY_TEST_POSTGRES names no PostgreSQL server. Run `make bench-store`")
    print("from the repository's root, or in Benchmarks/:")
    print("  ../Tests/postgres-server.sh run swift run -c release store-benchmark")
    exit(2)
}

let server = try await FaultyHTTPServer.start()
let transport = HTTPTransport()
let url = server.baseURL + "/ok"
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-benchmark-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }

let sqlite = try SQLiteIdempotencyStore(path: directory.appendingPathComponent("store.sqlite").path)
var postgresConfiguration = try PostgresIdempotencyStore.Configuration(connectionString: postgresURL)
if !postgresURL.contains("sslmode=") { postgresConfiguration.tls = .disable }
postgresConfiguration.pool.maximumConnections = poolSize
postgresConfiguration.operationTimeout = .seconds(120)
let postgres = try await PostgresIdempotencyStore.connect(postgresConfiguration)
let secret = IdempotencyKeyDeriver.Secret.random()
let clients: [String: IdempotentClient] = [
    "SQLite": IdempotentClient(transport: transport, store: sqlite, secret: secret),
    "PostgreSQL": IdempotentClient(transport: transport, store: postgres, secret: secret),
]

/// One round: `concurrency` tasks, each making `callsPerTask` calls one after another; calls per second.
func round(_ variant: String, concurrency: Int, tag: String) async throws -> Double {
    let clock = ContinuousClock()
    let started = clock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<concurrency {
            group.addTask {
                for call in 0..<callsPerTask {
                    let request = HTTPRequest(method: .post, url: url, body: "amount=100&currency=usd")
                    if let client = clients[variant] {
                        let intent = IdempotencyIntent(
                            namespace: namespace,
                            operation: "post",
                            inputs: ["task_id": .string("\(tag)-\(worker)-\(call)")]
                        )
                        let result = try await client.send(request, intent: intent)
                        precondition(result.status == .succeeded)
                    } else {
                        var keyed = request
                        keyed.headers.add(name: "Idempotency-Key", value: "\(tag)-\(worker)-\(call)")
                        _ = try await transport.execute(keyed)
                    }
                }
            }
        }
        try await group.waitForAll()
    }
    return Double(concurrency * callsPerTask) / seconds(clock.now - started)
}

let variants = ["bare transport", "SQLite", "PostgreSQL"]
print(
    "store-benchmark: \(callsPerTask) calls per task, \(rounds) alternating rounds, "
        + "PostgreSQL pool of \(poolSize) connections,",
    "\(ProcessInfo.processInfo.activeProcessorCount) cores"
)
var medians: [Int: [String: Double]] = [:]
for concurrency in concurrencies {
    var samples: [String: [Double]] = [:]
    _ = try await round("SQLite", concurrency: concurrency, tag: "warm-s\(concurrency)")
    _ = try await round("PostgreSQL", concurrency: concurrency, tag: "warm-p\(concurrency)")
    for index in 0..<rounds {
        for variant in variants {
            samples[variant, default: []].append(
                try await round(variant, concurrency: concurrency, tag: "c\(concurrency)-r\(index)-\(variant)")
            )
        }
    }
    medians[concurrency] = samples.mapValues { $0.sorted()[$0.count / 2] }
    let line = variants.map { "\($0) \(Int(medians[concurrency]![$0]!)) calls/s" }.joined(separator: ", ")
    print("  \(concurrency) concurrent: \(line)")
}

func formatted(_ value: Double) -> String {
    let number = Int(value.rounded())
    return number >= 1000 ? "\(number / 1000),\(String(format: "%03d", number % 1000))" : "\(number)"
}

print("")
print(
    "| concurrent tasks | bare transport (calls/s) | SQLite store (calls/s) | PostgreSQL store (calls/s) "
        + "| SQLite / bare | PostgreSQL / bare | PostgreSQL / SQLite |"
)
print("|---|---|---|---|---|---|---|")
for concurrency in concurrencies {
    let row = medians[concurrency]!
    let bare = row["bare transport"]!
    let file = row["SQLite"]!
    let shared = row["PostgreSQL"]!
    print(
        "| \(concurrency) | \(formatted(bare)) | \(formatted(file)) | \(formatted(shared)) | "
            + String(format: "%.2f | %.2f | %.2f |", file / bare, shared / bare, shared / file)
    )
}

await postgres.close()
await transport.shutdown()
try await server.shutdown()
