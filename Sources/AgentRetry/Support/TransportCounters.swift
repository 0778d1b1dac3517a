import Metrics

/// The transport's swift-metrics counters.
///
/// - `agentretry_transport_requests_total`, dimension `outcome`: `response`, `notSent`,
///   `mayHaveBeenProcessed` or `definitive`.
/// - `agentretry_transport_wire_sends_total`: every time a request was put on the wire.
/// - `agentretry_transport_resends_total`: sends beyond the first, made by libcurl on a fresh
///   connection after a reused one died.
struct TransportCounters: Sendable {
    private let responses = Counter(label: "agentretry_transport_requests_total", dimensions: [("outcome", "response")])
    private let failures: [FailureClass: Counter] = Dictionary(
        uniqueKeysWithValues: FailureClass.allCases.map {
            ($0, Counter(label: "agentretry_transport_requests_total", dimensions: [("outcome", $0.rawValue)]))
        }
    )
    private let wireSends = Counter(label: "agentretry_transport_wire_sends_total")
    private let resends = Counter(label: "agentretry_transport_resends_total")

    func record(_ response: HTTPResponse) {
        self.responses.increment()
        self.recordSends(response.wireSends)
    }

    func record(_ error: HTTPTransportError) {
        self.failures[error.failureClass]?.increment()
        self.recordSends(error.wireSends)
    }

    private func recordSends(_ count: Int) {
        if count > 0 { self.wireSends.increment(by: count) }
        if count > 1 { self.resends.increment(by: count - 1) }
    }
}
