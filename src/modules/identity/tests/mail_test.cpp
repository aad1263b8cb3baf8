#include <doctest/doctest.h>

#include <boost/json/serialize.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "identity_fixture.hpp"
#include "mail_handlers.hpp"
#include "platform/events/bus.hpp"
#include "platform/mail/mail.hpp"

namespace fs = std::filesystem;
using shop::platform::mail::FileMailer;
using shop::platform::mail::MailMessage;
using namespace shop::identity::testing;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("shopd-mail-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::remove_all(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::vector<fs::path> Files(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void Deliver(shop::platform::events::Bus& bus, const StoredEvent& event) {
  for (const auto& sub : bus.SubscribersOf(event.envelope.type)) sub->handler(event.envelope);
}

}  // namespace

TEST_CASE("the file mailer writes one complete RFC 5322 file per message, in time order") {
  TempDir dir;
  shop::platform::ManualClock clock;
  FileMailer mailer(dir.path / "mail", shop::platform::mail::DefaultFrom("", "Corner Shop"), clock);
  mailer.Send({"ana@example.com", "Hello", "Line one\nLine two"});
  clock.Advance(std::chrono::milliseconds(5));
  mailer.Send({"bob@example.com", "Olá ✓", "Second"});
  mailer.Send({"cid@example.com", "Same millisecond", "Third"});
  auto files = Files(dir.path / "mail");
  REQUIRE(files.size() == 3);
  for (const auto& f : files) CHECK(f.extension() == ".eml");
  const std::string first = Read(files[0]);
  CHECK(first.find("From: Corner Shop <no-reply@localhost>\r\n") != std::string::npos);
  CHECK(first.find("To: ana@example.com\r\n") != std::string::npos);
  CHECK(first.find("Subject: Hello\r\n") != std::string::npos);
  CHECK(first.find("Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n") != std::string::npos);
  CHECK(first.find("Message-ID: <") != std::string::npos);
  CHECK(first.find("Content-Type: text/plain; charset=utf-8\r\n") != std::string::npos);
  CHECK(first.find("\r\n\r\nLine one\r\nLine two\r\n") != std::string::npos);
  CHECK(Read(files[1]).find("To: bob@example.com") != std::string::npos);
  CHECK(Read(files[1]).find("Subject: =?UTF-8?B?") != std::string::npos);
  CHECK(Read(files[2]).find("To: cid@example.com") != std::string::npos);

  CHECK_THROWS_AS(mailer.Send({"x@example.com\r\nBcc: y@example.com", "s", "b"}), std::invalid_argument);
  CHECK_THROWS_AS(mailer.Send({"x@example.com", "s\nBcc: y@example.com", "b"}), std::invalid_argument);
  CHECK_THROWS_AS(mailer.Send({"", "s", "b"}), std::invalid_argument);
  CHECK(Files(dir.path / "mail").size() == 3);
  CHECK(shop::platform::mail::DefaultFrom("Shop <shop@example.com>", "ignored") == "Shop <shop@example.com>");
}

TEST_CASE("reset and verification events become mails with links, a redelivery sends nothing") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    TempDir dir;
    IdentityFixture f(database);
    FileMailer mailer(dir.path, "Corner Shop <no-reply@localhost>", f.clock);
    shop::platform::events::Bus bus;
    shop::identity::RegisterMailHandlers(bus, f.db(), mailer, "Corner Shop", "https://shop.example");

    auto& s = f.service();
    REQUIRE(s.Register("ana@example.com", "correct horse battery", "Ana").has_value());
    REQUIRE(s.RequestPasswordReset("ANA@example.com").has_value());
    auto verify = f.Events(kVerificationRequested);
    auto reset = f.Events(kResetRequested);
    REQUIRE(verify.size() == 1);
    REQUIRE(reset.size() == 1);

    Deliver(bus, verify[0]);
    Deliver(bus, reset[0]);
    Deliver(bus, verify[0]);  // redelivered
    Deliver(bus, reset[0]);
    for (const auto& e : f.Events(kRegistered)) Deliver(bus, e);  // no mail subscriber for this one

    auto files = Files(dir.path);
    REQUIRE(files.size() == 2);
    const std::string verify_mail = Read(files[0]);
    const std::string reset_mail = Read(files[1]);
    CHECK(verify_mail.find("To: ana@example.com\r\n") != std::string::npos);
    CHECK(verify_mail.find("https://shop.example/verify-email?token=" +
                           std::string(verify[0].payload.at("token").as_string())) != std::string::npos);
    CHECK(reset_mail.find("To: ana@example.com\r\n") != std::string::npos);
    CHECK(reset_mail.find("Subject: Reset your Corner Shop password\r\n") != std::string::npos);
    CHECK(reset_mail.find("https://shop.example/reset-password?token=" +
                          std::string(reset[0].payload.at("token").as_string())) != std::string::npos);
    CHECK(f.Count("SELECT COUNT(*) FROM events_inbox WHERE consumer = 'identity.mail.reset'") == 1);
    CHECK(f.Count("SELECT COUNT(*) FROM events_inbox WHERE consumer = 'identity.mail.verify'") == 1);
  });
}

TEST_CASE("a mail that cannot be written fails the delivery, so it is retried") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    TempDir dir;
    IdentityFixture f(database);
    fs::create_directories(dir.path);
    std::ofstream(dir.path / "blocker") << "a file where the mail directory should be";
    FileMailer broken(dir.path / "blocker", "Shop <no-reply@localhost>", f.clock);
    shop::platform::events::Bus bus;
    shop::identity::RegisterMailHandlers(bus, f.db(), broken, "Shop", "http://127.0.0.1:8080");
    REQUIRE(f.service().Register("ana@example.com", "correct horse battery", "Ana").has_value());
    auto verify = f.Events(kVerificationRequested);
    REQUIRE(verify.size() == 1);
    CHECK_THROWS(Deliver(bus, verify[0]));
    // Not recorded as handled: the relay's retry will send it.
    CHECK(f.Count("SELECT COUNT(*) FROM events_inbox") == 0);
  });
}
