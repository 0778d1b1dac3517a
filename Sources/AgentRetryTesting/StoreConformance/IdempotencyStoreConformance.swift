import AgentRetry
import Testing

/// The behaviour every `IdempotencyStore` must have, as checks a store's own tests
/// run: the suite the SQLite, PostgreSQL and in-memory stores pass, for anyone who writes a store
/// for another database.
///
/// It covers the first write (`insertAndLease`: one record and one lease under races, an intent's
/// record found under another key, adoption of a finished one), leases (compare-and-set, expiry and
/// takeover, renewal by writes, release by the holder only, a dead holder's lease taken over at
/// once, a live one's waited for), writes guarded by a live lease,
/// round-trips of every field, the removal of expired records, settings created once, and the
/// webhook inbox (`WebhookInboxStore`: events recorded once, orders moved forward only, claims
/// handed to one owner, redelivery after an expired claim), which every store must keep. Each
/// check gets a new, empty store from the factory, and runs many calls at once on it and on the
/// same store opened again. A failure is reported with Swift Testing's `#expect` and `#require`,
/// saying what the store did.
///
/// ## Usage
///
/// ```swift
/// import AgentRetryTesting
/// import Testing
///
/// let conformance = IdempotencyStoreConformance {
///     let database = try await MyDatabase.makeEmpty()
///     return .init(
///         store: try await MyStore.open(database),
///         openAnother: { try await MyStore.open(database) },
///         close: { await database.drop() })
/// }
///
/// @Test(arguments: IdempotencyStoreConformance.Check.all)
/// func conforms(to check: IdempotencyStoreConformance.Check) async throws {
///     try await conformance.run(check)
/// }
/// ```
///
/// What needs raw access to the database (corrupt rows, a row in a newer format, a newer schema)
/// is not part of the suite: a store checks it in its own tests.
public struct IdempotencyStoreConformance: Sendable {
    private let makeSubject: @Sendable () async throws -> Subject

    /// A suite that gets a new, empty store for each check from `makeSubject`.
    public init(makeSubject: @escaping @Sendable () async throws -> Subject) {
        self.makeSubject = makeSubject
    }

    /// Runs one check on a new store, closed afterwards.
    /// - Throws: What the store or the factory threw, or Swift Testing's error for a failed
    ///   `#require` (already recorded as an issue).
    public func run(_ check: Check) async throws {
        let subject = try await self.makeSubject()
        do {
            try await check.run(on: subject)
        } catch {
            await subject.close()
            throw error
        }
        await subject.close()
    }

    /// Runs every check, one after the other, each on a new store.
    /// - Throws: The first error a check throws.
    public func runAll() async throws {
        for check in Check.all {
            try await self.run(check)
        }
    }
}

extension IdempotencyStoreConformance {
    /// A new, empty store under test, and what the suite may do with it besides calling it.
    public struct Subject: Sendable {
        /// The store, new and empty.
        public var store: any IdempotencyStore
        /// Opens the same store again with connections of its own, as another process would.
        public var openAnother: @Sendable () async throws -> any IdempotencyStore
        /// Opens the same store again as another process would, with a way to kill that process:
        /// afterwards the store must be able to prove the leases it held dead, and take them over
        /// before they expire (its process SIGKILLed, its database session closed, its in-memory
        /// session ended). `nil` for a store that cannot prove a holder dead: the checks of dead
        /// holders then verify that every live lease is waited for until it expires.
        public var openProcess: (@Sendable () async throws -> StoreProcess)?
        /// Counts the records the store holds (those of one intent identity, if given) by looking
        /// at the database directly, such as with `SELECT count(*)`; `nil` without such access,
        /// and the checks that would use it count through the store's methods.
        public var countRecords: (@Sendable (_ intentFingerprint: String?) async throws -> Int)?
        /// Closes what `store` and `openAnother` opened, and removes the store; called after each
        /// check, whether it passed or not.
        public var close: @Sendable () async -> Void

        /// A store under test.
        /// - Parameters:
        ///   - store: The store, new and empty.
        ///   - openAnother: Opens the same store again; by default `store` itself, for a store with
        ///     nothing to open (``InMemoryIdempotencyStore``).
        ///   - openProcess: Opens the same store as another process, which can be killed; `nil` by
        ///     default, for a store that cannot prove a holder dead.
        ///   - countRecords: Counts the stored records directly, if the database allows it.
        ///   - close: Closes and removes the store.
        public init(
            store: any IdempotencyStore,
            openAnother: (@Sendable () async throws -> any IdempotencyStore)? = nil,
            openProcess: (@Sendable () async throws -> StoreProcess)? = nil,
            countRecords: (@Sendable (_ intentFingerprint: String?) async throws -> Int)? = nil,
            close: @escaping @Sendable () async -> Void = {}
        ) {
            self.store = store
            self.openAnother = openAnother ?? { store }
            self.openProcess = openProcess
            self.countRecords = countRecords
            self.close = close
        }
    }
}

extension IdempotencyStoreConformance {
    /// The store as another process opened it, and a way to kill that process.
    public struct StoreProcess: Sendable {
        /// The store, as the other process sees it.
        public var store: any IdempotencyStore
        /// Kills the process (or ends its session) without its store giving anything up: leases it
        /// holds stay recorded, and the store must be able to prove their holder dead from now on,
        /// within moments.
        public var kill: @Sendable () async -> Void

        /// Another process's store, and how to kill it.
        public init(store: any IdempotencyStore, kill: @escaping @Sendable () async -> Void) {
            self.store = store
            self.kill = kill
        }
    }
}
