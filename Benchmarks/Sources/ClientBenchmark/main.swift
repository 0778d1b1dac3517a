// The idempotent client's per-call cost over the bare transport, on loopback, with SQLite
// durability on (WAL, synchronous=FULL), and this machine's fsync cost measured in the same run.
//
// From the root: `make bench-client`. In Benchmarks/:
//
//   swift run -c release client-benchmark [--calls N] [--rounds R]
//
// Each client call is a new intent (a new task id), so every call creates, leases, persists and
// finishes a record: the full durable path, not a store hit.

import AgentRetry
import AgentRetryTesting
import BenchmarkSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The median time of writing 512 bytes and fsync-ing them, in the store's folder.
func fsyncCost(in directory: URL, samples: Int = 200) -> Double {
    let path = directory.appendingPathComponent("fsync-probe").path
    let descriptor = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o600)
    defer {
        close(descriptor)
        unlink(path)
    }
    let bytes = [UInt8](repeating: 7, count: 512)
    let clock = ContinuousClock()
    var times: [Double] = []
    for _ in 0..<samples {
        let started = clock.now
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, 512) }
        _ = Glibc.fsync(descriptor)
        times.append(seconds(clock.now - started))
    }
    return times.sorted()[samples / 2]
}

let calls = argument("--calls", default: 300)
let rounds = argument("--rounds", default: 3)
let server = try await FaultyHTTPServer.start()
let transport = HTTPTransport()
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("client-benchmark-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let store = try SQLiteIdempotencyStore(path: directory.appendingPathComponent("store.sqlite").path)
let client = IdempotentClient(transport: transport, store: store, secret: .random())
let url = server.baseURL + "/ok"

func bareRound() async throws -> Double {
    let clock = ContinuousClock()
    let started = clock.now
    for index in 0..<calls {
        var request = HTTPRequest(method: .post, url: url, body: "amount=100&currency=usd")
        request.headers.add(name: "Idempotency-Key", value: "bare-\(index)")
        _ = try await transport.execute(request)
    }
    return seconds(clock.now - started) / Double(calls)
}

func clientRound(_ round: Int) async throws -> Double {
    let clock = ContinuousClock()
    let started = clock.now
    for index in 0..<calls {
        let intent = IdempotencyIntent(
            namespace: "bench",
            operation: "post",
            inputs: ["task_id": .string("r\(round)-\(index)")]
        )
        let result = try await client.send(
            HTTPRequest(method: .post, url: url, body: "amount=100&currency=usd"),
            intent: intent
        )
        precondition(result.status == .succeeded)
    }
    return seconds(clock.now - started) / Double(calls)
}

print("client-benchmark: \(calls) sequential calls per round, \(rounds) rounds, store in \(NSTemporaryDirectory())")
_ = try await bareRound()
var bare: [Double] = []
var durable: [Double] = []
for round in 1...rounds {
    bare.append(try await bareRound())
    durable.append(try await clientRound(round))
    print(
        String(
            format: "round %d: bare transport %.1f µs/call, idempotent client %.1f µs/call",
            round,
            bare.last! * 1e6,
            durable.last! * 1e6
        )
    )
}
let fsyncSeconds = fsyncCost(in: directory)
let bareMedian = bare.sorted()[rounds / 2]
let durableMedian = durable.sorted()[rounds / 2]
print(String(format: "bare transport (median): %.1f µs per call", bareMedian * 1e6))
print(
    String(format: "idempotent client, SQLite WAL + synchronous=FULL (median): %.1f µs per call", durableMedian * 1e6)
)
print(
    String(
        format: "ratio (client time / bare time): %.1f×; client overhead %.1f µs per call",
        durableMedian / bareMedian,
        (durableMedian - bareMedian) * 1e6
    )
)
print(
    String(
        format: "fsync of 512 bytes on this disk (median of 200): %.1f µs; overhead ≈ %.1f fsyncs per call",
        fsyncSeconds * 1e6,
        (durableMedian - bareMedian) / fsyncSeconds
    )
)
await transport.shutdown()
try await server.shutdown()
