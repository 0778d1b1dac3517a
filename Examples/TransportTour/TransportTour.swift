// A tour of AgentRetry's libcurl transport: one real request per failure a payment call can meet,
// each against a local server on 127.0.0.1 that misbehaves on purpose, and the failure class the
// transport gave it. The class is what makes a retry safe or not:
//   notSent               nothing reached the server: re-sending is always safe;
//   mayHaveBeenProcessed  the server may have acted: re-send only with the same idempotency key;
//   definitive            re-sending cannot help.
//
// Run it with `make demo` (or `swift run transport-tour`).

import AgentRetry
import AgentRetryTesting

@main
struct TransportTour {
    struct Scenario {
        let title: String
        let request: HTTPRequest
        var warmUpFirst = false
        var cancelAfter: Duration?
    }

    static func main() async throws {
        let server = try await FaultyHTTPServer.start()
        let closed = try await FaultyHTTPServer.start()
        let closedURL = closed.baseURL
        try await closed.shutdown()

        var configuration = HTTPTransport.Configuration()
        configuration.timeout = .init(connect: .seconds(2), total: .milliseconds(500))
        configuration.maximumResponseBodySize = 1024 * 1024
        let transport = HTTPTransport(configuration: configuration)
        let base = server.baseURL

        var injected = HTTPRequest(method: .post, url: "\(base)/ok", body: "amount=500")
        injected.headers.add(name: "X-Note", value: "ok\r\nX-Injected: 1")

        let scenarios = [
            Scenario(title: "payment POST answered", request: payment("\(base)/ok")),
            Scenario(title: "server answers 503", request: payment("\(base)/status/503")),
            Scenario(title: "connection refused", request: payment("\(closedURL)/v1/payment_intents")),
            Scenario(
                title: "TLS handshake with a plain-HTTP server",
                request: payment("https://127.0.0.1:\(server.port)/ok")
            ),
            Scenario(title: "header value with CR/LF", request: injected),
            Scenario(title: "body cut off mid-way", request: payment("\(base)/truncate")),
            Scenario(title: "server reads request, closes silently", request: payment("\(base)/drop")),
            Scenario(title: "server stalls past the 500 ms timeout", request: payment("\(base)/stall")),
            Scenario(
                title: "task cancelled while server stalls",
                request: payment("\(base)/stall"),
                cancelAfter: .milliseconds(100)
            ),
            Scenario(
                title: "kept-alive connection dies (POST)",
                request: payment("\(base)/drop-on-reused"),
                warmUpFirst: true
            ),
            Scenario(
                title: "kept-alive connection dies (GET)",
                request: HTTPRequest(url: "\(base)/drop-on-reused"),
                warmUpFirst: true
            ),
            Scenario(title: "2 MiB body over the 1 MiB cap", request: HTTPRequest(url: "\(base)/bytes?count=2097152")),
            Scenario(title: "malformed URL", request: HTTPRequest(url: "http://[::1/x")),
        ]

        print("AgentRetry transport tour: \(HTTPTransport.libcurlVersion)")
        print("local server \(base)\n")
        print(pad("scenario", 42), pad("outcome", 34), pad("failure class", 22), "wire sends")
        var classesMet: [FailureClass: Int] = [:]
        for scenario in scenarios {
            if scenario.warmUpFirst {
                _ = try await transport.execute(HTTPRequest(url: "\(base)/ok"))
            }
            let request = scenario.request
            let task = Task { try await transport.execute(request) }
            if let delay = scenario.cancelAfter {
                try await Task.sleep(for: delay)
                task.cancel()
            }
            do {
                let response = try await task.value
                print(
                    pad(scenario.title, 42),
                    pad("HTTP \(response.status) (HTTP/\(response.httpVersion))", 34),
                    pad("response", 22),
                    response.wireSends
                )
            } catch let error as HTTPTransportError {
                classesMet[error.failureClass, default: 0] += 1
                let outcome = error.code == .curl(error.curlCode ?? .ok) ? "\(error.curlCode ?? .ok)" : "\(error.code)"
                print(
                    pad(scenario.title, 42),
                    pad(String(outcome.prefix(33)), 34),
                    pad("\(error.failureClass)", 22),
                    error.wireSends
                )
            }
        }
        print(
            "\nfailure classes met:",
            FailureClass.allCases.map { "\($0) ×\(classesMet[$0, default: 0])" }.joined(separator: ", ")
        )
        print(
            "the server counted \(server.requestsReceived) complete requests "
                + "on \(server.acceptedConnections) connections"
        )

        await transport.shutdown()
        try await server.shutdown()
        guard FailureClass.allCases.allSatisfy({ classesMet[$0, default: 0] > 0 }) else {
            print("error: not every failure class was met")
            throw TourIncomplete()
        }
    }

    struct TourIncomplete: Error {}

    static func payment(_ url: String) -> HTTPRequest {
        var request = HTTPRequest(method: .post, url: url, body: "amount=500&currency=eur")
        request.headers.add(name: "Authorization", value: "Bearer sk_test_tour")
        request.headers.add(name: "Idempotency-Key", value: "tour-0001")
        return request
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
