#include "nnlab/io/safetensors.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <new>
#include <optional>
#include <set>
#include <string_view>

#include <nlohmann/json.hpp>

#include "nnlab/core/check.h"
#include "nnlab/core/input_file.h"
#include "nnlab/io/atomic_file.h"
#include "nnlab/tensor/copy.h"

namespace nnlab::io {

// Tensor bytes are written and read as they lie in memory.
static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");

namespace {

using Json = nlohmann::json;

const char* safetensors_dtype(DType dtype) {
  switch (dtype) {
    case DType::f32: return "F32";
    case DType::f64: return "F64";
    case DType::i64: return "I64";
  }
  return "";
}

DType parse_dtype(const std::string& code, const std::string& path, const std::string& name) {
  if (code == "F32") return DType::f32;
  if (code == "F64") return DType::f64;
  if (code == "I64") return DType::i64;
  NNLAB_CHECK(false, DataError, "safetensors: '{}': tensor '{}' has dtype {}, nnlab reads F32, F64 and I64", path,
              name, code);
  return DType::f32;
}

// The reference implementation's limit on the JSON header (its MAX_HEADER_SIZE): a length
// field of 2^63 cannot ask for more.
constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;

struct Entry {
  std::string name;
  DType dtype;
  Shape shape;
  std::uint64_t begin, end;
};

Shape parse_shape(const Json& json, const std::string& path, const std::string& name) {
  NNLAB_CHECK(json.is_array() && json.size() <= static_cast<std::size_t>(kMaxDims), DataError,
              "safetensors: '{}': tensor '{}' needs a shape list of at most {} sizes", path, name, kMaxDims);
  Shape shape;
  for (const Json& size : json) {
    NNLAB_CHECK(size.is_number_unsigned() && size.get<std::uint64_t>() <= std::uint64_t{INT64_MAX}, DataError,
                "safetensors: '{}': tensor '{}' has a bad size {} in its shape", path, name, size.dump());
    shape.push_back(size.get<std::int64_t>());
  }
  return shape;
}

// The bytes a shape of `dtype` needs, or nullopt past 2^64: multiplied with overflow checks, so
// a shape of [2^62 + 16] F32 cannot wrap around to 64 bytes.
std::optional<std::uint64_t> byte_size(const Shape& shape, DType dtype) {
  std::uint64_t bytes = dtype_size(dtype);
  for (std::int64_t size : shape) {
    if (__builtin_mul_overflow(bytes, static_cast<std::uint64_t>(size), &bytes)) return std::nullopt;
  }
  return bytes;
}

Entry parse_entry(const std::string& name, const Json& info, const std::string& path) {
  NNLAB_CHECK(info.is_object() && info.contains("dtype") && info.contains("shape") && info.contains("data_offsets"),
              DataError, "safetensors: '{}': tensor '{}' needs dtype, shape and data_offsets", path, name);
  NNLAB_CHECK(info["dtype"].is_string(), DataError, "safetensors: '{}': tensor '{}' has a non-string dtype", path, name);
  Entry entry{name, parse_dtype(info["dtype"].get<std::string>(), path, name), parse_shape(info["shape"], path, name),
              0, 0};
  const Json& offsets = info["data_offsets"];
  NNLAB_CHECK(offsets.is_array() && offsets.size() == 2 && offsets[0].is_number_unsigned() &&
                  offsets[1].is_number_unsigned(),
              DataError, "safetensors: '{}': tensor '{}' needs data_offsets [begin, end]", path, name);
  entry.begin = offsets[0].get<std::uint64_t>();
  entry.end = offsets[1].get<std::uint64_t>();
  const std::optional<std::uint64_t> needed = byte_size(entry.shape, entry.dtype);
  NNLAB_CHECK(needed.has_value(), DataError,
              "safetensors: '{}': tensor '{}' of shape {} {} needs more than 2^64 bytes, its data_offsets [{}, {}] "
              "give {}",
              path, name, entry.shape, dtype_name(entry.dtype), entry.begin, entry.end,
              static_cast<std::int64_t>(entry.end - entry.begin));
  const std::uint64_t expected = *needed;
  NNLAB_CHECK(entry.end >= entry.begin && entry.end - entry.begin == expected, DataError,
              "safetensors: '{}': tensor '{}' of shape {} {} needs {} bytes, its data_offsets [{}, {}] give {}", path,
              name, entry.shape, dtype_name(entry.dtype), expected, entry.begin, entry.end,
              static_cast<std::int64_t>(entry.end - entry.begin));
  return entry;
}

// The JSON header as an object. nlohmann keeps the last of two equal keys, which would leave the
// first tensor's bytes as a "hole": a repeated tensor name is caught while parsing instead.
Json parse_header(std::string_view text, const std::string& path) {
  std::set<std::string> names;
  std::string repeated;
  Json header;
  try {
    header = Json::parse(text, [&](int depth, Json::parse_event_t event, Json& parsed) {
      if (event == Json::parse_event_t::key && depth == 1 && !names.insert(parsed.get<std::string>()).second &&
          repeated.empty()) {
        repeated = parsed.get<std::string>();
      }
      return true;
    });
  } catch (const Json::exception& e) {
    NNLAB_CHECK(false, DataError, "safetensors: '{}': the header is not valid JSON ({})", path, e.what());
  }
  NNLAB_CHECK(header.is_object(), DataError, "safetensors: '{}': the header must be a JSON object", path);
  NNLAB_CHECK(repeated.empty(), DataError, "safetensors: '{}': tensor '{}' appears twice in the header", path,
              repeated);
  return header;
}

// Offsets must lie inside the data and tile it exactly: no overlaps, no holes.
void check_layout(std::vector<Entry>& entries, std::uint64_t data_size, const std::string& path) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.begin < b.begin; });
  std::uint64_t cursor = 0;
  for (const Entry& entry : entries) {
    NNLAB_CHECK(entry.end <= data_size, DataError,
                "safetensors: '{}': tensor '{}' data_offsets [{}, {}] run past the end of the data ({} bytes)", path,
                entry.name, entry.begin, entry.end, data_size);
    NNLAB_CHECK(entry.begin >= cursor, DataError, "safetensors: '{}': tensor '{}' overlaps the tensor before it", path,
                entry.name);
    NNLAB_CHECK(entry.begin == cursor, DataError, "safetensors: '{}': a hole of {} bytes lies before tensor '{}'",
                path, entry.begin - cursor, entry.name);
    cursor = entry.end;
  }
  NNLAB_CHECK(cursor == data_size, DataError, "safetensors: '{}': {} bytes after the last tensor belong to none", path,
              data_size - cursor);
}

}  // namespace

std::string to_safetensors(const NamedTensors& tensors, const std::map<std::string, std::string>& metadata) {
  Json header = Json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    NNLAB_CHECK(!header.contains(name), ValueError, "safetensors: the name '{}' appears twice", name);
    const std::uint64_t bytes = static_cast<std::uint64_t>(tensor.numel()) * dtype_size(tensor.dtype());
    header[name] = {{"dtype", safetensors_dtype(tensor.dtype())},
                    {"shape", std::vector<std::int64_t>(tensor.shape().begin(), tensor.shape().end())},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string json = header.dump();
  json.append((8 - json.size() % 8) % 8, ' ');  // pad so the data starts 8-byte aligned, as the reference writer does
  std::string file(8, '\0');
  const std::uint64_t length = json.size();
  std::memcpy(file.data(), &length, 8);
  file += json;
  for (const auto& entry : tensors) {
    const Tensor data = contiguous(entry.second);
    file.append(static_cast<const char*>(data.data_ptr()), static_cast<std::size_t>(data.numel()) * dtype_size(data.dtype()));
  }
  return file;
}

void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata) {
  write_file_atomically(path, to_safetensors(tensors, metadata));
}

SafetensorsFile load_safetensors(const std::string& path) {
  InputFile in(path, {.where = "safetensors", .expected = "a safetensors file"});
  const std::uint64_t size = in.size();
  NNLAB_CHECK(size >= 8, DataError, "safetensors: '{}' is {} bytes long, too short for the 8-byte header length", path,
              size);
  std::uint64_t length = 0;
  in.read_exact({reinterpret_cast<char*>(&length), 8});
  NNLAB_CHECK(length <= size - 8, DataError,
              "safetensors: '{}': the header length {} runs past the end of the file ({} bytes)", path, length, size);
  NNLAB_CHECK(length <= kMaxHeaderBytes, DataError,
              "safetensors: '{}': expected a header of at most {} bytes, got a header length of {} (file {} bytes)",
              path, kMaxHeaderBytes, length, size);
  std::string text(static_cast<std::size_t>(length), '\0');
  in.read_exact(text);
  const Json header = parse_header(text, path);
  SafetensorsFile file;
  std::vector<Entry> entries;
  for (const auto& [name, info] : header.items()) {
    if (name == "__metadata__") {
      NNLAB_CHECK(info.is_object(), DataError, "safetensors: '{}': __metadata__ must be an object", path);
      for (const auto& [key, value] : info.items()) {
        NNLAB_CHECK(value.is_string(), DataError, "safetensors: '{}': metadata '{}' must be a string", path, key);
        file.metadata[key] = value.get<std::string>();
      }
      continue;
    }
    entries.push_back(parse_entry(name, info, path));
  }
  check_layout(entries, size - 8 - length, path);
  // check_layout sorted the entries and found that they tile the data: one pass reads them in order.
  for (const Entry& entry : entries) {
    Tensor t;
    try {
      t = Tensor::empty(entry.shape, entry.dtype);
    } catch (const std::bad_alloc&) {
      NNLAB_CHECK(false, DataError, "safetensors: '{}': out of memory allocating tensor '{}' of shape {} {} ({} bytes)",
                  path, entry.name, entry.shape, dtype_name(entry.dtype), entry.end - entry.begin);
    }
    in.read_exact({static_cast<char*>(t.data_ptr()), static_cast<std::size_t>(entry.end - entry.begin)});
    file.tensors.emplace(entry.name, std::move(t));
  }
  return file;
}

}  // namespace nnlab::io
