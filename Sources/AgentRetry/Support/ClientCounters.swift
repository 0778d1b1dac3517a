import Metrics

/// The idempotent client's swift-metrics counters.
///
/// - `agentretry_client_attempts_total`: requests put on the wire.
/// - `agentretry_client_retries_total`, dimension `reason`: re-sends, by ``RetryReason``.
/// - `agentretry_client_replays_total`: responses the PSP profile calls replays
///   (``PSPProfile/replayHeaderNames``, `Idempotent-Replayed: true` by default).
/// - `agentretry_client_conflicts_total`, dimension `kind`: `payload_mismatch`, `in_flight`, `body_changed`,
///   `target_changed`, `credentials_changed`.
/// - `agentretry_client_store_hits_total`: outcomes returned from the store with no request.
struct ClientCounters: Sendable {
    let attempts = Counter(label: "agentretry_client_attempts_total")
    let replays = Counter(label: "agentretry_client_replays_total")
    let storeHits = Counter(label: "agentretry_client_store_hits_total")
    private let retries: [RetryReason: Counter] = Dictionary(
        uniqueKeysWithValues: RetryReason.allCases.map {
            ($0, Counter(label: "agentretry_client_retries_total", dimensions: [("reason", $0.rawValue)]))
        }
    )
    private let conflicts: [String: Counter] = Dictionary(
        uniqueKeysWithValues: [
            "payload_mismatch", "in_flight", "body_changed", "target_changed", "credentials_changed",
        ].map {
            ($0, Counter(label: "agentretry_client_conflicts_total", dimensions: [("kind", $0)]))
        }
    )

    func retry(_ reason: RetryReason) { self.retries[reason]?.increment() }
    func conflict(_ kind: String) { self.conflicts[kind]?.increment() }
}
