import AgentRetryACP
import Testing

/// The version negotiator on a table: a start, the merchant's answers, the versions sent.
@Suite("ACP version negotiation")
struct ACPVersionNegotiatorTests {
    typealias Answer = ACPVersionNegotiator.Answer

    /// Sends the create for as long as the negotiator says, answering from `answers` in order.
    static func play(_ start: ACPVersionNegotiator.Start, _ answers: [Answer]) -> ([String], String) {
        var negotiator = ACPVersionNegotiator(start: start)
        var decision = negotiator.first()
        var sent: [String] = []
        var remaining = answers[...]
        while case .send(let version, let probing) = decision {
            sent.append(version.rawValue + (probing ? "!" : ""))
            guard let answer = remaining.popFirst() else { return (sent, "no answer left") }
            decision = negotiator.received(answer, for: version, said: "\(answer)")
        }
        if case .unsupported(let mismatch) = decision { return (sent, "unsupported \(mismatch.attempts.count)") }
        return (sent, "finish")
    }

    @Test(
        "Where negotiation starts and where each answer leads",
        arguments: [
            // Nothing known: the newest, probed (a 5xx re-sent once); accepted at once.
            (ACPVersionNegotiator.Start.unknown, [Answer.final], ["2026-04-17!"], "finish"),
            // An override is the only version tried; a refusal of it is unsupported.
            (.override("2025-12-12"), [.final], ["2025-12-12"], "finish"),
            (.override("2025-12-12"), [.versionRefused(supported: ["2026-04-17"])], ["2025-12-12"], "unsupported 1"),
            // The version an earlier task kept, probed; refused later, it is renegotiated.
            (.stored("2026-01-30"), [.final], ["2026-01-30!"], "finish"),
            (
                .stored("2026-01-30"), [.versionRefused(supported: ["2025-09-29"]), .final],
                ["2026-01-30!", "2025-09-29"], "finish"
            ),
            // A kept version whose shape the merchant now refuses, or that now gets 5xx: negotiated anew.
            (.stored("2026-01-30"), [.shapeRefused, .final], ["2026-01-30!", "2026-04-17!"], "finish"),
            (
                .stored("2026-01-30"), [.serverError, .shapeRefused, .final],
                ["2026-01-30!", "2026-04-17!", "2026-01-16!"], "finish"
            ),
            // A create of unknown outcome is resumed first, with every retry, whatever else is known.
            (.resume("2025-12-12"), [.final], ["2025-12-12"], "finish"),
            (.resume("2025-12-12"), [.shapeRefused, .final], ["2025-12-12", "2026-04-17!"], "finish"),
            // Discovery: the newest both speak; none in common is unsupported with nothing sent.
            (.discovered(["2025-09-29", "2026-01-16"]), [.final], ["2026-01-16"], "finish"),
            (.discovered(["2024-01-01"]), [], [], "unsupported 0"),
            // 400 with supported_versions: the newest both speak, after one try.
            (.unknown, [.versionRefused(supported: ["2025-12-12"]), .final], ["2026-04-17!", "2025-12-12"], "finish"),
            (.unknown, [.versionRefused(supported: ["2027-01-01"])], ["2026-04-17!"], "unsupported 1"),
            // unsupported_api_version without a list: the next older, once each.
            (.unknown, [.versionRefused(supported: []), .final], ["2026-04-17!", "2026-01-30!"], "finish"),
            // A merchant that ignores API-Version and refuses newer shapes: older shapes, newest first.
            (
                .unknown, [.shapeRefused, .shapeRefused, .shapeRefused, .shapeRefused, .final],
                ["2026-04-17!", "2026-01-30!", "2026-01-16!", "2025-12-12!", "2025-09-29!"], "finish"
            ),
            // Every shape refused: unsupported, with what each got.
            (
                .unknown, Array(repeating: Answer.shapeRefused, count: 5),
                [
                    "2026-04-17!", "2026-01-30!", "2026-01-16!", "2025-12-12!", "2025-09-29!",
                ], "unsupported 5"
            ),
            // Every version 5xx: a merchant that is down, not a mismatch; the last answer (pending) stands.
            (
                .unknown, Array(repeating: Answer.serverError, count: 5),
                ["2026-04-17!", "2026-01-30!", "2026-01-16!", "2025-12-12!", "2025-09-29!"], "finish"
            ),
            // A 5xx to the newest: the next older once; a merchant naming the 5xx'd version resumes it.
            (.unknown, [.serverError, .final], ["2026-04-17!", "2026-01-30!"], "finish"),
            (
                .unknown, [.serverError, .versionRefused(supported: ["2026-04-17"]), .final],
                ["2026-04-17!", "2026-01-30!", "2026-04-17"], "finish"
            ),
            (
                .unknown, [.serverError, .versionRefused(supported: ["2026-04-17"]), .serverError],
                ["2026-04-17!", "2026-01-30!", "2026-04-17"], "unsupported 3"
            ),
        ]
    )
    func table(_ start: ACPVersionNegotiator.Start, _ answers: [Answer], _ sent: [String], _ end: String) {
        let (actual, ending) = Self.play(start, answers)
        #expect(actual == sent)
        #expect(ending == end)
    }

    @Test("The mismatch says what each side speaks and what each version got")
    func mismatch() {
        var negotiator = ACPVersionNegotiator(start: .unknown)
        _ = negotiator.first()
        let decision = negotiator.received(
            .versionRefused(supported: ["2030-01-01"]),
            for: .v2026_04_17,
            said: "400 unsupported_api_version"
        )
        guard case .unsupported(let mismatch) = decision else {
            Issue.record("expected unsupported, got \(decision)")
            return
        }
        #expect(mismatch.merchantVersions == ["2030-01-01"])
        #expect(mismatch.clientVersions == ACPVersion.released)
        #expect(mismatch.attempts == [.init(version: .v2026_04_17, answer: "400 unsupported_api_version")])
    }
}
