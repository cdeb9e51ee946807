#pragma once
// Probes that evaluate the model on the probe data at epoch ends (EpochProbe's schedule):
//   SensitivityProbe           scalar  sensitivity/<split>: mean ||d loss / d input|| (E11)
//   DecisionBoundaryProbe      heatmap decision_boundary: predicted class over the plane, with
//                              the data points on top (E6; models with 2 inputs)
//   ConfusionProbe             heatmap confusion: true class (rows) x predicted class (columns)
//   MisclassifiedProbe         images  misclassified: the first misclassified examples (E7),
//                              captioned "#<index> <true class> / <predicted class>"
//   TrueClassProbabilityProbe  histograms true_class_probability/correct and /incorrect (E15)
//   WeightImagesProbe          images  weight_images: the first layer's weight rows (E15)
#include <cstdint>

#include "nnlab/analysis/class_probability.h"
#include "nnlab/train/objective.h"
#include "nnlab/train/probes/probe.h"

namespace nnlab::train {

class SensitivityProbe final : public EpochProbe {
 public:
  SensitivityProbe(const MetricsStream& stream, nn::Module& model, ProbeData data, Objective objective,
                   std::int64_t every);

 private:
  void record(std::int64_t epoch, std::int64_t step) override;
  ProbeData data_;
  Objective objective_;
};

class DecisionBoundaryProbe final : public EpochProbe {
 public:
  // Throws ConfigError when the data's examples are not 2 features.
  DecisionBoundaryProbe(const MetricsStream& stream, nn::Module& model, ProbeData data, std::int64_t resolution,
                        std::int64_t every);

 private:
  void record(std::int64_t epoch, std::int64_t step) override;
  ProbeData data_;
  std::int64_t resolution_;
};

class ConfusionProbe final : public EpochProbe {
 public:
  ConfusionProbe(const MetricsStream& stream, nn::Module& model, ProbeData data, std::int64_t every);

 private:
  void record(std::int64_t epoch, std::int64_t step) override;
  ProbeData data_;
};

class MisclassifiedProbe final : public EpochProbe {
 public:
  // Throws ConfigError unless the examples are images (C, H, W) with 1 or 3 channels.
  MisclassifiedProbe(const MetricsStream& stream, nn::Module& model, ProbeData data, std::int64_t count,
                     std::int64_t every);

 private:
  void record(std::int64_t epoch, std::int64_t step) override;
  ProbeData data_;
  std::int64_t count_;
};

class TrueClassProbabilityProbe final : public EpochProbe {
 public:
  TrueClassProbabilityProbe(const MetricsStream& stream, nn::Module& model, ProbeData data,
                            analysis::OutputProbability kind, std::int64_t buckets, std::int64_t every);

 private:
  void record(std::int64_t epoch, std::int64_t step) override;
  ProbeData data_;
  analysis::OutputProbability kind_;
  std::int64_t buckets_;
};

class WeightImagesProbe final : public EpochProbe {
 public:
  // Shows the first parameter of rank 2 named "...weight" (the first Linear layer), each row read
  // as an image of `image_shape` (C, H, W). Throws ConfigError when there is no such layer or its
  // rows do not hold C * H * W values (a CNN, whose first layer sees patches, not images).
  // Row r's caption is row_names[r] when given.
  WeightImagesProbe(const MetricsStream& stream, nn::Module& model, const Shape& image_shape,
                    std::vector<std::string> row_names, std::int64_t every);

 private:
  void record(std::int64_t epoch, std::int64_t step) override;
  std::string weight_name_;
  std::int64_t height_, width_;
  std::vector<std::string> row_names_;
};

// "Coat" when the dataset names its classes, else "3".
std::string class_name(const data::Dataset& dataset, std::int64_t label);

}  // namespace nnlab::train
