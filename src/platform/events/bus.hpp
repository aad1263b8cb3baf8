#pragma once
/// The in-process event bus (DESIGN §3): who wants which event type. The
/// relay asks it for the subscribers of each envelope it delivers.
///
/// Thread-safety: subscribing and looking up may happen from any thread, but
/// subscriptions are meant to be made while wiring, before the relay starts.

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <concepts>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "platform/db/db.hpp"
#include "platform/events/envelope.hpp"

namespace shop::platform::events {

/// An event struct a module publishes: stable type name with version,
/// aggregate type, and its fields as JSON.
template <class E>
concept Event = requires(const E& e) {
  { E::kType } -> std::convertible_to<std::string_view>;
  { E::kAggregateType } -> std::convertible_to<std::string_view>;
  { e.ToJson() } -> std::convertible_to<boost::json::value>;
};

/// An event a subscriber can decode: `static E FromJson(const boost::json::value&)`,
/// which may throw on a malformed payload (the delivery then fails and is retried).
template <class E>
concept DecodableEvent = Event<E> && requires(const boost::json::value& v) {
  { E::FromJson(v) } -> std::convertible_to<E>;
};

class Bus {
 public:
  using Handler = std::function<void(const Envelope&)>;
  using TxHandler = std::function<void(db::Tx&, const Envelope&)>;

  struct Subscription {
    std::string consumer;  ///< Stable name, e.g. "notifications.order_placed_mail".
    std::string type;
    Handler handler;
  };

  /// Delivers every event of `type` to `handler`, at least once: on failure
  /// (the handler throws) the relay retries it, and a retry re-delivers to
  /// every subscriber of the type. The handler must therefore be idempotent;
  /// SubscribeTransactional makes database effects so. Throws
  /// std::invalid_argument when `consumer` already subscribes to `type`.
  void Subscribe(std::string consumer, std::string type, Handler handler);

  /// Runs `handler` in a transaction on `db` that first records (consumer,
  /// event id) in the inbox; an event already recorded is skipped, so its
  /// effect happens exactly once. `db` must outlive the bus.
  void SubscribeTransactional(db::Db& db, std::string consumer, std::string type, TxHandler handler);

  /// Typed forms: decode the payload with E::FromJson before calling.
  template <DecodableEvent E>
  void On(std::string consumer, std::function<void(const E&, const Envelope&)> handler) {
    Subscribe(std::move(consumer), std::string(E::kType), [handler = std::move(handler)](const Envelope& e) {
      handler(E::FromJson(boost::json::parse(e.payload)), e);
    });
  }
  template <DecodableEvent E>
  void OnTransactional(db::Db& db, std::string consumer,
                       std::function<void(db::Tx&, const E&, const Envelope&)> handler) {
    SubscribeTransactional(db, std::move(consumer), std::string(E::kType),
                           [handler = std::move(handler)](db::Tx& tx, const Envelope& e) {
                             handler(tx, E::FromJson(boost::json::parse(e.payload)), e);
                           });
  }

  /// The subscriptions for `type`, in subscription order.
  std::vector<std::shared_ptr<const Subscription>> SubscribersOf(std::string_view type) const;

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::vector<std::shared_ptr<const Subscription>>, std::less<>> by_type_;
};

}  // namespace shop::platform::events
