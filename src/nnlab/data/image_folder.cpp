// ImageFolder: the listing in torchvision's order, parallel decoding, Pillow's luma, and each
// image resized as it is decoded (resize.h, torchvision's antialiased bilinear Resize).
#include "nnlab/data/image_folder.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <filesystem>
#include <new>
#include <system_error>
#include <utility>
#include <vector>

#include "nnlab/core/check.h"
#include "nnlab/core/input_file.h"
#include "nnlab/core/parallel.h"
#include "nnlab/data/image_decode.h"
#include "nnlab/data/resize.h"

namespace nnlab::data {
namespace {

namespace fs = std::filesystem;

// Decoding one small image takes tens of microseconds and waking threads a few, so a thread
// gets at least this many files.
constexpr std::int64_t kFilesPerChunk = 8;

struct ImageFile {
  std::string path;
  std::int64_t label = 0;
};

struct Listing {
  std::vector<std::string> class_names;
  std::vector<ImageFile> files;  // class by class
};

bool is_hidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name.front() == '.';
}

bool has_image_extension(const fs::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension == ".png" || extension == ".jpg" || extension == ".jpeg";
}

// The image files below one class folder, in torchvision's order: by the folder holding them,
// then by file name (its sorted(os.walk(...)) and sorted(fnames)).
std::vector<std::string> list_class_images(const fs::path& class_dir) {
  std::vector<std::pair<std::string, std::string>> found;  // (folder, file name)
  for (auto it = fs::recursive_directory_iterator(class_dir); it != fs::recursive_directory_iterator(); ++it) {
    std::error_code ignored;  // a broken link is neither a folder nor a file: skipped
    if (is_hidden(it->path())) {
      if (it->is_directory(ignored)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ignored) && has_image_extension(it->path())) {
      found.emplace_back(it->path().parent_path().string(), it->path().filename().string());
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> paths;
  for (const auto& [folder, name] : found) paths.push_back((fs::path(folder) / name).string());
  return paths;
}

Listing list_folder(const std::string& root) {
  std::error_code error;
  const fs::file_status status = fs::status(root, error);
  std::string found = "a file";
  if (error) found = error == std::errc::no_such_file_or_directory ? "no such path" : error.message();
  NNLAB_CHECK(!error && fs::is_directory(status), IoError,
              "image-folder: '{}': expected a folder of class folders, got {}", root, found);
  Listing listing;
  for (const fs::directory_entry& entry : fs::directory_iterator(root)) {
    std::error_code ignored;
    if (!is_hidden(entry.path()) && entry.is_directory(ignored)) {
      listing.class_names.push_back(entry.path().filename().string());
    }
  }
  std::sort(listing.class_names.begin(), listing.class_names.end());
  NNLAB_CHECK(!listing.class_names.empty(), DataError,
              "image-folder: '{}': expected one sub-folder per class, got no sub-folder", root);
  for (std::size_t c = 0; c < listing.class_names.size(); ++c) {
    const fs::path class_dir = fs::path(root) / listing.class_names[c];
    std::vector<std::string> images = list_class_images(class_dir);
    NNLAB_CHECK(!images.empty(), DataError,
                "image-folder: '{}': expected at least one .png, .jpg or .jpeg file in every class folder, got none",
                class_dir.string());
    for (std::string& path : images) listing.files.push_back({std::move(path), static_cast<std::int64_t>(c)});
  }
  return listing;
}

// The largest image file read: an uncompressed PNG at kMaxImagePixels is 192 MiB.
constexpr std::uint64_t kMaxImageFileBytes = std::uint64_t{256} << 20;

DecodedImage read_image(const std::string& path) {
  const std::string bytes =
      read_input_file(path, {.where = "image-folder", .expected = "an image file", .max_bytes = kMaxImageFileBytes});
  return decode_image({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, path);
}

// Planar (C, H, W) floats in [0, 1] from interleaved RGB bytes.
std::vector<float> to_planes(const DecodedImage& image, bool grayscale) {
  const auto pixels = static_cast<std::size_t>(image.height * image.width);
  const std::uint8_t* rgb = image.rgb.data();
  std::vector<float> planes(pixels * (grayscale ? 1 : 3));
  if (grayscale) {
    for (std::size_t i = 0; i < pixels; ++i) {
      // Pillow's L24: the weights sum to 65536, so a gray pixel keeps its level; + 0x8000 rounds.
      const std::uint32_t luma =
          (rgb[3 * i] * 19595u + rgb[3 * i + 1] * 38470u + rgb[3 * i + 2] * 7471u + 0x8000u) >> 16;
      planes[i] = static_cast<float>(luma) / 255.0f;
    }
    return planes;
  }
  for (std::size_t c = 0; c < 3; ++c) {
    for (std::size_t i = 0; i < pixels; ++i) planes[c * pixels + i] = rgb[3 * i + c] / 255.0f;
  }
  return planes;
}

struct Example {
  std::int64_t height = 0;
  std::int64_t width = 0;
  std::vector<float> planes;  // (C, height, width)
};

Example load_example(const std::string& path, const ImageFolderOptions& options) {
  const DecodedImage image = read_image(path);
  Example example{image.height, image.width, {}};
  try {
    example.planes = to_planes(image, options.grayscale);
  } catch (const std::bad_alloc&) {
    NNLAB_CHECK(false, DataError, "image-folder: '{}': out of memory holding its {}x{} pixels as floats", path,
                image.height, image.width);
  }
  const std::int64_t size = options.image_size;
  if (size > 0 && (example.height != size || example.width != size)) {
    std::vector<float> resized(static_cast<std::size_t>((options.grayscale ? 1 : 3) * size * size));
    resize_image(example.planes, options.grayscale ? 1 : 3, {example.height, example.width}, {size, size}, resized);
    // the weights are non-negative and sum to 1 up to rounding: only rounding can leave [0, 1]
    for (float& value : resized) value = std::clamp(value, 0.0f, 1.0f);
    example.planes = std::move(resized);
    example.height = example.width = size;
  }
  return example;
}

// Decodes files[1..] into their rows of `inputs` (N, C, H, W), whose H and W the first file set.
void load_rest(const std::vector<ImageFile>& files, const ImageFolderOptions& options, const Tensor& inputs) {
  const std::int64_t height = inputs.size(2);
  const std::int64_t width = inputs.size(3);
  const std::int64_t row_size = inputs.numel() / inputs.size(0);
  float* rows = inputs.data<float>();
  // An exception must not leave an OpenMP region: each file's error is kept and the earliest
  // file's is thrown, so the error does not depend on the thread count.
  std::vector<std::exception_ptr> errors(files.size());
  parallel_for(1, inputs.size(0), kFilesPerChunk, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const std::string& path = files[static_cast<std::size_t>(i)].path;
      try {
        const Example example = load_example(path, options);
        NNLAB_CHECK(example.height == height && example.width == width, DataError,
                    "image-folder: '{}': expected {}x{} (height x width) like '{}', got {}x{}; set image_size to "
                    "resize every image",
                    path, height, width, files[0].path, example.height, example.width);
        std::copy(example.planes.begin(), example.planes.end(), rows + i * row_size);
      } catch (...) {
        errors[static_cast<std::size_t>(i)] = std::current_exception();
        return;  // later files of this chunk cannot hold the earliest error
      }
    }
  });
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace

Dataset read_image_folder(const std::string& root, const ImageFolderOptions& options) {
  NNLAB_CHECK(options.image_size >= 0, ValueError,
              "image-folder: expected image_size >= 0 (0 keeps every image's size), got {}", options.image_size);
  Listing listing;
  try {
    listing = list_folder(root);
  } catch (const fs::filesystem_error& e) {
    throw IoError(
        fmt::format("image-folder: '{}': expected a readable folder, got {}", e.path1().string(), e.code().message()));
  }
  const std::vector<ImageFile>& files = listing.files;
  const auto n = static_cast<std::int64_t>(files.size());

  const Example first = load_example(files[0].path, options);
  const std::int64_t channels = options.grayscale ? 1 : 3;
  Tensor inputs;
  try {
    inputs = Tensor::empty({n, channels, first.height, first.width}, DType::f32);
  } catch (const std::bad_alloc&) {
    NNLAB_CHECK(false, DataError,
                "image-folder: '{}': out of memory allocating {} images of {}x{} (height x width, from '{}'); set "
                "image_size to resize them",
                root, n, first.height, first.width, files[0].path);
  }
  std::copy(first.planes.begin(), first.planes.end(), inputs.data<float>());
  load_rest(files, options, inputs);

  std::vector<std::int64_t> labels;
  for (const ImageFile& file : files) labels.push_back(file.label);
  Dataset out;
  out.inputs = inputs;
  out.targets = Tensor::from_vector(labels, {n});
  out.task = Task::classification;
  out.num_classes = static_cast<std::int64_t>(listing.class_names.size());
  out.class_names = std::move(listing.class_names);
  out.name = "image-folder:" + root;
  validate(out);
  return out;
}

}  // namespace nnlab::data
