#pragma once
// Which half of a dataset's official train/test division a file reader loads.
namespace nnlab::data {

enum class Split { train, test };

}  // namespace nnlab::data
