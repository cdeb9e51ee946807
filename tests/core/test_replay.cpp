#include "nnlab/core/replay.h"

#include <gtest/gtest.h>

#include <functional>
#include <vector>

namespace nnlab {
namespace {

struct Counted : RefCounted {
  explicit Counted(bool* destroyed) : destroyed_(destroyed) {}
  ~Counted() override { *destroyed_ = true; }
  bool* destroyed_;
};

// What a writer does (core/replay.h): ask for the active recording, add the call if there is one.
void write_and_record(int& target, int value) {
  target += value;
  if (replay::Recording* recording = replay::active()) recording->add([&target, value] { target += value; });
}

}  // namespace

TEST(Replay, RecordsOnlyWhileARecordingIsActive) {
  int total = 0;
  write_and_record(total, 1);  // no recording: nothing kept
  EXPECT_EQ(replay::active(), nullptr);
  std::vector<std::function<void()>> calls;
  {
    replay::Recording recording;
    EXPECT_EQ(replay::active(), &recording);
    write_and_record(total, 10);
    write_and_record(total, 100);
    calls = recording.finish();
    EXPECT_EQ(replay::active(), nullptr);
    write_and_record(total, 1000);  // finished: not recorded
  }
  EXPECT_EQ(total, 1111);
  ASSERT_EQ(calls.size(), 2u);
  for (const auto& call : calls) call();
  EXPECT_EQ(total, 1221);
}

TEST(Replay, AnInnerRecordingPausesTheOuterOne) {
  int total = 0;
  replay::Recording outer;
  {
    replay::Recording inner;
    write_and_record(total, 1);
    EXPECT_EQ(inner.finish().size(), 1u);
    EXPECT_EQ(replay::active(), &outer);
  }
  write_and_record(total, 2);
  EXPECT_EQ(outer.finish().size(), 1u);
  EXPECT_EQ(replay::active(), nullptr);
}

TEST(Replay, KeepsWhatItWasGivenAliveUntilTheOwnerLetsGo) {
  bool destroyed = false;
  std::vector<IntrusivePtr<const RefCounted>> kept;
  {
    replay::Recording recording;
    const IntrusivePtr<Counted> object = make_intrusive<Counted>(&destroyed);
    recording.keep_alive(object.get());
    kept = recording.take_kept();
  }
  EXPECT_FALSE(destroyed);
  kept.clear();
  EXPECT_TRUE(destroyed);
}

}  // namespace nnlab
