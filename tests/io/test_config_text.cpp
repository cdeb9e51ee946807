// A config file's text without one of its tables: the lines blank, the others where they were.
#include <gtest/gtest.h>

#include "nnlab/core/error.h"
#include "nnlab/io/config_text.h"
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

}  // namespace
}  // namespace nnlab::io
