// float32 convolution on oneDNN primitives (legend in kernels/conv.h), cached by geometry.
// The primitives pick their own memory formats (format_tag::any: nChw16c / OIhw16i16o blocks on
// AVX-512) and nnlab's NCHW buffers are reordered in and out around them. A one-off probe on the
// 2-core development machine (2 threads, forward, reorders included) found that faster than
// primitives on plain NCHW (which fall back to im2col + sgemm) on every training-sized layer:
// 64x32x16x16 -> 64 3x3: 2.2 vs 5.6 ms; 64x3x32x32 -> 32 3x3: 1.2 vs 1.7 ms; 32x16x28x28 -> 32
// 3x3 stride 2: 0.34 vs 0.97 ms. (Backward-data of a 1- or 3-channel first layer is the one case
// plain formats would win, by up to 2x; inputs rarely need that gradient.)
// Within one training step the backward does not redo conversions the forward or its sibling did:
// the forward keeps its converted input for backward-weights (Conv2dSaved), and dout converted for
// backward-data is reused by backward-weights. ResNet-18 (W8): 2.6 of 18 ms of reorders per step saved.
// Primitives run in user-scratchpad mode, so one cached primitive may run on several threads at
// once (library mode ties a primitive to the thread that created it).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "nnlab/core/allocator.h"
#include "nnlab/core/check.h"
#include "nnlab/kernels/cpu/conv_backends.h"

namespace nnlab::kernels::cpu {
namespace {

using Desc = dnnl::memory::desc;
using Dims = dnnl::memory::dims;
using Tag = dnnl::memory::format_tag;

// A network has a few convolutions, each needing forward, backward-data and backward-weights
// primitives for a training and an evaluation batch size: 64 covers a dozen layers.
constexpr std::size_t kCacheCapacity = 64;

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& thread_stream() {
  thread_local dnnl::stream stream(cpu_engine());
  return stream;
}

dnnl::primitive_attr user_scratchpad() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

// Arguments: an input's conversion runs user -> inner, an output's inner -> user.
struct Argument {
  int id = 0;  // DNNL_ARG_*
  bool output = false;
  Desc user, inner;        // nnlab's contiguous layout, the primitive's
  bool reordered = false;  // user != inner
  dnnl::reorder reorder;
  Desc reorder_scratchpad;
};

struct Primitive {
  dnnl::primitive primitive;
  Desc scratchpad;
  std::vector<Argument> arguments;  // in the order the entry points below bind them
};

Argument make_argument(int id, bool output, const Desc& user, const Desc& inner) {
  Argument a;
  a.id = id;
  a.output = output;
  a.user = user;
  a.inner = inner;
  if (user == inner) return a;
  const Desc& from = output ? inner : user;
  const Desc& to = output ? user : inner;
  const dnnl::reorder::primitive_desc pd(cpu_engine(), from, cpu_engine(), to, user_scratchpad());
  a.reordered = true;
  a.reorder = dnnl::reorder(pd);
  a.reorder_scratchpad = pd.scratchpad_desc();
  return a;
}

}  // namespace

// Memory in some oneDNN layout on a block from nnlab's caching allocator: a reordered operand or
// a scratchpad for one call, or a forward's input kept for its backward (Conv2dSaved).
struct DnnlBuffer {
  explicit DnnlBuffer(const Desc& desc)
      : bytes(desc.get_size()), data(nnlab::memory::allocate(bytes)), memory(desc, cpu_engine(), data) {}
  ~DnnlBuffer() { nnlab::memory::deallocate(data, bytes); }
  DnnlBuffer(const DnnlBuffer&) = delete;
  DnnlBuffer& operator=(const DnnlBuffer&) = delete;

  std::size_t bytes;
  void* data;
  dnnl::memory memory;
};

namespace {

// One primitive run: binds its arguments, converting inputs into the primitive's layouts first
// and outputs back after it. Buffers live as long as the Execution, so a converted input may be
// handed to a second Execution declared after this one.
class Execution {
 public:
  // An input from nnlab's plain buffer (only read); returns the memory the primitive reads.
  dnnl::memory input(const Argument& a, const float* plain) {
    // oneDNN takes void* handles; it does not write to an input's.
    return input(a, dnnl::memory(a.user, cpu_engine(), const_cast<float*>(plain)));
  }

  // An input already in memory, in any layout: bound as is when it is the primitive's.
  dnnl::memory input(const Argument& a, const dnnl::memory& ready) {
    const Desc ready_desc = ready.get_desc();
    if (ready_desc == a.inner) return bind(a.id, ready);
    const dnnl::memory& inner = scratch(a.inner).memory;
    if (ready_desc == a.user) {
      convert(a.reorder, a.reorder_scratchpad, ready, inner);
    } else {  // a kept buffer from a forward whose layout differs: a one-off conversion
      const dnnl::reorder::primitive_desc pd(cpu_engine(), ready_desc, cpu_engine(), a.inner, user_scratchpad());
      convert(dnnl::reorder(pd), pd.scratchpad_desc(), ready, inner);
    }
    return bind(a.id, inner);
  }

  // An input converted into a buffer of its own that outlives this call (a forward's input kept
  // for the backward).
  std::shared_ptr<const DnnlBuffer> input_kept(const Argument& a, const float* plain) {
    NNLAB_DCHECK(a.reordered);
    auto kept = std::make_shared<DnnlBuffer>(a.inner);
    convert(a.reorder, a.reorder_scratchpad, dnnl::memory(a.user, cpu_engine(), const_cast<float*>(plain)),
            kept->memory);
    bind(a.id, kept->memory);
    return kept;
  }

  void output(const Argument& a, float* plain) {
    const dnnl::memory user(a.user, cpu_engine(), plain);
    if (!a.reordered) {
      bind(a.id, user);
      return;
    }
    outputs_.push_back({&a, bind(a.id, scratch(a.inner).memory), user});
  }

  // Runs p on the bound arguments, then converts the outputs to nnlab's layout.
  void run(const Primitive& p) {
    NNLAB_DCHECK(args_.size() == p.arguments.size());
    if (p.scratchpad.get_size() > 0) args_.emplace(DNNL_ARG_SCRATCHPAD, scratch(p.scratchpad).memory);
    p.primitive.execute(thread_stream(), args_);
    for (const Output& o : outputs_) convert(o.argument->reorder, o.argument->reorder_scratchpad, o.inner, o.user);
    thread_stream().wait();
  }

 private:
  struct Output {
    const Argument* argument;
    dnnl::memory inner, user;
  };

  DnnlBuffer& scratch(const Desc& desc) { return *buffers_.emplace_back(std::make_unique<DnnlBuffer>(desc)); }

  dnnl::memory bind(int id, const dnnl::memory& m) {
    args_.insert_or_assign(id, m);
    return m;
  }

  // Buffers outlive the call until the stream has finished (CPU streams run synchronously, but
  // that is not promised).
  void convert(const dnnl::reorder& reorder, const Desc& scratchpad, const dnnl::memory& from, const dnnl::memory& to) {
    std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
    if (scratchpad.get_size() > 0) args.emplace(DNNL_ARG_SCRATCHPAD, scratch(scratchpad).memory);
    reorder.execute(thread_stream(), args);
  }

  std::vector<std::unique_ptr<DnnlBuffer>> buffers_;
  std::unordered_map<int, dnnl::memory> args_;
  std::vector<Output> outputs_;
};

// The problem in oneDNN's terms. Weights of a grouped convolution are 5-D (G, O / G, C / G, KH, KW),
// the same bytes as nnlab's (O, C / G, KH, KW). oneDNN counts dilation from 0 (torch's 1 is its 0).
struct Problem {
  Desc src, weights, bias, dst;  // nnlab's plain layouts
  Dims strides, dilates, padding;
};

Problem problem_of(const Conv2dGeometry& g) {
  const auto f32 = dnnl::memory::data_type::f32;
  Problem p;
  p.src = Desc({g.batch, g.in_channels, g.in_h, g.in_w}, f32, Tag::nchw);
  p.dst = Desc({g.batch, g.out_channels, g.out_h, g.out_w}, f32, Tag::nchw);
  p.bias = Desc({g.out_channels}, f32, Tag::x);
  const std::int64_t c = g.in_channels / g.groups;
  p.weights = g.groups == 1 ? Desc({g.out_channels, c, g.kernel_h, g.kernel_w}, f32, Tag::oihw)
                            : Desc({g.groups, g.out_channels / g.groups, c, g.kernel_h, g.kernel_w}, f32, Tag::goihw);
  p.strides = {g.stride_h, g.stride_w};
  p.dilates = {g.dilation_h - 1, g.dilation_w - 1};
  p.padding = {g.pad_h, g.pad_w};
  return p;
}

Desc any_layout(const Desc& plain) { return Desc(plain.dims(), plain.data_type(), Tag::any); }

dnnl::convolution_forward::primitive_desc forward_pd(const Problem& p, bool bias) {
  using Fwd = dnnl::convolution_forward;
  const auto prop = dnnl::prop_kind::forward_training;
  const auto algo = dnnl::algorithm::convolution_direct;
  const Fwd::desc desc = bias ? Fwd::desc(prop, algo, any_layout(p.src), any_layout(p.weights), p.bias,
                                          any_layout(p.dst), p.strides, p.dilates, p.padding, p.padding)
                              : Fwd::desc(prop, algo, any_layout(p.src), any_layout(p.weights), any_layout(p.dst),
                                          p.strides, p.dilates, p.padding, p.padding);
  return Fwd::primitive_desc(desc, user_scratchpad(), cpu_engine());
}

// Arguments: x, weight, [bias], out.
Primitive make_forward(const Conv2dGeometry& g, bool bias) {
  const Problem p = problem_of(g);
  const auto pd = forward_pd(p, bias);
  Primitive prim{dnnl::convolution_forward(pd), pd.scratchpad_desc(), {}};
  prim.arguments.push_back(make_argument(DNNL_ARG_SRC, false, p.src, pd.src_desc()));
  prim.arguments.push_back(make_argument(DNNL_ARG_WEIGHTS, false, p.weights, pd.weights_desc()));
  if (bias) prim.arguments.push_back(make_argument(DNNL_ARG_BIAS, false, p.bias, pd.bias_desc()));
  prim.arguments.push_back(make_argument(DNNL_ARG_DST, true, p.dst, pd.dst_desc()));
  return prim;
}

// Arguments: dout, weight, dx.
Primitive make_backward_data(const Conv2dGeometry& g) {
  using Bwd = dnnl::convolution_backward_data;
  const Problem p = problem_of(g);
  const Bwd::desc desc(dnnl::algorithm::convolution_direct, any_layout(p.src), any_layout(p.weights), any_layout(p.dst),
                       p.strides, p.dilates, p.padding, p.padding);
  const Bwd::primitive_desc pd(desc, user_scratchpad(), cpu_engine(), forward_pd(p, false));
  Primitive prim{Bwd(pd), pd.scratchpad_desc(), {}};
  prim.arguments.push_back(make_argument(DNNL_ARG_DIFF_DST, false, p.dst, pd.diff_dst_desc()));
  prim.arguments.push_back(make_argument(DNNL_ARG_WEIGHTS, false, p.weights, pd.weights_desc()));
  prim.arguments.push_back(make_argument(DNNL_ARG_DIFF_SRC, true, p.src, pd.diff_src_desc()));
  return prim;
}

// Arguments: x, dout, dweight, [dbias].
Primitive make_backward_weights(const Conv2dGeometry& g, bool bias) {
  using Bwd = dnnl::convolution_backward_weights;
  const Problem p = problem_of(g);
  const auto algo = dnnl::algorithm::convolution_direct;
  const Bwd::desc desc = bias ? Bwd::desc(algo, any_layout(p.src), any_layout(p.weights), p.bias, any_layout(p.dst),
                                          p.strides, p.dilates, p.padding, p.padding)
                              : Bwd::desc(algo, any_layout(p.src), any_layout(p.weights), any_layout(p.dst), p.strides,
                                          p.dilates, p.padding, p.padding);
  const Bwd::primitive_desc pd(desc, user_scratchpad(), cpu_engine(), forward_pd(p, bias));
  Primitive prim{Bwd(pd), pd.scratchpad_desc(), {}};
  prim.arguments.push_back(make_argument(DNNL_ARG_SRC, false, p.src, pd.src_desc()));
  prim.arguments.push_back(make_argument(DNNL_ARG_DIFF_DST, false, p.dst, pd.diff_dst_desc()));
  prim.arguments.push_back(make_argument(DNNL_ARG_DIFF_WEIGHTS, true, p.weights, pd.diff_weights_desc()));
  if (bias) prim.arguments.push_back(make_argument(DNNL_ARG_DIFF_BIAS, true, p.bias, pd.diff_bias_desc()));
  return prim;
}

enum class Kind { forward, backward_data, backward_weights };

struct Key {
  Conv2dGeometry geometry;
  Kind kind = Kind::forward;
  bool bias = false;
  friend bool operator==(const Key&, const Key&) = default;
};

// Least-recently-used cache of primitives, guarded by one mutex. Primitives are built outside
// the lock (creation takes ~0.1-1 ms) and handed out as shared_ptr, so an entry evicted while
// another thread runs it stays alive until that run ends.
class PrimitiveCache {
 public:
  std::shared_ptr<const Primitive> get(const Key& key) {
    {
      const std::lock_guard lock(mutex_);
      if (auto found = find(key)) return found;
    }
    auto made = std::make_shared<const Primitive>(make(key));
    const std::lock_guard lock(mutex_);
    if (auto found = find(key)) return found;  // another thread built it meanwhile
    if (entries_.size() >= kCacheCapacity) {
      entries_.erase(std::min_element(entries_.begin(), entries_.end(),
                                      [](const Entry& a, const Entry& b) { return a.last_use < b.last_use; }));
    }
    entries_.push_back({key, made, ++clock_});
    return made;
  }

  std::size_t size() {
    const std::lock_guard lock(mutex_);
    return entries_.size();
  }

 private:
  struct Entry {
    Key key;
    std::shared_ptr<const Primitive> primitive;
    std::uint64_t last_use = 0;
  };

  // Call with mutex_ held.
  std::shared_ptr<const Primitive> find(const Key& key) {
    for (Entry& e : entries_) {
      if (e.key == key) {
        e.last_use = ++clock_;
        return e.primitive;
      }
    }
    return nullptr;
  }

  static Primitive make(const Key& key) {
    switch (key.kind) {
      case Kind::forward:
        return make_forward(key.geometry, key.bias);
      case Kind::backward_data:
        return make_backward_data(key.geometry);
      case Kind::backward_weights:
        return make_backward_weights(key.geometry, key.bias);
    }
    NNLAB_UNREACHABLE("conv_dnnl: primitive kind");
  }

  std::mutex mutex_;
  std::vector<Entry> entries_;
  std::uint64_t clock_ = 0;
};

PrimitiveCache& cache() {
  cpu_engine();  // built first, so it is destroyed after the primitives made on it
  static PrimitiveCache instance;
  return instance;
}

// oneDNN reports failures as dnnl::error; with validated sizes the only one left is memory.
template <typename Fn>
void guarded(const Fn& fn) {
  try {
    fn();
  } catch (const dnnl::error& e) {
    if (e.status == dnnl_out_of_memory) throw std::bad_alloc();
    NNLAB_UNREACHABLE(std::string("conv_dnnl: oneDNN failed: ") + e.what());
  }
}

}  // namespace

void conv2d_forward_dnnl(const Conv2dGeometry& g, const float* x, const float* weight, const float* bias, float* out,
                         std::shared_ptr<const DnnlBuffer>* kept_input) {
  guarded([&] {
    const auto p = cache().get({g, Kind::forward, bias != nullptr});
    const auto& args = p->arguments;  // x, weight, [bias], out
    Execution run;
    if (kept_input != nullptr && args[0].reordered)
      *kept_input = run.input_kept(args[0], x);
    else
      run.input(args[0], x);
    run.input(args[1], weight);
    if (bias != nullptr) run.input(args[2], bias);
    run.output(args.back(), out);
    run.run(*p);
  });
}

void conv2d_backward_dnnl(const Conv2dGeometry& g, const float* dout, const float* weight, const float* x,
                          const DnnlBuffer* kept_input, float* dx, float* dweight, float* dbias) {
  NNLAB_DCHECK(dweight != nullptr || dbias == nullptr);
  guarded([&] {
    // Declared first: dout as backward-data read it may be reused by backward-weights.
    Execution data_run, weights_run;
    dnnl::memory dout_memory;
    if (dx != nullptr) {
      const auto p = cache().get({g, Kind::backward_data, false});
      const auto& args = p->arguments;  // dout, weight, dx
      dout_memory = data_run.input(args[0], dout);
      data_run.input(args[1], weight);
      data_run.output(args[2], dx);
      data_run.run(*p);
    }
    if (dweight == nullptr) return;
    const auto p = cache().get({g, Kind::backward_weights, dbias != nullptr});
    const auto& args = p->arguments;  // x, dout, dweight, [dbias]
    if (kept_input != nullptr)
      weights_run.input(args[0], kept_input->memory);
    else
      weights_run.input(args[0], x);
    if (dout_memory)
      weights_run.input(args[1], dout_memory);
    else
      weights_run.input(args[1], dout);
    weights_run.output(args[2], dweight);
    if (dbias != nullptr) weights_run.output(args[3], dbias);
    weights_run.run(*p);
  });
}

void conv2d_backward_data_dnnl(const Conv2dGeometry& g, const float* dout, const float* weight, float* dx) {
  conv2d_backward_dnnl(g, dout, weight, nullptr, nullptr, dx, nullptr, nullptr);
}

void conv2d_backward_weights_dnnl(const Conv2dGeometry& g, const float* x, const float* dout, float* dweight,
                                  float* dbias) {
  NNLAB_DCHECK(dweight != nullptr);
  conv2d_backward_dnnl(g, dout, nullptr, x, nullptr, nullptr, dweight, dbias);
}

std::size_t conv_dnnl_cache_size() { return cache().size(); }

}  // namespace nnlab::kernels::cpu
