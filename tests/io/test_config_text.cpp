// A config file's text without one of its tables: the lines blank, the others where they were.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "nnlab/core/error.h"
#include "nnlab/io/catalogue.h"
#include "nnlab/io/config.h"
#include "nnlab/io/config_text.h"
#include "testing/asserts.h"
#include "testing/fifo.h"
#include "testing/temp_dir.h"

namespace nnlab::io {
namespace {

TEST(ConfigText, WithoutTableBlanksItAndItsSubTablesKeepingLineNumbers) {
  const std::string text =
      "seed = 1\n[sweep]\nseeds = 2\n[ sweep . random ]\ntrials = 3\n[[sweep.x]]\na = 1\n[sweeping]\nb = 2\n"
      "[train]\nepochs = 4\n";
  EXPECT_EQ(without_table(text, "sweep"), "seed = 1\n\n\n\n\n\n\n[sweeping]\nb = 2\n[train]\nepochs = 4\n");
  EXPECT_EQ(without_table(text, "baseline"), text);
}

TEST(ConfigText, ReadConfigFileNamesAFolderOrAMissingFile) {
  testing::TempDir dir;
  EXPECT_THROW(read_config_file(dir.path()), IoError);
  try {
    read_config_file(dir.path() / "missing.toml");
    FAIL() << "no error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("missing.toml"), std::string::npos) << e.what();
  }
}

// `nnlab train /dev/zero` read until memory ran out; a FIFO as a config waited forever.
TEST(ConfigText, DevicesFifosAndFoldersAreRefusedByName) {
  expect_throw_with<IoError>([] { load_config("/dev/zero"); },
                             "load_config: '/dev/zero': expected a TOML file, got a character device");
  expect_throw_with<IoError>([] { load_config("/dev/urandom"); }, "got a character device");
  expect_throw_with<IoError>([] { read_config_file("/dev/zero"); },
                             "config: '/dev/zero': expected a TOML file, got a character device");
  testing::TempDir dir;
  const testing::TestFifo fifo(dir.path() / "config.toml");
  expect_throw_with<IoError>([&] { load_config(fifo.path()); }, "expected a TOML file, got a FIFO (named pipe)");
  expect_throw_with<IoError>([&] { read_config_file(fifo.path()); }, "got a FIFO");
  expect_throw_with<IoError>([&] { load_experiment_spec(fifo.path()); },
                             "experiment file: '" + fifo.path() + "': expected a TOML file, got a FIFO");
  expect_throw_with<IoError>([&] { load_config(dir.path()); },
                             "load_config: '" + dir.path().string() + "': expected a TOML file, got a folder");
}

// A 9 MB "config" (sparse: no disk used) is refused from its size, before it is read.
TEST(ConfigText, FileAboveTheCapIsRefusedWithItsSize) {
  testing::TempDir dir;
  const std::string path = dir.file("huge.toml");
  std::ofstream(path) << "seed = 1\n";
  std::filesystem::resize_file(path, 9'000'000);
  expect_throw_with<DataError>([&] { load_config(path); }, "load_config: '" + path +
                                                               "': expected a TOML file of at most 8388608 bytes, got "
                                                               "9000000 bytes");
}

}  // namespace
}  // namespace nnlab::io
