import AgentRetry
import AgentRetryPostgres
import ArgumentParser
import Foundation

/// `agent-retry gc`: removes finished records whose PSP retention ended long enough ago.
///
/// Prints `{"status":"ok","removed":N}` and exits 0; 2 usage, 1 store error.
struct GCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove finished records whose PSP idempotency-key retention ended more than a while ago.",
        discussion: "Removes finished records (succeeded, failed, conflict) whose PSP retention ended more than "
            + "--older-than before now, in batches; never an unfinished record (prepared, in flight, pending) "
            + "nor one a live lease holds. A removed task that is run again is sent again under the same key, "
            + "which the PSP has forgotten: choose --older-than well past the oldest task any agent may still "
            + "re-run. Prints one JSON object: status, removed.\n\n"
            + "Exit codes: 0 done, 2 usage, 1 internal (the store failed)."
    )

    @OptionGroup var storeOptions: StoreOptions
    @Option(
        name: .customLong("older-than"),
        help: "How long after its PSP retention ended a record goes: 30d, 12h, 90m or 3600s; at least 1h."
    ) var olderThan: String

    func validate() throws {
        _ = try Self.age(self.olderThan)
        // A mistyped path would otherwise become a new, empty store and report 0 removed.
        let store = self.storeOptions.store
        if !PostgresIdempotencyStore.Configuration.isConnectionString(store),
            !FileManager.default.fileExists(atPath: store)
        {
            throw ValidationError("--store: no store file at that path")
        }
    }

    func run() async throws {
        let age = try Self.age(self.olderThan)
        let store = try await self.storeOptions.openStore()
        let removed: Int
        do {
            let now = Date()
            removed = try await store.removeFinishedRecords(expiredBefore: now - age, now: now)
        } catch {
            await (store as? PostgresIdempotencyStore)?.close()
            throw error
        }
        await (store as? PostgresIdempotencyStore)?.close()
        CommandOutput.report(["status": "ok", "removed": .number(Double(removed))])
    }

    /// The shortest age accepted: one hour.
    static let minimumAge: TimeInterval = 3600

    /// The longest age accepted: ten years.
    static let maximumAge: TimeInterval = 3650 * 86_400

    /// Parses `30d`, `12h`, `90m` or `3600s` into seconds, between ``minimumAge`` and ``maximumAge``.
    static func age(_ text: String) throws -> TimeInterval {
        let units: [Character: TimeInterval] = ["d": 86_400, "h": 3600, "m": 60, "s": 1]
        guard let unit = text.last.flatMap({ units[$0] }),
            text.dropLast().allSatisfy({ $0.isASCII && $0.isNumber }),
            let count = Int(text.dropLast()), text.count <= 12
        else {
            throw ValidationError("--older-than must be a whole number followed by d, h, m or s (30d, 12h, 3600s)")
        }
        let age = TimeInterval(count) * unit
        guard age >= Self.minimumAge, age <= Self.maximumAge else {
            throw ValidationError("--older-than must be between 1h and 3650d")
        }
        return age
    }
}
