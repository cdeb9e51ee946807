#pragma once
// A folder of class folders of PNG/JPEG images, read whole into memory: the semantics of
// torchvision.datasets.ImageFolder (https://pytorch.org/vision/stable/generated/torchvision.datasets.ImageFolder.html)
// followed by ToTensor(), with an optional Resize((image_size, image_size)) and Grayscale().
#include <cstdint>
#include <string>

#include "nnlab/data/dataset.h"

namespace nnlab::data {

struct ImageFolderOptions {
  // > 0: every image is resized to image_size x image_size (aspect ratio not kept) with
  // antialiased bilinear filtering, as torchvision's Resize default (PIL BILINEAR,
  // antialias=True); images already that size are copied untouched.
  // 0: images keep their size, which must be the same for all.
  std::int64_t image_size = 0;
  // true: 1 channel, Pillow's convert("L") luma (299 R + 587 G + 114 B) / 1000 in 16-bit fixed
  // point; false: 3 channels RGB, gray images replicated. Alpha is always dropped.
  bool grayscale = false;
};

// Reads <root>/<class>/**/<file>.{png,jpg,jpeg} (extension case-insensitive; other files are
// skipped). Classes are the sub-folders of root sorted by name; class index = position.
// Files come class by class, then by folder and file name, as torchvision orders them.
// Files and folders whose names start with '.' are skipped (unlike torchvision, which reads
// e.g. .ipynb_checkpoints as a class); symbolic links to folders below a class are not followed.
// Returns inputs (N, C, H, W) float32 in [0, 1] (byte / 255), targets (N) int64, num_classes,
// class_names, name "image-folder:<root>". Files are decoded in parallel; results do not
// depend on the thread count.
// Throws IoError naming root when it is missing or not a folder, or a folder or file that
// cannot be read; DataError naming root when it has no class folder, naming a class folder
// without images (torchvision's allow_empty=False), naming a file that is not a decodable PNG
// or JPEG (corrupt, truncated, other format), is above 256 MiB or whose header declares more
// than kMaxImagePixels (image_decode.h; refused before decoding, whatever image_size is),
// naming a file memory ran out for, or, with image_size 0, naming the first file
// whose size differs from the first image's, with both sizes. ValueError for image_size < 0.
Dataset read_image_folder(const std::string& root, const ImageFolderOptions& options = {});

}  // namespace nnlab::data
