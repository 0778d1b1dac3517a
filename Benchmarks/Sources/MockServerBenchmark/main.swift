// Idempotent POST throughput on loopback: the mock payment server (routing, form parsing,
// idempotency claim and record, charge, ledger) against a plain SwiftNIO server that only answers
// 200, in the same run, through the same client.
//
// From the root: `make bench-mock`. In Benchmarks/:
//
//   swift run -c release mock-server-benchmark [--requests N] [--concurrency C] [--rounds R]
//
// Every request is a Stripe create-and-confirm POST with a fresh Idempotency-Key. Rounds
// alternate between the two servers; each figure is the median of its rounds.

import AgentRetry
import AgentRetryTesting
import BenchmarkSupport
import Foundation
import MockPaymentServer

func round(_ transport: HTTPTransport, url: String, requests: Int, concurrency: Int, tag: String) async throws -> Double
{
    let clock = ContinuousClock()
    let started = clock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<concurrency {
            group.addTask {
                for index in stride(from: worker, to: requests, by: concurrency) {
                    var request = HTTPRequest(
                        method: .post,
                        url: url,
                        body: "amount=1000&currency=usd&payment_method=pm_card_visa&confirm=true"
                            + "&metadata%5Btask_id%5D=\(tag)-\(index)"
                    )
                    request.headers.add(name: "Authorization", value: "Bearer sk_test_bench")
                    request.headers.add(name: "Idempotency-Key", value: "\(tag)-\(index)")
                    let response = try await transport.execute(request)
                    precondition(response.status == 200, "status \(response.status)")
                }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = clock.now - started
    return Double(requests) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

let requests = argument("--requests", default: 20_000)
let concurrency = argument("--concurrency", default: 8)
let rounds = argument("--rounds", default: 5)
let mock = try await MockPaymentServer.start()
let plain = try await FaultyHTTPServer.start()
let transport = HTTPTransport()
print(
    "mock-server-benchmark: \(requests) idempotent POSTs per round, \(concurrency) concurrent, \(rounds) rounds, "
        + "\(ProcessInfo.processInfo.activeProcessorCount) cores"
)
_ = try await round(transport, url: plain.baseURL + "/ok", requests: 1000, concurrency: concurrency, tag: "warm-plain")
_ = try await round(
    transport,
    url: mock.baseURL + "/v1/payment_intents",
    requests: 1000,
    concurrency: concurrency,
    tag: "warm-mock"
)

var plainRates: [Double] = []
var mockRates: [Double] = []
for index in 1...rounds {
    let plainRate = try await round(
        transport,
        url: plain.baseURL + "/ok",
        requests: requests,
        concurrency: concurrency,
        tag: "plain-\(index)"
    )
    let mockRate = try await round(
        transport,
        url: mock.baseURL + "/v1/payment_intents",
        requests: requests,
        concurrency: concurrency,
        tag: "mock-\(index)"
    )
    plainRates.append(plainRate)
    mockRates.append(mockRate)
    print(
        String(
            format: "round %d: plain SwiftNIO 200 %.0f req/s, mock payment server %.0f req/s",
            index,
            plainRate,
            mockRate
        )
    )
}
let plainMedian = plainRates.sorted()[rounds / 2]
let mockMedian = mockRates.sorted()[rounds / 2]
print(String(format: "plain SwiftNIO server answering 200 (median): %.0f req/s", plainMedian))
print(String(format: "mock payment server, idempotent create+confirm (median): %.0f req/s", mockMedian))
print(String(format: "ratio: %.2f", mockMedian / plainMedian))
print("ledger entries: \(mock.ledger.count), duplicates: \(mock.duplicateCharges.count)")
await transport.shutdown()
try await mock.shutdown()
try await plain.shutdown()
