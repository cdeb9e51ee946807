#include "nnlab/report/html_image.h"

#include "nnlab/io/base64.h"

namespace nnlab::report {

std::string data_uri(std::string_view mime, std::string_view bytes) {
  return "data:" + std::string(mime) + ";base64," + io::base64_encode(bytes);
}

}  // namespace nnlab::report
