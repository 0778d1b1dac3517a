// Sequential keep-alive requests per second on loopback: AgentRetry's transport against a plain
// libcurl easy-handle loop, in the same run, against the same local server.
//
// From the root: `make bench`. In Benchmarks/:
//
//   swift run -c release transport-benchmark [--requests N] [--rounds R]
//
// Rounds alternate between the two so that machine noise hits both alike; the figure of each is
// the median of its rounds, and the ratio is AgentRetry's over the baseline's (goal: at least 0.9).

import AgentRetry
import AgentRetryTesting
import BenchmarkSupport
import CLibcurl
import Foundation

/// The baseline: one easy handle, `curl_easy_perform` in a loop (libcurl keeps the connection
/// alive), the body collected into memory as the transport does. Runs on its own thread.
final class PlainCurlLoop: @unchecked Sendable {
    private let url: String
    private var body: [UInt8] = []

    init(url: String) {
        self.url = url
    }

    func run(requests: Int) async -> Duration {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: self.runBlocking(requests: requests)) }
            thread.start()
        }
    }

    private func runBlocking(requests: Int) -> Duration {
        guard let handle = curl_easy_init() else { fatalError("curl_easy_init failed") }
        defer { curl_easy_cleanup(handle) }
        let write: curl_write_callback = { data, size, count, context in
            let loop = Unmanaged<PlainCurlLoop>.fromOpaque(context!).takeUnretainedValue()
            loop.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }
        _ = agentretry_easy_setopt_string(handle, CURLOPT_URL, self.url)
        _ = agentretry_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = agentretry_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, write)
        _ = agentretry_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque())
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<requests {
            self.body.removeAll(keepingCapacity: true)
            let code = curl_easy_perform(handle)
            precondition(code == CURLE_OK, "baseline request failed: \(code)")
        }
        return clock.now - start
    }
}

func transportRound(_ transport: HTTPTransport, url: String, requests: Int) async throws -> Duration {
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<requests {
        let response = try await transport.execute(HTTPRequest(url: url))
        precondition(response.status == 200)
    }
    return clock.now - start
}

func perSecond(_ requests: Int, _ elapsed: Duration) -> Double {
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return Double(requests) / seconds
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

let requests = argument("--requests", default: 20_000)
let rounds = argument("--rounds", default: 5)
let server = try await FaultyHTTPServer.start()
let url = "\(server.baseURL)/ok"
let transport = HTTPTransport()
let baseline = PlainCurlLoop(url: url)

print(
    "transport-benchmark: \(requests) sequential keep-alive GETs per round, \(rounds) rounds, "
        + "\(ProcessInfo.processInfo.activeProcessorCount) cores"
)
print(HTTPTransport.libcurlVersion)
_ = await baseline.run(requests: 1000)
_ = try await transportRound(transport, url: url, requests: 1000)

var baselineRates: [Double] = []
var transportRates: [Double] = []
for round in 1...rounds {
    let plain = perSecond(requests, await baseline.run(requests: requests))
    let ours = perSecond(requests, try await transportRound(transport, url: url, requests: requests))
    baselineRates.append(plain)
    transportRates.append(ours)
    print(String(format: "round %d: plain libcurl %.0f req/s, AgentRetry transport %.0f req/s", round, plain, ours))
}
let plain = median(baselineRates)
let ours = median(transportRates)
print(String(format: "plain libcurl easy loop (median): %.0f req/s", plain))
print(String(format: "AgentRetry HTTPTransport (median): %.0f req/s", ours))
print(String(format: "ratio: %.2f (goal >= 0.90)", ours / plain))
print("server accepted \(server.acceptedConnections) connections for \(server.requestsReceived) requests")

await transport.shutdown()
try await server.shutdown()
