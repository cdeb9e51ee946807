#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "data/cifar_writer.h"
#include "nnlab/core/check.h"
#include "nnlab/data/cifar.h"
#include "testing/asserts.h"
#include "testing/fifo.h"
#include "testing/temp_dir.h"

namespace nnlab {
namespace {

constexpr int kPixels = 3 * 32 * 32;

std::vector<unsigned char> record(std::vector<unsigned char> labels, int fill) {
  return testing::cifar_record(std::move(labels), fill);
}

void write_file(const std::string& path, const std::vector<std::vector<unsigned char>>& records) {
  testing::write_cifar_batch(path, records);
}

void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST(Cifar10, LoadsTheTestBatchScaledToUnitRange) {
  testing::TempDir dir;
  write_file(dir.file("test_batch.bin"), {record({3}, 0), record({9}, 255)});
  const data::Dataset ds = data::load_cifar10(dir.path().string(), data::Split::test);
  EXPECT_EQ(ds.inputs.shape(), (Shape{2, 3, 32, 32}));
  EXPECT_EQ(ds.inputs.dtype(), DType::f32);
  const std::vector<float> x = ds.inputs.to_vector<float>();
  EXPECT_FLOAT_EQ(x[0], 0.0f);
  EXPECT_FLOAT_EQ(x[51], 0.2f);             // record 0, red (0, 0..): byte 51 / 255
  EXPECT_FLOAT_EQ(x[1024], 0.0f);           // green plane starts at byte 1024 % 256 = 0
  EXPECT_FLOAT_EQ(x[kPixels], 1.0f);        // record 1 starts at 255
  EXPECT_FLOAT_EQ(x[kPixels + 103], 0.4f);  // (255 + 103) % 256 = 102
  EXPECT_EQ(ds.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{3, 9}));
  EXPECT_EQ(ds.num_classes, 10);
  ASSERT_EQ(ds.class_names.size(), 10u);
  EXPECT_EQ(ds.class_names[3], "3");
  EXPECT_EQ(ds.name, "cifar10/test");
}

TEST(Cifar10, ConcatenatesTheFiveTrainBatchesAndReadsClassNames) {
  testing::TempDir dir;
  for (int b = 1; b <= 5; ++b) {
    write_file(dir.file("data_batch_" + std::to_string(b) + ".bin"), {record({static_cast<unsigned char>(b)}, b)});
  }
  write_text(dir.file("batches.meta.txt"),
             "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");
  const data::Dataset ds = data::load_cifar10(dir.path().string(), data::Split::train);
  EXPECT_EQ(ds.inputs.shape(), (Shape{5, 3, 32, 32}));
  EXPECT_EQ(ds.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  EXPECT_FLOAT_EQ(ds.inputs.to_vector<float>()[4 * kPixels], 5.0f / 255.0f);  // batch 5's first pixel
  ASSERT_EQ(ds.class_names.size(), 10u);
  EXPECT_EQ(ds.class_names[0], "airplane");
  EXPECT_EQ(ds.class_names[9], "truck");
}

TEST(Cifar10, MissingBatchIsAnIoErrorNamingIt) {
  testing::TempDir dir;
  write_file(dir.file("data_batch_1.bin"), {record({0}, 0)});
  expect_throw_with<IoError>([&] { data::load_cifar10(dir.path().string(), data::Split::train); },
                             "cifar: '" + dir.file("data_batch_2.bin") + "': expected a batch file, got no such file");
}

TEST(Cifar10, SizeNotAMultipleOfTheRecordIsADataError) {
  testing::TempDir dir;
  std::vector<unsigned char> r = record({1}, 0);
  r.resize(r.size() - 1);
  write_file(dir.file("test_batch.bin"), {record({0}, 0), r});
  expect_throw_with<DataError>(
      [&] { data::load_cifar10(dir.path().string(), data::Split::test); },
      "cifar: '" + dir.file("test_batch.bin") +
          "': expected a non-empty size that is a multiple of the record size 3073, got 6145 bytes");
}

TEST(Cifar10, LabelOutOfRangeIsADataErrorNamingTheRecord) {
  testing::TempDir dir;
  write_file(dir.file("test_batch.bin"), {record({0}, 0), record({10}, 0)});
  expect_throw_with<DataError>([&] { data::load_cifar10(dir.path().string(), data::Split::test); },
                               "cifar: '" + dir.file("test_batch.bin") + "': expected labels 0..9, got 10 at record 1");
}

TEST(Cifar10, WrongNumberOfClassNamesIsADataError) {
  testing::TempDir dir;
  write_file(dir.file("test_batch.bin"), {record({0}, 0)});
  write_text(dir.file("batches.meta.txt"), "cat\ndog\n");
  expect_throw_with<DataError>([&] { data::load_cifar10(dir.path().string(), data::Split::test); },
                               "batches.meta.txt': expected 10 class names, got 2");
}

TEST(Cifar100, ReadsFineOrCoarseLabels) {
  testing::TempDir dir;
  write_file(dir.file("train.bin"), {record({19, 99}, 7), record({0, 42}, 0)});
  const data::Dataset fine = data::load_cifar100(dir.path().string(), data::Split::train);
  EXPECT_EQ(fine.inputs.shape(), (Shape{2, 3, 32, 32}));
  EXPECT_FLOAT_EQ(fine.inputs.to_vector<float>()[0], 7.0f / 255.0f);  // pixels start after both label bytes
  EXPECT_EQ(fine.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{99, 42}));
  EXPECT_EQ(fine.num_classes, 100);
  EXPECT_EQ(fine.class_names.size(), 100u);
  EXPECT_EQ(fine.name, "cifar100/train");

  const data::Dataset coarse = data::load_cifar100(dir.path().string(), data::Split::train, false);
  EXPECT_EQ(coarse.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{19, 0}));
  EXPECT_EQ(coarse.num_classes, 20);
}

TEST(Cifar100, ReadsFineClassNames) {
  testing::TempDir dir;
  write_file(dir.file("test.bin"), {record({0, 1}, 0)});
  std::string names;
  for (int c = 0; c < 100; ++c) names += "class" + std::to_string(c) + "\r\n";
  write_text(dir.file("fine_label_names.txt"), names);
  const data::Dataset ds = data::load_cifar100(dir.path().string(), data::Split::test);
  ASSERT_EQ(ds.class_names.size(), 100u);
  EXPECT_EQ(ds.class_names[1], "class1");
  EXPECT_EQ(ds.class_names[99], "class99");
}

TEST(Cifar100, RecordSizeIncludesBothLabelBytes) {
  testing::TempDir dir;
  write_file(dir.file("test.bin"), {record({0}, 0)});  // a CIFAR-10 record: 3073 bytes
  expect_throw_with<DataError>([&] { data::load_cifar100(dir.path().string(), data::Split::test); },
                               "multiple of the record size 3074, got 3073 bytes");
}

TEST(Cifar100, CoarseLabelOutOfRangeIsADataError) {
  testing::TempDir dir;
  write_file(dir.file("test.bin"), {record({20, 0}, 0)});
  expect_throw_with<DataError>([&] { data::load_cifar100(dir.path().string(), data::Split::test, false); },
                               "expected labels 0..19, got 20 at record 0");
}

TEST(Cifar10, CheckFilesAcceptsAWholeFolderWithoutReadingIt) {
  testing::TempDir dir;
  testing::write_cifar10_files(dir.path(), {.per_train_batch = 3, .test = 2, .seed = 0});
  data::check_cifar10_files(dir.path().string());  // no throw
  const data::Dataset ds = data::load_cifar10(dir.path().string(), data::Split::train);
  EXPECT_EQ(ds.inputs.size(0), 15);
  EXPECT_EQ(ds.targets.to_vector<std::int64_t>()[4], 4);  // labels cycle through 0..9
}

TEST(Cifar10, CheckFilesNamesTheFirstMissingFile) {
  testing::TempDir dir;
  testing::write_cifar10_files(dir.path(), {.per_train_batch = 1, .test = 1, .seed = 0});
  std::filesystem::remove(dir.path() / "test_batch.bin");
  expect_throw_with<IoError>([&] { data::check_cifar10_files(dir.path().string()); },
                             "cifar: '" + dir.file("test_batch.bin") + "': expected a batch file, got no such file");
}

TEST(Cifar10, CheckFilesNamesAFileOfTheWrongSize) {
  testing::TempDir dir;
  testing::write_cifar10_files(dir.path(), {.per_train_batch = 2, .test = 1, .seed = 0});
  std::filesystem::resize_file(dir.path() / "data_batch_4.bin", 3073 + 10);
  expect_throw_with<DataError>([&] { data::check_cifar10_files(dir.path().string()); },
                               "cifar: '" + dir.file("data_batch_4.bin") +
                                   "': expected a non-empty size that is a multiple of the record size 3073, got 3083 "
                                   "bytes");
  std::filesystem::resize_file(dir.path() / "data_batch_4.bin", 0);
  expect_throw_with<DataError>([&] { data::check_cifar10_files(dir.path().string()); }, "got 0 bytes");
}

TEST(Cifar100, CheckFilesNamesAMissingOrWrongSizedFile) {
  testing::TempDir dir;
  write_file(dir.file("train.bin"), {record({0, 1}, 0)});
  expect_throw_with<IoError>([&] { data::check_cifar100_files(dir.path().string()); },
                             "cifar: '" + dir.file("test.bin") + "': expected a batch file, got no such file");
  write_file(dir.file("test.bin"), {record({0}, 0)});  // a CIFAR-10 record: 3073 bytes
  expect_throw_with<DataError>([&] { data::check_cifar100_files(dir.path().string()); },
                               "multiple of the record size 3074, got 3073 bytes");
  write_file(dir.file("test.bin"), {record({0, 1}, 0)});
  data::check_cifar100_files(dir.path().string());  // no throw
}

TEST(Cifar10, BatchThatIsAFolderIsNamedAsAFolder) {
  testing::TempDir dir;
  write_file(dir.file("data_batch_1.bin"), {record({0}, 0)});
  std::filesystem::create_directory(dir.path() / "data_batch_2.bin");
  expect_throw_with<IoError>([&] { data::load_cifar10(dir.path().string(), data::Split::train); },
                             "cifar: '" + dir.file("data_batch_2.bin") + "': expected a batch file, got a folder");
}

TEST(Cifar10, ClassNamesFileThatIsAFifoIsRefusedNotWaitedOn) {
  testing::TempDir dir;
  write_file(dir.file("test_batch.bin"), {record({0}, 0)});
  const testing::TestFifo fifo(dir.path() / "batches.meta.txt");
  expect_throw_with<IoError>([&] { data::load_cifar10(dir.path().string(), data::Split::test); },
                             "cifar: '" + fifo.path() + "': expected a text file of class names, got a FIFO");
}

// A 277 MB file (sparse: no disk used) of whole records is refused from its size, before reading.
TEST(Cifar100, BatchAboveTheSizeCapIsRefusedBeforeItIsRead) {
  testing::TempDir dir;
  write_file(dir.file("train.bin"), {record({0, 1}, 0)});
  std::filesystem::resize_file(dir.path() / "train.bin", 3074 * 90000);
  write_file(dir.file("test.bin"), {record({0, 1}, 0)});
  expect_throw_with<DataError>(
      [&] { data::check_cifar100_files(dir.path().string()); },
      "cifar: '" + dir.file("train.bin") + "': expected a batch file of at most 268435456 bytes, got 276660000 bytes");
}

}  // namespace nnlab
