#include "app/cli.hpp"
#include "app/malloc_tuning.hpp"

int main(int argc, char** argv) {
  shop::app::ReexecWithMallocTunables(argv);
  return shop::app::RunCli(argc, argv);
}
