import AgentRetryTesting
import Testing

/// The shipped suite (``IdempotencyStoreConformance``), every check against every store: SQLite,
/// PostgreSQL and the in-memory store.
@Suite("Store conformance", .serialized)
struct StoreConformanceTests {
    @Test(
        "Every store passes every check of the shipped conformance suite",
        arguments: StoreKind.allCases,
        IdempotencyStoreConformance.Check.all
    )
    func conformance(kind: StoreKind, check: IdempotencyStoreConformance.Check) async throws {
        try await kind.conformance.run(check)
    }
}
