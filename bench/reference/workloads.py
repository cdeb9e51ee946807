#!/usr/bin/python3
"""The training jobs of WORKLOADS.md in PyTorch: the reference side of bench_workloads.

    workloads.py W2 [--steps N] [--threads N]   every variant of W2, one JSON line each
    workloads.py W3/b16                          one variant
    workloads.py sgemm [--size 4096]             GFLOP/s of one large float32 matrix product

Each line has the fields of bench_workloads' lines, with "impl": "torch". Same models,
initialisation schemes, optimisers, batch sizes and step counts as bench/workloads/*.cpp;
data are in memory as float tensors and reshuffled every epoch; 20 untimed warm-up steps,
then the timed ones (forward, loss, backward, optimiser step, batching).

PyTorch is run at its best (WORKLOADS.md): every core in torch's own pool
(torch.set_num_threads), zero_grad(set_to_none=True), and the environment that
bench/compare.py sets (OPENBLAS_NUM_THREADS=1, OPENBLAS_CORETYPE unset, glibc malloc
thresholds raised) for the tuned runs.
"""
import argparse
import gzip
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

WARMUP_STEPS = 20
FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"
MAP_POINTS = 106_897


class Batches:
    """Mini-batches of in-memory tensors, a new random order every epoch (one gather per batch)."""

    def __init__(self, x, y, batch_size, drop_last, generator):
        self.x, self.y, self.batch_size, self.generator = x, y, batch_size, generator
        n = x.shape[0]
        self.count = n // batch_size if drop_last else -(-n // batch_size)
        self.position = self.count  # start a new epoch on the first call

    def next(self):
        if self.position == self.count:
            self.order = torch.randperm(self.x.shape[0], generator=self.generator)
            self.position = 0
        index = self.order[self.position * self.batch_size:(self.position + 1) * self.batch_size]
        self.position += 1
        return self.x.index_select(0, index), self.y.index_select(0, index)


def time_training(steps, step, warmup=WARMUP_STEPS):
    """`warmup` untimed steps (WORKLOADS.md's 20 unless a workload says otherwise), then `steps`
    timed ones; returns the result fields."""
    for _ in range(warmup):
        step()
    samples = 0
    loss = None
    start = time.perf_counter()
    for _ in range(steps):
        loss, count = step()
        samples += count
    seconds = time.perf_counter() - start
    return dict(steps=steps, samples=samples, seconds=seconds, final_loss=loss.item() if loss is not None else 0.0)


def train_supervised(model, optimizer, x, y, batch_size, loss_fn, steps, seed, drop_last=False,
                     warmup=WARMUP_STEPS):
    model.train()
    batches = Batches(x, y, batch_size, drop_last, torch.Generator().manual_seed(seed))

    def step():
        inputs, targets = batches.next()
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        return loss, inputs.shape[0]

    result = time_training(steps, step, warmup)
    result["batch"] = batch_size
    return result


def read_idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def fashion_mnist_flat():
    """(60000, 784) float32, pixels / 255 normalised with mean 0.2860 and std 0.3530; labels int64."""
    images = read_idx(os.path.join(FASHION_MNIST_DIR, "train-images-idx3-ubyte.gz"), 16).reshape(-1, 784)
    labels = read_idx(os.path.join(FASHION_MNIST_DIR, "train-labels-idx1-ubyte.gz"), 8)
    x = (torch.from_numpy(images.astype(np.float32)) / 255.0 - 0.2860) / 0.3530
    return x.contiguous(), torch.from_numpy(labels.astype(np.int64))


def fashion_mnist_images():
    """The same images as (60000, 1, 28, 28) float32 (W4, W5)."""
    x, y = fashion_mnist_flat()
    return x.reshape(-1, 1, 28, 28).contiguous(), y


def mlp(sizes, activation, batchnorm=False):
    """Linear -> [BatchNorm1d] -> activation per hidden size, then the output Linear."""
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            if batchnorm:
                layers.append(nn.BatchNorm1d(n_out))
            layers.append(activation())
    return nn.Sequential(*layers)


def init_linears(model, weight_init):
    for layer in model:
        if isinstance(layer, nn.Linear):
            weight_init(layer.weight)
            nn.init.zeros_(layer.bias)


def mlp_sigmoid(variant, steps, seed):  # W1
    x, y = fashion_mnist_flat()
    model = mlp([784, 30, 10], nn.Sigmoid)
    init_linears(model, nn.init.xavier_normal_)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    return train_supervised(model, optimizer, x, y, 10, F.cross_entropy, steps or 6000, seed)


def mlp_deep(variant, steps, seed):  # W2
    x, y = fashion_mnist_flat()
    model = mlp([784, 512, 256, 128, 64, 10], nn.ReLU)
    init_linears(model, lambda w: nn.init.kaiming_uniform_(w, nonlinearity="relu"))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
    return train_supervised(model, optimizer, x, y, 64, F.cross_entropy, steps or 938, seed)


def map_clusters(n, classes, generator):
    """10 Gaussian clusters (stddev 0.15) around centres uniform in [-1, 1]^2; point i has class i % classes."""
    centres = torch.rand(classes, 2, generator=generator) * 2 - 1
    labels = torch.arange(n) % classes
    points = centres[labels] + 0.15 * torch.randn(n, 2, generator=generator)
    return points.contiguous(), labels


def mlp2d_bn(variant, steps, seed):  # W3
    batch = {"b1": 1, "b16": 16, "b128": 128, "b1024": 1024}[variant]
    x, y = map_clusters(MAP_POINTS, 10, torch.Generator().manual_seed(seed))
    # A batch of one has no variance to normalise: that run drops BatchNorm.
    model = mlp([2] + [16] * 6 + [10], nn.ReLU, batchnorm=batch > 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    epoch_steps = 20_000 if batch == 1 else MAP_POINTS // batch
    return train_supervised(model, optimizer, x, y, batch, F.cross_entropy, steps or epoch_steps, seed,
                            drop_last=True)


def conv_relu(n_in, n_out):
    return [nn.Conv2d(n_in, n_out, kernel_size=3, padding=1), nn.ReLU()]


def cnn_shallow(variant, steps, seed):  # W4
    x, y = fashion_mnist_images()
    model = nn.Sequential(*conv_relu(1, 32), nn.MaxPool2d(2), *conv_relu(32, 64), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    return train_supervised(model, optimizer, x, y, 128, F.cross_entropy, steps or 200, seed)


def cnn_deep(variant, steps, seed):  # W5
    x, y = fashion_mnist_images()
    model = nn.Sequential(*conv_relu(1, 16), *conv_relu(16, 32), nn.MaxPool2d(2),
                          *conv_relu(32, 32), *conv_relu(32, 64), nn.MaxPool2d(2),
                          *conv_relu(64, 64), *conv_relu(64, 64), nn.MaxPool2d(2),  # 7x7 -> 3x3
                          nn.Flatten(), nn.Linear(64 * 3 * 3, 64), nn.ReLU(), nn.Linear(64, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    return train_supervised(model, optimizer, x, y, 128, F.cross_entropy, steps or 200, seed)


def sinc(variant, steps, seed):  # W6
    x = torch.linspace(-2.0, 2.0, 1000, dtype=torch.float64)
    t = 5 * math.pi * x
    y = torch.where(t == 0, torch.ones_like(t), torch.sin(t) / t)
    x, y = x.float().reshape(-1, 1), y.float().reshape(-1, 1)
    model = mlp([1, 50, 50, 1], nn.ReLU)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    return train_supervised(model, optimizer, x, y, 1000, F.mse_loss, steps or 3000, seed)


def rosenbrock(variant, steps, seed):  # W7
    p = torch.tensor([-4.0, -2.0], dtype=torch.float64, requires_grad=True)
    optimizer = {
        "gd": lambda: torch.optim.SGD([p], lr=1e-4),
        "momentum": lambda: torch.optim.SGD([p], lr=1e-4, momentum=0.9),
        "adam": lambda: torch.optim.Adam([p], lr=1e-4, betas=(0.9, 0.99)),
    }[variant]()

    def step():
        optimizer.zero_grad(set_to_none=True)
        x, y = p[0], p[1]
        loss = (1.0 - x).square() + 100.0 * (y - x.square()).square()
        loss.backward()
        optimizer.step()
        return loss, 1

    result = time_training(steps or 100_000, step)
    result["batch"] = 1
    return result


# torchvision's ResNet-18 (torchvision is not installed here): the copy that the parity
# fixture uses, with torchvision's module names and initialisation.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures"))
from gen_resnet import resnet18 as torchvision_resnet18  # noqa: E402


RESNET_EXAMPLES = 1024  # 32 batches of 32: the timed steps cross epochs like the others'
RESNET_WARMUP_STEPS = 3  # fewer than the spec's 20: a step takes about a second on two cores


def resnet18(variant, steps, seed):  # W8
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(RESNET_EXAMPLES, 3, 64, 64, generator=generator)
    y = torch.randint(0, 2, (RESNET_EXAMPLES,), generator=generator)
    model = torchvision_resnet18(num_classes=2)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    return train_supervised(model, optimizer, x, y, 32, F.cross_entropy, steps or 20, seed,
                            warmup=RESNET_WARMUP_STEPS)


def linear_cifar(variant, steps, seed):  # W9
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(10_000, 3 * 32 * 32, generator=generator)
    y = torch.randint(0, 10, (10_000,), generator=generator)
    model = nn.Linear(3 * 32 * 32, 10)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)

    def loss_fn(outputs, targets):  # cross-entropy + L2 on the weight (lambda 1e-3)
        return F.cross_entropy(outputs, targets) + 1e-3 * model.weight.square().sum()

    return train_supervised(model, optimizer, x, y, 100, loss_fn, steps or 1000, seed)


# id -> (name, variants, function); the same table as bench_workloads' registry.
WORKLOADS = {
    "W1": ("mlp-sigmoid", [""], mlp_sigmoid),
    "W2": ("mlp-deep", [""], mlp_deep),
    "W3": ("mlp2d-bn", ["b1", "b16", "b128", "b1024"], mlp2d_bn),
    "W4": ("cnn-shallow", [""], cnn_shallow),
    "W5": ("cnn-deep", [""], cnn_deep),
    "W6": ("sinc", [""], sinc),
    "W7": ("rosenbrock", ["gd", "momentum", "adam"], rosenbrock),
    "W8": ("resnet18", [""], resnet18),
    "W9": ("linear-cifar", [""], linear_cifar),
}


def json_number(value):
    return value if math.isfinite(value) else None


def start_peak_rss():
    """Restarts the kernel's resident high-water mark (VmHWM), as bench_workloads does per variant."""
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def peak_rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1e3  # "VmHWM:  123456 kB"
    return None


def blas_library():
    """Which BLAS torch's CPU matrix products go through: "openblas", "mkl", "blis", or
    "reference" for netlib's libblas3 (unoptimised: some installs pick it by default)."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "/" in line}
    names = " ".join(os.path.basename(p) for p in paths).lower()
    for kind in ("openblas", "mkl", "blis"):
        if kind in names:
            return kind
    return "reference" if "libblas.so" in names else "unknown"


def run_sgemm(size):
    """Best of three n^3 products after a warm-up. netlib's reference BLAS would take minutes
    at n = 4096, so with it the product is 1024^3 and flagged (not a peak)."""
    blas = blas_library()
    if blas == "reference":
        size = min(size, 1024)
    a, b = torch.randn(size, size), torch.randn(size, size)
    best = math.inf
    for i in range(4):
        start = time.perf_counter()
        torch.mm(a, b)
        seconds = time.perf_counter() - start
        if i > 0:
            best = min(best, seconds)
    line = dict(workload="sgemm", impl="torch", size=size, seconds=best, gflops=2.0 * size ** 3 / best / 1e9,
                threads=torch.get_num_threads(), blas=blas)
    if blas == "reference":
        line["reference_blas"] = True
    print(json.dumps(line), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("target", help="W<n>, W<n>/<variant> or sgemm")
    parser.add_argument("--steps", type=int, default=None, help="timed steps (default: the workload's own)")
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", type=int, default=4096, help="sgemm: the matrix size")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    if args.target == "sgemm":
        run_sgemm(args.size)
        return 0
    workload_id, _, only = args.target.partition("/")
    if workload_id not in WORKLOADS:
        parser.error(f"unknown workload '{workload_id}' (known: {', '.join(WORKLOADS)})")
    name, variants, run = WORKLOADS[workload_id]
    blas = blas_library()
    if only:
        if only not in variants:
            parser.error(f"workload {workload_id} has no variant '{only}' (known: {', '.join(variants)})")
        variants = [only]
    for variant in variants:
        start_peak_rss()
        result = run(variant, args.steps, args.seed)
        line = dict(workload=workload_id)
        if variant:
            line["variant"] = variant
        line.update(name=name, impl="torch", batch=result["batch"], steps=result["steps"], samples=result["samples"],
                    seconds=result["seconds"], samples_per_s=result["samples"] / result["seconds"],
                    final_loss=json_number(result["final_loss"]), threads=torch.get_num_threads(), blas=blas,
                    peak_rss_mb=peak_rss_mb())
        print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
