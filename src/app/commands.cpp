#include "app/commands.hpp"

#include "app/app.hpp"
#include "platform/log/log.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

namespace shop::app {

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

void InitLogging(const platform::config::Config& config) {
  platform::log::Init({.level = config.log.level, .format = config.log.format});
}

}  // namespace

int CommandServe(const platform::config::Config& config) {
  InitLogging(config);
  auto logger = platform::log::Get("shopd");
  int code = kExitFailure;
  try {
    App app(config);
    app.PrepareSchema(config.database.auto_migrate);
    if (config.profile == "dev") {
      if (auto admin = app.identity().EnsureDemoAdmin()) {
        // Printed once, when the account is created on an empty database.
        std::cout << "\n  Demo admin created: " << admin->email << " / " << admin->password
                  << "\n  Sign in at " << config.shop.base_url << "/signin\n\n"
                  << std::flush;
      }
    }
    if (auto seeded = app.catalog().EnsureDemoCatalog()) {
      std::cout << fmt::format("  Demo catalog seeded: {} products, {} variants, {} categories, {} brands in {} ms\n\n",
                               seeded->products, seeded->variants, seeded->categories, seeded->brands,
                               seeded->elapsed_ms)
                << std::flush;
    }
    app.Wire();
    code = app.Serve();
  } catch (const StartupError& e) {
    logger->error("cannot start: {}", e.what());
  } catch (const std::exception& e) {
    logger->error("fatal: {}", e.what());
  }
  platform::log::Shutdown();
  return code;
}

int CommandSeed(const platform::config::Config& config, bool demo, std::int64_t products) {
  if (!demo) {
    std::cerr << "shopd seed: only --demo is supported (a deterministic demo catalog)\n";
    return kExitUsage;
  }
  if (products < 1 || products > 1'000'000) {
    std::cerr << "shopd seed: --products must be from 1 to 1000000\n";
    return kExitUsage;
  }
  InitLogging(config);
  int code = kExitFailure;
  try {
    App app(config);
    app.PrepareSchema(true);
    auto report = app.catalog().SeedDemo(products);
    if (report) {
      std::cout << fmt::format(
          "seeded {} products, {} variants, {} categories, {} brands, {} images in {} ms ({} ms of it stock)\n",
          report->products, report->variants, report->categories, report->brands, report->images,
          report->elapsed_ms, report->stock_ms);
      code = 0;
    } else {
      std::cerr << "shopd seed: " << report.error().detail << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "shopd seed: " << e.what() << "\n";
  }
  platform::log::Shutdown();
  return code;
}

int CommandReindex(const platform::config::Config& config) {
  InitLogging(config);
  int code = kExitFailure;
  try {
    App app(config);
    app.PrepareSchema(false);
    const search::ReindexReport report = app.search().Reindex();
    std::cout << fmt::format("indexed {} products into generation {} in {} ms\n", report.documents,
                             report.generation, report.took_ms);
    code = 0;
  } catch (const std::exception& e) {
    std::cerr << "shopd reindex: " << e.what() << "\n";
  }
  platform::log::Shutdown();
  return code;
}

int CommandMigrate(const platform::config::Config& config) {
  InitLogging(config);
  int code = kExitFailure;
  try {
    App app(config);
    app.PrepareSchema(true);
    std::cout << "database schema is current\n";
    code = 0;
  } catch (const std::exception& e) {
    std::cerr << "shopd migrate: " << e.what() << "\n";
  }
  platform::log::Shutdown();
  return code;
}

int CommandHealthcheck(const platform::config::Config& config) {
  // Plain sockets: the healthcheck runs inside the container every few
  // seconds and should cost next to nothing.
  std::string host = config.http.host == "0.0.0.0" || config.http.host == "::" ? "127.0.0.1" : config.http.host;
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(config.http.port).c_str(), &hints, &found) != 0) {
    std::cerr << "unhealthy: cannot resolve " << host << "\n";
    return kExitFailure;
  }
  int fd = socket(found->ai_family, SOCK_STREAM, 0);
  timeval timeout{.tv_sec = 3, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  bool healthy = false;
  if (connect(fd, found->ai_addr, found->ai_addrlen) == 0) {
    std::string request = "GET /livez HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    if (send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
      char buffer[64] = {};
      ssize_t n = recv(fd, buffer, sizeof buffer - 1, 0);
      healthy = n > 12 && std::string_view(buffer, static_cast<std::size_t>(n)).substr(9, 3) == "200";
    }
  }
  close(fd);
  freeaddrinfo(found);
  std::cout << (healthy ? "healthy\n" : "unhealthy\n");
  return healthy ? 0 : kExitFailure;
}

int CommandRoutes(const platform::config::Config& config) {
  // Routes do not depend on data: build the shop against a throwaway
  // embedded store so this works without the real database.
  platform::config::Config scratch = config;
  char dir_template[] = "/tmp/shopd-routes-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (!dir) return kExitFailure;
  scratch.data_dir = dir;
  scratch.database.url.clear();
  scratch.redis.url.clear();
  scratch.debug.routes = false;
  int code = kExitFailure;
  try {
    App app(scratch);
    app.Wire();
    for (const auto& route : app.router().Routes()) {
      std::cout << platform::http::MethodName(route->method) << ' ' << route->pattern << '\n';
    }
    code = 0;
  } catch (const std::exception& e) {
    std::cerr << "shopd routes: " << e.what() << "\n";
  }
  std::filesystem::remove_all(dir);
  return code;
}

int CommandCreateAdmin(const platform::config::Config& config, const std::string& email,
                       const std::string& password_file) {
  if (email.empty() || password_file.empty()) {
    std::cerr << "usage: shopd create-admin --email E --password-file F\n";
    return kExitUsage;
  }
  std::ifstream in(password_file, std::ios::binary);
  if (!in) {
    std::cerr << "shopd create-admin: cannot read " << password_file << "\n";
    return kExitUsage;
  }
  std::string password((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
  InitLogging(config);
  int code = kExitFailure;
  try {
    App app(config);
    app.PrepareSchema(config.database.auto_migrate);
    auto user = app.identity().service().EnsureUser(email, password, "Administrator", identity::Role::kAdmin);
    if (user) {
      std::cout << "admin ready: " << user->email << "\n";
      code = 0;
    } else {
      std::cerr << "shopd create-admin: " << user.error().detail << "\n";
      for (const auto& field : user.error().fields) std::cerr << "  " << field.field << ": " << field.message << "\n";
      code = user.error().code == ErrorCode::kInvalidInput ? kExitUsage : kExitFailure;
    }
  } catch (const std::exception& e) {
    std::cerr << "shopd create-admin: " << e.what() << "\n";
  }
  platform::log::Shutdown();
  return code;
}

int CommandOutbox(const platform::config::Config& config, const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << "usage: shopd outbox stats | dead-letters | redrive ID | redrive --all\n";
    return kExitUsage;
  }
  InitLogging(config);
  int code = kExitFailure;
  try {
    App app(config);
    app.PrepareSchema(false);
    auto& admin = app.outbox_admin();
    if (args[0] == "stats") {
      auto stats = admin.Stats();
      std::cout << fmt::format("pending: {}\noldest_pending_age_ms: {}\ndead_letters: {}\n", stats.pending,
                               stats.oldest_pending_age_ms, stats.dead_letters);
      code = 0;
    } else if (args[0] == "dead-letters") {
      for (const auto& letter : admin.ListDeadLetters(1000, "").items) {
        std::cout << fmt::format("{}\t{}\t{}\t{}\n", letter.envelope.id, letter.envelope.type,
                                 letter.envelope.attempts, letter.last_error);
      }
      code = 0;
    } else if (args[0] == "redrive" && args.size() == 2) {
      if (args[1] == "--all") {
        std::cout << "redriven: " << admin.RedriveAll() << "\n";
        code = 0;
      } else if (admin.Redrive(args[1])) {
        std::cout << "redriven: 1\n";
        code = 0;
      } else {
        std::cerr << "no dead letter with id " << args[1] << "\n";
      }
    } else {
      std::cerr << "usage: shopd outbox stats | dead-letters | redrive ID | redrive --all\n";
      code = kExitUsage;
    }
  } catch (const std::exception& e) {
    std::cerr << "shopd outbox: " << e.what() << "\n";
  }
  platform::log::Shutdown();
  return code;
}

}  // namespace shop::app
