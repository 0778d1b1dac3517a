import AgentRetry

/// 2025-12-12 and 2026-01-16: `items` (`{id, quantity}`), `fulfillment_details`, nested
/// `selected_fulfillment_options` (`{type, shipping: {option_id, item_ids}}`) and
