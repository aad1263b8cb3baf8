#pragma once
/// The event envelope (DESIGN §3): what the outbox stores, the relay
/// delivers and a broker would carry if a module is split out later.

#include <cstdint>
#include <string>

namespace shop::platform::events {

struct Envelope {
  std::string id;    ///< UUIDv7; the inbox key together with the consumer.
  std::string type;  ///< "orders.order_placed.v1": module, event, version.
  std::int64_t occurred_at_ms = 0;
  std::string aggregate_type;  ///< "order".
  std::string aggregate_id;
  std::int64_t aggregate_seq = 0;  ///< 1, 2, … per aggregate, in commit order.
  std::string trace_id;            ///< W3C trace id of the request that caused it, or "".
  std::string payload;             ///< The event's fields as JSON text.
  int attempts = 0;                ///< Delivery attempts so far, this one included.
};

/// An event that failed max_attempts times, parked for an operator.
struct DeadLetter {
  Envelope envelope;       ///< attempts = how many deliveries failed.
  std::string last_error;  ///< "<consumer>: <exception message>" of the last attempt.
  std::int64_t dead_at_ms = 0;
};

}  // namespace shop::platform::events
