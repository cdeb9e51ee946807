#include <gtest/gtest.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "nnlab/core/allocator.h"
#include "nnlab/core/check.h"
#include "nnlab/tensor/creation.h"
#include "nnlab/tensor/print.h"
#include "nnlab/tensor/storage.h"
#include "nnlab/tensor/view.h"
#include "testing/asserts.h"

namespace nnlab {

TEST(Tensor, CreationFillsValues) {
  EXPECT_EQ(Tensor::zeros({2, 3}).to_vector<float>(), std::vector<float>(6, 0.0f));
  EXPECT_EQ(Tensor::ones({2}, DType::f64).to_vector<double>(), (std::vector<double>{1.0, 1.0}));
  EXPECT_EQ(Tensor::full({3}, 7, DType::i64).to_vector<std::int64_t>(), (std::vector<std::int64_t>{7, 7, 7}));
  EXPECT_EQ(Tensor::scalar(2.5).dim(), 0);
  EXPECT_EQ(Tensor::scalar(2.5).item(), 2.5);
}

TEST(Tensor, FromNestedListsIsRowMajor) {
  const Tensor t = Tensor::from({{1, 2, 3}, {4, 5, 6}}, DType::f64);
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
  EXPECT_EQ(t.to_vector<double>(), (std::vector<double>{1, 2, 3, 4, 5, 6}));
  expect_throw_with<ShapeError>([] { Tensor::from({{1, 2}, {3}}); }, "every row must have 2 values, got a row of 1");
}

TEST(Tensor, FromVectorChecksTheCount) {
  expect_throw_with<ShapeError>(
      [] {
        Tensor::from_vector(std::vector<float>{1, 2, 3}, {2, 2});
      },
      "shape [2, 2] needs 4 values, got 3");
}

TEST(Tensor, ArangeAndLinspaceMatchTorch) {
  EXPECT_EQ(arange(0, 5).to_vector<float>(), (std::vector<float>{0, 1, 2, 3, 4}));
  EXPECT_EQ(arange(1, 2, 0.25, DType::f64).to_vector<double>(), (std::vector<double>{1, 1.25, 1.5, 1.75}));
  EXPECT_EQ(linspace(-1, 1, 5, DType::f64).to_vector<double>(), (std::vector<double>{-1, -0.5, 0, 0.5, 1}));
}

TEST(Tensor, RandomFactoriesAreSeeded) {
  Rng a(11), b(11);
  expect_equal(randn({3, 4}, a), randn({3, 4}, b));
  expect_equal(rand({5}, a, DType::f64), rand({5}, b, DType::f64));
  const auto perm = randperm(10, a).to_vector<std::int64_t>();
  EXPECT_EQ(perm.size(), 10u);
}

TEST(Tensor, DataChecksDType) {
  const Tensor t = Tensor::zeros({2});
  expect_throw_with<DTypeError>([&] { t.data<double>(); }, "tensor holds float32, asked for float64");
}

TEST(Tensor, ItemNeedsOneElement) {
  expect_throw_with<ShapeError>(
      [] {
        Tensor::zeros({2, 2}).item();
      },
      "expected a tensor with one element, got shape [2, 2]");
}

TEST(Tensor, RequiresGradOnlyOnFloatLeaves) {
  const Tensor t = Tensor::zeros({2}).requires_grad_();
  EXPECT_TRUE(t.requires_grad());
  EXPECT_TRUE(t.is_leaf());
  expect_throw_with<DTypeError>([] { Tensor::zeros({2}, DType::i64).requires_grad_(); }, "got int64");
}

TEST(Tensor, DetachSharesDataButNotHistory) {
  const Tensor t = Tensor::ones({3}).requires_grad_();
  const Tensor d = t.detach();
  EXPECT_FALSE(d.requires_grad());
  EXPECT_TRUE(d.same_storage(t));
}

TEST(Tensor, PrintsReadably) {
  EXPECT_EQ(to_string(Tensor::from({{1, 2}, {3, 4}})),
            "tensor([[1.0000, 2.0000],\n        [3.0000, 4.0000]], dtype=float32)");
  EXPECT_EQ(to_string(Tensor::full({2}, 3, DType::i64)), "tensor([3, 3], dtype=int64)");
  EXPECT_NE(to_string(Tensor::zeros({2000})).find("..."), std::string::npos);  // long tensors are elided
}

TEST(Tensor, EmptyRejectsNegativeSizes) {
  expect_throw_with<ShapeError>([] { Tensor::empty({2, -1}); }, "sizes must be non-negative");
}

TEST(Tensor, EmptyRefusesSizesPastMemoryNamingTheShape) {
  // More elements than int64 counts: a ShapeError, where the wrapped count made a small buffer.
  expect_throw_with<ShapeError>(
      [] {
        Tensor::empty({std::int64_t{1} << 32, std::int64_t{1} << 31});
      },
      "expected at most 2^63 - 1 elements, got shape [4294967296, 2147483648]");
  // A count that fits, but not its bytes: out of memory, naming the tensor.
  expect_throw_with<memory::OutOfMemory>([] { Tensor::empty({(std::int64_t{1} << 60) + 1}); },
                                         "out of memory: cannot allocate 4294967296.0 GiB (4611686018427387908 "
                                         "bytes) for a float32 tensor of shape [1152921504606846977]");
  expect_throw_with<memory::OutOfMemory>(
      [] {
        Tensor::zeros({std::int64_t{1} << 61, 2}, DType::f64);
      },
      "out of memory: cannot allocate 2^64 bytes or more for a float64 tensor of "
      "shape [2305843009213693952, 2]");
}

TEST(Tensor, SmallAndLargeBuffersAreAlignedAndOutliveTheirFirstHandle) {
  // Up to Storage::kInlineBytes the values live inside the storage object (16-byte aligned);
  // larger buffers come from the caching allocator (64-byte aligned).
  for (std::int64_t n : {1, 8, 9, 1000}) {
    Tensor base = arange(0, static_cast<double>(n), 1, DType::f64);
    const bool inline_buffer = n * 8 <= static_cast<std::int64_t>(Storage::kInlineBytes);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(base.data_ptr()) % (inline_buffer ? 16 : 64), 0u) << n;
    const Tensor last = view::narrow(base, 0, n - 1, 1);
    base = Tensor();  // the view alone keeps the buffer alive
    EXPECT_EQ(last.item(), static_cast<double>(n - 1)) << n;
  }
}

TEST(Tensor, HandlesCopiedAndDroppedOnManyThreadsFreeTheTensorOnce) {
  // Reference counts are atomic; the sole owner's release skips the atomic, which is safe
  // only because no other thread can hold a copy then. ASan reports a double free otherwise.
  for (int round = 0; round < 50; ++round) {
    Tensor shared = Tensor::from({1, 2, 3}, DType::f64);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([copy = shared] {
        for (int i = 0; i < 200; ++i) {
          const Tensor again = copy;
          EXPECT_EQ(again.to_vector<double>()[2], 3.0);
        }
      });
    }
    shared = Tensor();  // the threads' copies decide who frees it
    for (std::thread& thread : threads) thread.join();
  }
}

}  // namespace nnlab
