import Foundation

/// The MCP sessions the `/mcp` endpoint has opened (`Mcp-Session-Id`), at most ``limit`` at
/// once: beyond it the oldest is forgotten, and its client is told 404 and opens a new one, as
/// the MCP specification lets a server do.
struct MCPSessions: Sendable {
    /// The most sessions kept.
    static let limit = 4096
    private var open: Set<String> = []
    private var order: [String] = []

    /// Opens a session and returns its id.
    mutating func start() -> String {
        let id = "mcp-" + UUID().uuidString.lowercased()
        self.open.insert(id)
        self.order.append(id)
        if self.order.count > Self.limit {
            let dropped = self.order.count - Self.limit
            for old in self.order.prefix(dropped) { self.open.remove(old) }
            self.order.removeFirst(dropped)
        }
        return id
    }

    /// Whether `id` names an open session.
    func contains(_ id: String) -> Bool { self.open.contains(id) }

    /// Ends session `id`; `false` when there was none.
    mutating func end(_ id: String) -> Bool {
        guard self.open.remove(id) != nil else { return false }
        self.order.removeAll { $0 == id }
        return true
    }
}
