import AgentRetry
import AgentRetryACP
import Foundation
import Testing

@Suite("ACPVersion: released versions, validation, order and families")
struct ACPVersionTests {
    @Test("The released versions, newest first, and the latest")
    func released() {
        #expect(
            ACPVersion.released.map(\.rawValue) == [
                "2026-04-17", "2026-01-30", "2026-01-16", "2025-12-12", "2025-09-29",
            ]
        )
        #expect(ACPVersion.released == ACPVersion.released.sorted(by: >))
        #expect(ACPVersion.latest == .v2026_04_17)
        #expect(ACPVersion.released.allSatisfy { $0.isReleased })
        #expect(!ACPVersion("2026-02-01").isReleased)
    }

    @Test(
        "Validation accepts real dates in YYYY-MM-DD form only",
        arguments: [
            ("2026-04-17", true), ("2024-02-29", true), ("2000-02-29", true), ("2025-12-31", true),
            ("2025-02-29", false), ("1900-02-29", false), ("2026-13-01", false), ("2026-00-10", false),
            ("2026-04-31", false), ("2026-04-00", false), ("2026-4-17", false), ("20260417", false),
            ("2026-04-17 ", false), ("latest", false), ("", false), ("２０２６-04-17", false),
        ]
    )
    func validation(_ text: String, _ valid: Bool) {
        #expect((ACPVersion(validating: text) != nil) == valid)
        #expect(ACPVersion(validating: text)?.rawValue == (valid ? text : nil))
    }

    @Test("Families: released versions, and unknown ones older, between and newer")
    func families() {
        #expect(ACPVersion.v2025_09_29.family == .fulfillmentAddress)
        #expect(ACPVersion.v2025_12_12.family == .nestedSelection)
        #expect(ACPVersion.v2026_01_16.family == .nestedSelection)
        #expect(ACPVersion.v2026_01_30.family == .paymentHandlers)
        #expect(ACPVersion.v2026_04_17.family == .paymentHandlers)
        #expect(ACPVersion("2027-01-01").family == .paymentHandlers, "newer than every release")
        #expect(ACPVersion("2024-01-01").family == .fulfillmentAddress, "older than every release")
        #expect(ACPVersion("2025-12-31").family == .nestedSelection, "between 2025-12-12 and 2026-01-16")
        #expect(ACPVersion.Family.fulfillmentAddress.usesPaymentToken)
        #expect(!ACPVersion.Family.paymentHandlers.usesPaymentToken)
    }

    @Test("Versions order by date and code as JSON strings")
    func orderAndCoding() throws {
        #expect(ACPVersion.v2025_09_29 < .v2025_12_12)
        #expect(ACPVersion.v2026_01_30 < .v2026_04_17)
        #expect(ACPVersion.released.max() == .latest)
        let data = try JSONEncoder().encode([ACPVersion.v2026_01_16])
        #expect(String(decoding: data, as: UTF8.self) == #"["2026-01-16"]"#)
        #expect(try JSONDecoder().decode([ACPVersion].self, from: data) == [.v2026_01_16])
        #expect("\(ACPVersion.latest)" == "2026-04-17")
    }
}
