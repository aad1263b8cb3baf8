#include "shop/orders/screening.hpp"

namespace shop::orders {
namespace {

class FixedPolicyScreening final : public Screening {
 public:
  explicit FixedPolicyScreening(ScreeningVerdict verdict) : verdict_(verdict) {}
  ScreeningDecision Screen(const ScreeningFacts&) override {
    return ScreeningDecision{.verdict = verdict_,
                             .score = 0,
                             .reasons = {"fixed policy: " + std::string(ScreeningVerdictName(verdict_))}};
  }

 private:
  ScreeningVerdict verdict_;
};

}  // namespace

std::unique_ptr<Screening> MakeFixedPolicyScreening(ScreeningVerdict verdict) {
  return std::make_unique<FixedPolicyScreening>(verdict);
}

std::string_view ScreeningVerdictName(ScreeningVerdict verdict) {
  switch (verdict) {
    case ScreeningVerdict::kApprove: return "approve";
    case ScreeningVerdict::kReview: return "review";
    case ScreeningVerdict::kReject: return "reject";
  }
  return "approve";
}

}  // namespace shop::orders
