#pragma once
/// The screening step checkout asks before capturing a payment (DESIGN §4:
/// "fraud screens: approve | review | reject"). The orders module owns this
/// interface; the fraud module implements it. Until then the shop runs a
/// fixed policy from config (`orders.screening_policy`, "approve" by default).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace shop::orders {

/// The facts known when a payment is authorised.
struct ScreeningFacts {
  std::string order_id;
  std::string customer_id;  ///< "" for a guest
  std::string email;
  std::string ship_country;
  std::int64_t total = 0;  ///< minor units
  std::string currency;
  std::string card_fingerprint;
  std::string card_last4;
};

enum class ScreeningVerdict { kApprove, kReview, kReject };

struct ScreeningDecision {
  ScreeningVerdict verdict = ScreeningVerdict::kApprove;
  std::int64_t score = 0;
  std::vector<std::string> reasons;  ///< shown to staff in the order's timeline
};

class Screening {
 public:
  virtual ~Screening() = default;
  /// Decides on one authorised payment. Must be thread-safe and quick: it
  /// runs on the event relay's thread before the capture.
  virtual ScreeningDecision Screen(const ScreeningFacts& facts) = 0;
};

/// A screening that always gives `verdict` (the configured policy until the
/// fraud module exists; "review" and "reject" let staff try the hold path).
std::unique_ptr<Screening> MakeFixedPolicyScreening(ScreeningVerdict verdict);

/// "approve" | "review" | "reject".
std::string_view ScreeningVerdictName(ScreeningVerdict verdict);

}  // namespace shop::orders
