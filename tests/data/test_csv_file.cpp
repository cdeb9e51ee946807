#include <gtest/gtest.h>

#include <fstream>

#include "nnlab/core/check.h"
#include "nnlab/data/csv_file.h"
#include "testing/asserts.h"
#include "testing/fifo.h"
#include "testing/temp_dir.h"

namespace nnlab {
namespace {

std::string write(const testing::TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir.file(name);
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST(CsvFile, ReadsStringLabelsInOrderOfFirstAppearanceWithAutoHeader) {
  testing::TempDir dir;
  const std::string path = write(dir, "iris.csv",
                                 "sepal_length,sepal_width,species\n"
                                 "5.1,3.5,setosa\n"
                                 "7.0, 3.2 ,versicolor\r\n"
                                 "\n"
                                 "4.9,-3e-1,setosa\n");
  const data::Dataset ds = data::read_csv(path);
  EXPECT_EQ(ds.inputs.shape(), (Shape{3, 2}));
  expect_equal(ds.inputs, Tensor::from_vector(std::vector<float>{5.1f, 3.5f, 7.0f, 3.2f, 4.9f, -0.3f}, {3, 2}));
  EXPECT_EQ(ds.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{0, 1, 0}));
  EXPECT_EQ(ds.num_classes, 2);
  EXPECT_EQ(ds.class_names, (std::vector<std::string>{"setosa", "versicolor"}));
  EXPECT_EQ(ds.task, data::Task::classification);
  EXPECT_EQ(ds.name, "iris");
}

TEST(CsvFile, ReadsIntegerLabelsWithoutHeaderAsClassIndices) {
  testing::TempDir dir;
  const std::string path = write(dir, "x.csv", "1,2,0\n3,4,2\n");
  const data::Dataset ds = data::read_csv(path);
  expect_equal(ds.inputs, Tensor::from_vector(std::vector<float>{1, 2, 3, 4}, {2, 2}));
  EXPECT_EQ(ds.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{0, 2}));
  EXPECT_EQ(ds.num_classes, 3);
  EXPECT_TRUE(ds.class_names.empty());
}

TEST(CsvFile, LabelColumnByNameOrIndexAndOtherDelimiter) {
  testing::TempDir dir;
  const std::string path = write(dir, "y.csv", "label;a;b\n1;10;20\n0;30;40\n");
  const data::Dataset by_name = data::read_csv(path, {.label_column = "label", .delimiter = ';'});
  expect_equal(by_name.inputs, Tensor::from_vector(std::vector<float>{10, 20, 30, 40}, {2, 2}));
  EXPECT_EQ(by_name.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 0}));
  const data::Dataset by_index = data::read_csv(path, {.label_column = std::int64_t{0}, .delimiter = ';'});
  EXPECT_EQ(by_index.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 0}));
}

TEST(CsvFile, ReadsRegressionTargetsAsAColumn) {
  testing::TempDir dir;
  const std::string path = write(dir, "r.csv", "x,y\n1,0.5\n2,-1.25\n");
  const data::Dataset ds = data::read_csv(path, {.task = data::Task::regression});
  expect_equal(ds.inputs, Tensor::from_vector(std::vector<float>{1, 2}, {2, 1}));
  expect_equal(ds.targets, Tensor::from_vector(std::vector<float>{0.5f, -1.25f}, {2, 1}));
  EXPECT_EQ(ds.task, data::Task::regression);
}

TEST(CsvFile, ExplicitHeaderFlagOverridesDetection) {
  testing::TempDir dir;
  const std::string path = write(dir, "h.csv", "1,2,3\n4,5,1\n");  // a numeric header row
  const data::Dataset ds = data::read_csv(path, {.has_header = true});
  EXPECT_EQ(ds.size(), 1);
  expect_equal(ds.inputs, Tensor::from_vector(std::vector<float>{4, 5}, {1, 2}));
}

TEST(CsvFile, NonNumericCellNamesFileLineAndColumn) {
  testing::TempDir dir;
  const std::string path = write(dir, "bad.csv", "a,b,label\n1,2,x\n3,oops,y\n");
  expect_throw_with<DataError>([&] { data::read_csv(path); },
                               "csv: '" + path + "': line 3, column 2 ('b'): expected a number, got 'oops'");
}

TEST(CsvFile, NonNumericRegressionTargetIsADataError) {
  testing::TempDir dir;
  const std::string path = write(dir, "bad.csv", "1,2\n3,abc\n");
  expect_throw_with<DataError>([&] { data::read_csv(path, {.task = data::Task::regression}); },
                               "line 2, column 2: expected a number, got 'abc'");
}

TEST(CsvFile, RaggedRowNamesLineAndExpectedCount) {
  testing::TempDir dir;
  const std::string path = write(dir, "ragged.csv", "a,b,c\n1,2,0\n\n1,2\n");
  expect_throw_with<DataError>([&] { data::read_csv(path); },
                               "csv: '" + path + "': line 4: expected 3 cells, got 2");
}

TEST(CsvFile, EmptyFileIsADataError) {
  testing::TempDir dir;
  const std::string path = write(dir, "empty.csv", "\n\n");
  expect_throw_with<DataError>([&] { data::read_csv(path); },
                               "csv: '" + path + "': expected a header or data rows, got an empty file");
}

TEST(CsvFile, HeaderOnlyIsADataError) {
  testing::TempDir dir;
  const std::string path = write(dir, "head.csv", "a,b\n");
  expect_throw_with<DataError>([&] { data::read_csv(path); }, "expected data rows after the header, got none");
}

TEST(CsvFile, UnknownLabelColumnNameIsADataError) {
  testing::TempDir dir;
  const std::string path = write(dir, "n.csv", "a,b\n1,0\n");
  expect_throw_with<DataError>([&] { data::read_csv(path, {.label_column = "target"}); },
                               "expected a label column named 'target', got columns a, b");
}

TEST(CsvFile, LabelIndexOutOfRangeIsADataError) {
  testing::TempDir dir;
  const std::string path = write(dir, "n.csv", "1,0\n");
  expect_throw_with<DataError>([&] { data::read_csv(path, {.label_column = std::int64_t{5}}); },
                               "expected a label column index in -2..1, got 5");
}

TEST(CsvFile, MissingFileIsAnIoError) {
  expect_throw_with<IoError>([] { data::read_csv("/nonexistent/data.csv"); },
                             "csv: '/nonexistent/data.csv': expected a readable file, got no such file");
}

TEST(CsvFile, NanInfAndFloat32OverflowNameFileLineAndColumn) {
  testing::TempDir dir;
  for (const std::string cell : {"nan", "inf", "-inf", "1e300", "-1e39", "1e999", "NaN"}) {
    const std::string path = write(dir, "nan.csv", "a,b,label\n1,2,0\n" + cell + ",3,1\n");
    expect_throw_with<DataError>([&] { data::read_csv(path); },
                                 "csv: '" + path +
                                     "': line 3, column 1 ('a'): expected a finite number within "
                                     "float32's range (magnitude up to 3.4e38), got '" +
                                     cell + "'");
  }
  const std::string path = write(dir, "tiny.csv", "a,label\n1e-300,0\n3e38,1\n");  // underflow to 0 is fine
  expect_equal(data::read_csv(path).inputs, Tensor::from_vector(std::vector<float>{0.0f, 3e38f}, {2, 1}));
}

TEST(CsvFile, NonFiniteRegressionTargetIsADataError) {
  testing::TempDir dir;
  const std::string path = write(dir, "r.csv", "1,2\n3,inf\n");
  expect_throw_with<DataError>([&] { data::read_csv(path, {.task = data::Task::regression}); },
                               "line 2, column 2: expected a finite number within float32's range");
}

// One label of 10,000,000 would make a 10-million-way output layer.
TEST(CsvFile, IntegerLabelAboveTheClassCapNamesTheLine) {
  testing::TempDir dir;
  const std::string path = write(dir, "big.csv", "x,label\n1,0\n2,10000000\n3,1\n");
  expect_throw_with<DataError>([&] { data::read_csv(path); },
                               "csv: '" + path +
                                   "': line 3: expected integer labels below 100000 (they are class "
                                   "indices 0..N-1), got 10000000");
}

TEST(CsvFile, IntegerLabelFarBeyondTheOthersNamesTheLine) {
  testing::TempDir dir;
  const std::string path = write(dir, "far.csv", "1,0\n2,1\n3,2\n4,500\n");
  expect_throw_with<DataError>(
      [&] { data::read_csv(path); },
      "csv: '" + path +
          "': line 4: label 500 lies far beyond the others: integer labels are "
          "class indices 0..N-1 and at least half of them must occur, got 4 of the 501 classes "
          "0..500");
}

TEST(CsvFile, OneBasedIntegerLabelsStillRead) {
  testing::TempDir dir;
  const std::string path = write(dir, "wine.csv", "1,1\n2,2\n3,3\n");  // UCI wine numbers its classes 1..3
  const data::Dataset ds = data::read_csv(path);
  EXPECT_EQ(ds.num_classes, 4);
  EXPECT_EQ(ds.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 2, 3}));
}

TEST(CsvFile, FolderFifoAndDeviceAreNamedAsSuch) {
  testing::TempDir dir;
  expect_throw_with<IoError>([&] { data::read_csv(dir.path().string()); },
                             "csv: '" + dir.path().string() + "': expected a readable file, got a folder");
  expect_throw_with<IoError>([] { data::read_csv("/dev/zero"); },
                             "csv: '/dev/zero': expected a readable file, got a character device");
  const testing::TestFifo fifo(dir.path() / "pipe.csv");
  expect_throw_with<IoError>([&] { data::read_csv(fifo.path()); }, "expected a readable file, got a FIFO");
}

}  // namespace nnlab
