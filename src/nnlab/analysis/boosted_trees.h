#pragma once
// Gradient-boosted decision trees for classification, through XGBoost's C API (Debian
// libxgboost-dev): E7's classical baseline beside the networks. A small RAII owner of one
// XGBoost booster; every XGBoost call is checked and a failure becomes an nnlab::Error carrying
// XGBoost's own message. The trees are grown with tree_method "hist" (256 quantile bins per
// feature), which keeps 784-pixel images to minutes on two cores.
//
// The objective is the logistic loss: binary:logistic for 2 classes, multi:softprob (one tree
// per class per round) for more. With base_score 0.5 (pinned: XGBoost 2.0 estimates it from the
// labels instead) every margin starts at 0, and one round of depth 1 gives each example the
// margin eta · leaf, leaf = -G / (H + reg_lambda) over the examples in its leaf, where
// g = p - y and h = p (1 - p) are the loss's first and second derivatives at p = 0.5.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "nnlab/tensor/tensor.h"

namespace nnlab::analysis {

// XGBoost's own defaults (https://xgboost.readthedocs.io/en/stable/parameter.html), except the
// number of rounds, which is its scikit-learn interface's n_estimators.
struct BoostedTreesOptions {
  std::int64_t rounds = 100;      // boosting rounds (>= 1): one tree each, or one per class
  std::int64_t max_depth = 6;     // >= 1
  double eta = 0.3;               // learning rate: each tree's leaves are scaled by it, in (0, 1]
  double subsample = 1.0;         // fraction of the rows drawn for each tree, in (0, 1]
  double reg_lambda = 1.0;        // L2 penalty on leaf values (>= 0): leaf = -G / (H + reg_lambda)
  double min_child_weight = 1.0;  // least sum of h a leaf may hold (>= 0)
  std::int64_t threads = 0;       // XGBoost's nthread (>= 0); 0: nnlab's num_threads()
  std::uint64_t seed = 0;         // row sampling; the same seed and threads give the same trees
  // Called after each round with the rounds done (1..rounds): progress for long fits.
  std::function<void(std::int64_t rounds_done)> after_round = {};
};

// A dense matrix of `rows` x `columns` float32 values, row-major, borrowed.
struct FeatureRows {
  std::span<const float> values = {};
  std::int64_t rows = 0;
  std::int64_t columns = 0;
};

// A trained classifier. Move-only: it owns its XGBoost booster and frees it on destruction.
class BoostedTrees {
 public:
  // Trains on `features` with labels[i] the class of row i, in [0, classes).
  // Throws ShapeError when values.size() != rows · columns or labels.size() != rows (showing the
  // sizes), ValueError for no rows or columns, classes < 2, a label outside [0, classes) (naming
  // its row) or an option out of range (naming it), and Error with XGBoost's message when an
  // XGBoost call fails.
  static BoostedTrees fit(const FeatureRows& features, std::span<const std::int64_t> labels, std::int64_t classes,
                          const BoostedTreesOptions& options = {});
  // The same from tensors: features (N, ...) float32 or float64, each row flattened to D values
  // (converted to float32, XGBoost's type); labels (N) int64. Also throws DTypeError.
  static BoostedTrees fit(const Tensor& features, const Tensor& labels, std::int64_t classes,
                          const BoostedTreesOptions& options = {});

  // Class probabilities, rows x classes row-major; each row sums to 1 (up to float rounding).
  // Throws ShapeError when the features do not have the trained number of columns.
  std::vector<float> predict_proba(const FeatureRows& features) const;
  // The same as a (N, classes) float32 tensor, for features (N, ...) as fit takes them.
  Tensor predict_proba(const Tensor& features) const;
  // The most probable class of each row (the first on ties, as argmax).
  std::vector<std::int64_t> predict(const Tensor& features) const;

  std::int64_t classes() const { return classes_; }
  std::int64_t columns() const { return columns_; }  // D, the features per row it was trained on

  BoostedTrees(BoostedTrees&& other) noexcept;
  BoostedTrees& operator=(BoostedTrees&& other) noexcept;
  BoostedTrees(const BoostedTrees&) = delete;
  BoostedTrees& operator=(const BoostedTrees&) = delete;
  ~BoostedTrees();

 private:
  BoostedTrees(void* booster, std::int64_t classes, std::int64_t columns, int threads)
      : booster_(booster), classes_(classes), columns_(columns), threads_(threads) {}

  void* booster_ = nullptr;  // XGBoost's BoosterHandle
  std::int64_t classes_ = 0;
  std::int64_t columns_ = 0;
  int threads_ = 1;  // for building prediction matrices
};

// The XGBoost library's version, "1.7.4", for run.json.
std::string xgboost_version();

}  // namespace nnlab::analysis
