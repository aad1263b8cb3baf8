#include "app/cli.hpp"

#include "app/commands.hpp"
#include "platform/config/config.hpp"

#include <boost/program_options.hpp>

#include <fmt/format.h>

#include <iostream>

namespace shop::app {
namespace {

namespace po = boost::program_options;

constexpr int kExitUsage = 2;

constexpr const char* kUsage = R"(Usage: shopd [--config FILE] [COMMAND] [ARGS...]

Commands:
  serve                    run the shop (default)
  migrate                  apply pending database migrations and exit
  healthcheck              exit 0 if the configured server answers /livez
  routes                   list every HTTP route as "METHOD PATTERN"
  config-reference         print the reference of every configuration key
  outbox stats             pending events, oldest age, dead letters
  outbox dead-letters      list dead-lettered events
  outbox redrive ID|--all  put dead-lettered events back on the outbox
  create-admin --email E --password-file F
                           create an admin (or promote an existing account)
  seed --demo [--products N]
                           add the deterministic demo catalog (default 1000
                           products) to an empty catalog
  reindex                  rebuild the product search index beside the live
                           one and swap it in (a running server follows)

Options:
)";

}  // namespace

int RunCli(int argc, char** argv) {
  po::options_description options("");
  options.add_options()
      ("config,c", po::value<std::string>(), "configuration file (TOML); keys are overridden by SHOPD_* variables")
      ("help,h", "print this help")
      ("version,V", "print the version")
      ("email", po::value<std::string>()->default_value(""), "create-admin: the admin's e-mail")
      ("password-file", po::value<std::string>()->default_value(""),
       "create-admin: file holding the password")
      ("demo", "seed: the deterministic demo catalog")
      ("products", po::value<std::int64_t>()->default_value(1000), "seed: how many demo products");
  po::options_description hidden;
  hidden.add_options()
      ("command", po::value<std::string>()->default_value("serve"), "")
      ("args", po::value<std::vector<std::string>>()->default_value({}, ""), "");
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("command", 1).add("args", -1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "shopd: " << e.what() << "\n\n" << kUsage << options;
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << kUsage << options;
    return 0;
  }
  if (vm.count("version")) {
    std::cout << "shopd " << kVersion << "\n";
    return 0;
  }

  const std::string command = vm["command"].as<std::string>();
  const auto args = vm["args"].as<std::vector<std::string>>();
  if (command == "config-reference") {
    std::cout << platform::config::ReferenceMarkdown();
    return 0;
  }

  std::optional<std::string> config_path;
  if (vm.count("config")) config_path = vm["config"].as<std::string>();
  platform::config::Config config;
  try {
    config = platform::config::Load(config_path, platform::config::ProcessEnvironment());
  } catch (const platform::config::ConfigError& e) {
    std::cerr << "shopd: configuration error: " << e.what() << "\n";
    return kExitUsage;
  }

  if (command == "serve") return CommandServe(config);
  if (command == "migrate") return CommandMigrate(config);
  if (command == "healthcheck") return CommandHealthcheck(config);
  if (command == "routes") return CommandRoutes(config);
  if (command == "outbox") return CommandOutbox(config, args);
  if (command == "reindex") return CommandReindex(config);
  if (command == "seed") return CommandSeed(config, vm.count("demo") > 0, vm["products"].as<std::int64_t>());
  if (command == "create-admin") {
    return CommandCreateAdmin(config, vm["email"].as<std::string>(), vm["password-file"].as<std::string>());
  }
  std::cerr << "shopd: unknown command '" << command << "'\n\n" << kUsage << options;
  return kExitUsage;
}

}  // namespace shop::app
