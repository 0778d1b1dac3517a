import CoreMetrics
import Foundation
import Logging

extension IdempotentClient {
    /// The lookup a call may run for an outcome it must not re-send (see ``send(_:intent:profile:reconcile:anchor:)``).
    public typealias Lookup = @Sendable (IdempotencyRecord) async throws -> HTTPResponse?

    /// Performs the decider's steps until it ends the call: the only loop of a keyed call.
    func perform(
        _ request: HTTPRequest,
        decider initial: RetryDecider,
        leased: Bool,
        operation: String,
        lookup: Lookup?
    ) async throws(IdempotentCallError) -> IdempotentResult {
        var decider = initial
        var request = request
        let owner = self.configuration.owner
        let key = decider.record.key
        request.headers.replaceOrAdd(name: decider.settings.profile.headerName, value: key.rawValue)
        var step = decider.begin(leased: leased, now: self.environment.now())
        do throws(IdempotentCallError) {
            while true {
                switch step {
                case .acquireLease:
                    let current = try await self.lease(key, until: self.configuration.leaseWait)
                    step = decider.leased(current, now: self.environment.now())
                case .send(let record):
                    // The key and the attempt are on disk before the first byte leaves.
                    try await self.storeCall(key) { try await self.store.update(record, owner: owner) }
                    self.counters.attempts.increment()
                    await self.configuration.onEvent?(
                        .persistedBeforeSending(
                            key: key,
                            operation: operation,
                            attempt: record.attempts
                        )
                    )
                    let result = await self.execute(
                        request,
                        key: key,
                        operation: operation,
                        profile: decider.settings.profile
                    )
                    step = decider.received(result, now: self.environment.now(), jitter: self.environment.unitRandom())
                case .sleep(let delay, let reason):
                    self.counters.retry(reason)
                    self.logger.debug(
                        "retrying",
                        metadata: [
                            "key": "\(key)", "reason": "\(reason.rawValue)", "delay": "\(delay)",
                        ]
                    )
                    do {
                        try await self.environment.sleep(for: delay)
                        step = decider.slept(now: self.environment.now())
                    } catch {
                        step = decider.sleepCancelled(now: self.environment.now())
                    }
                case .lookUp(let persist):
                    if let persist {
                        try await self.storeCall(key) { try await self.store.update(persist, owner: owner) }
                    }
                    step = decider.lookedUp(
                        await self.look(up: decider.record, with: lookup),
                        now: self.environment.now()
                    )
                case .end(let ending):
                    return try await self.end(ending, key: key)
                }
            }
        } catch {
            // A store failure: the record stays as it was last written, and the lease is given up
            // (owner-checked, so harmless if it is gone already).
            if error.code == .store { try? await self.store.releaseLease(key: key, owner: owner) }
            throw error
        }
    }

    /// Sends one attempt and reports what came back.
    private func execute(
        _ request: HTTPRequest,
        key: IdempotencyKey,
        operation: String,
        profile: PSPProfile
    ) async -> Result<HTTPResponse, HTTPTransportError> {
        do {
            let response = try await self.transport.execute(request, logger: nil)
            await self.configuration.onEvent?(
                .responseReceived(key: key, operation: operation, status: response.status)
            )
            if profile.isReplay(response) { self.counters.replays.increment() }
            return .success(response)
        } catch {
            return .failure(error)
        }
    }

    /// Runs the caller's lookup.
    private func look(up record: IdempotencyRecord, with lookup: Lookup?) async -> RetryDecider.LookupResult {
        guard let lookup else { return .nothing }
        do {
            return try await lookup(record).map { .found($0) } ?? .nothing
        } catch {
            // The PSP unreachable, say: still unknown, and the next invocation looks again.
            self.logger.info("reconciliation lookup failed", metadata: ["key": "\(record.key)", "error": "\(error)"])
            return .failed("\(error)")
        }
    }

    /// The call's last write (which gives the lease up unless a store write failed), its counters and
    /// its log line.
    private func end(
        _ ending: RetryDecider.Ending,
        key: IdempotencyKey
    ) async throws(IdempotentCallError) -> IdempotentResult {
        let owner = self.configuration.owner
        switch ending.write {
        case .finish(let record): try await self.storeCall(key) { try await self.store.finish(record, owner: owner) }
        case .releaseLease: try? await self.store.releaseLease(key: key, owner: owner)
        case .none: break
        }
        switch ending.result {
        case .success(let result):
            if result.fromStore { self.counters.storeHits.increment() }
            self.logger.info(
                "idempotent call ended",
                metadata: [
                    "key": "\(key)", "status": "\(result.status.rawValue)", "attempts": "\(result.attempts)",
                    "replayed": "\(result.replayed)", "from_store": "\(result.fromStore)",
                ]
            )
            return result
        case .failure(let error):
            switch error.code {
            case .bodyChanged: self.counters.conflict("body_changed")
            case .targetChanged: self.counters.conflict("target_changed")
            case .credentialsChanged: self.counters.conflict("credentials_changed")
            case .payloadMismatch:
                // A conflict the store kept from an earlier call is not counted again.
                if case .finish = ending.write { self.counters.conflict("payload_mismatch") }
            case .inFlightAtServer: self.counters.conflict("in_flight")
            default: break
            }
            self.logger.info(
                "idempotent call ended with an error",
                metadata: [
                    "key": "\(key)", "error": "\(error.code)", "attempts": "\(error.attempts)",
                ]
            )
            throw error
        }
    }
}
