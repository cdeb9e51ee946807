#pragma once
// A classification dataset narrowed to some of its classes: a two-class task cut out of a
// ten-class dataset (E7 transfers a model pretrained on eight Fashion-MNIST classes to the other two).
#include <cstdint>
#include <span>

#include "nnlab/data/dataset.h"

namespace nnlab::data {

// The examples whose class is one of `classes`, in their original order, relabelled 0..k-1 in
// the order the classes are listed (classes = {5, 7}: class 5 becomes 0, class 7 becomes 1);
// num_classes = k, and class_names (when the dataset has them) follow: {"Sandal", "Sneaker"}.
// Throws ValueError naming the bad value for fewer than 2 classes, an index outside
// [0, num_classes) or one listed twice, and for a regression dataset.
Dataset keep_classes(const Dataset& dataset, std::span<const std::int64_t> classes);

}  // namespace nnlab::data
