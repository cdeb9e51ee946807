"""The [data] section for the PyTorch twin, in nnlab's order (src/nnlab/lab/experiment_data.cpp):
read -> split -> limit -> random labels -> normalise -> dtype; plus the training batches and
their augmentation. Random draws use the run's seed but not nnlab's generator, so the split,
the batch order and the augmentations are other draws from the same distributions.
"""
import gzip
import os
from dataclasses import dataclass

import numpy as np
import torch

from twin_config import ConfigError

FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"  # Debian's dataset-fashion-mnist package

# Pixels scaled to [0, 1]: the datasets' published mean and std (one channel each).
PUBLISHED_NORMALIZATION = {"fashion-mnist": (0.2860, 0.3530), "mnist": (0.1307, 0.3081)}


@dataclass
class Split:
    inputs: torch.Tensor   # (N, 1, 28, 28)
    targets: torch.Tensor  # (N) int64

    def __len__(self):
        return self.targets.shape[0]


@dataclass
class Data:
    train: Split
    val: Split
    test: Split
    classes: int
    source: str


def _idx_path(folder, name):
    """<folder>/<name>.gz when it exists, else <folder>/<name> (as nnlab's load_mnist)."""
    for path in (os.path.join(folder, name + ".gz"), os.path.join(folder, name)):
        if os.path.isfile(path):
            return path
    raise ConfigError(f"mnist: '{os.path.join(folder, name)}': expected a file named {name}.gz or {name}, "
                      "got neither")


def read_idx(path):
    """An IDX file (gzip-compressed or plain) of unsigned bytes as a numpy array of its shape."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as file:
        raw = file.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ConfigError(f"{path}: expected an IDX file of unsigned bytes (magic 0x0000 0x08 ..), got {raw[:4]!r}")
    rank = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(rank))
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank)
    if data.size != int(np.prod(shape)):
        raise ConfigError(f"{path}: expected {int(np.prod(shape))} values for shape {shape}, got {data.size}")
    return data.reshape(shape)


def load_mnist(folder, part):
    """part "train" or "t10k": inputs (N, 1, 28, 28) float32 pixel / 255, targets (N) int64."""
    images = read_idx(_idx_path(folder, f"{part}-images-idx3-ubyte"))
    labels = read_idx(_idx_path(folder, f"{part}-labels-idx1-ubyte"))
    if images.ndim != 3 or images.shape[1:] != (28, 28) or images.shape[0] != labels.shape[0]:
        raise ConfigError(f"mnist: {folder}: expected images (N, 28, 28) and N labels, got {images.shape} "
                          f"and {labels.shape}")
    inputs = torch.from_numpy(images.astype(np.float32) / np.float32(255)).unsqueeze(1)
    return Split(inputs, torch.from_numpy(labels.astype(np.int64)))


def _count(value, n):
    """A fraction in [0, 1) of n, or a whole count (nnlab's split_count)."""
    return int(round(value * n)) if value < 1 else int(value)


def _random_labels(split, classes, seed):
    generator = torch.Generator().manual_seed(seed)
    return Split(split.inputs, torch.randint(0, classes, (len(split),), generator=generator))


def _normalization(config, train):
    """(mean, std) per channel, or None for raw inputs."""
    if config["normalize"] == "none":
        return None
    if config["normalize"] == "dataset":
        return PUBLISHED_NORMALIZATION[config["dataset"]]
    # computed: fitted on the training split, population std; a constant channel gets std 1
    values = train.inputs.double()
    std = values.std(unbiased=False).item()
    return values.mean().item(), std if std > 0 else 1.0


def load(config, seed, dtype):
    """The [data] section `config` (resolved) made concrete: train / val / test splits."""
    folder = config["path"]
    if not folder:
        if config["dataset"] != "fashion-mnist":
            raise ConfigError(f"[data] path: dataset '{config['dataset']}' needs the folder of IDX files to read")
        folder = FASHION_MNIST_DIR
    everything, test = load_mnist(folder, "train"), load_mnist(folder, "t10k")
    n = len(everything)
    val_count = _count(config["validation"], n)
    if val_count >= n:
        raise ConfigError(f"[data] validation ({config['validation']}) takes {val_count} of the {n} training "
                          f"examples of '{config['dataset']}', leaving none to train on")
    # A seeded shuffle, then train and val cut off the front in that order, as nnlab's data::split.
    order = torch.from_numpy(np.random.default_rng(seed).permutation(n))
    train_rows, val_rows = order[:n - val_count], order[n - val_count:]
    if config["limit"] > 0:
        train_rows = train_rows[:config["limit"]]
    train = Split(everything.inputs[train_rows], everything.targets[train_rows])
    val = Split(everything.inputs[val_rows], everything.targets[val_rows])
    if config["random_labels"]:  # other seeds per split, as nnlab: no split's labels predict another's
        train, val, test = (_random_labels(s, 10, seed + k) for k, s in enumerate((train, val, test), start=1))
    stats = _normalization(config, train)
    splits = []
    for split in (train, val, test):
        inputs = split.inputs if stats is None else (split.inputs - stats[0]) / stats[1]
        splits.append(Split(inputs.to(dtype), split.targets))
    return Data(*splits, classes=10, source=folder)


class Batches:
    """Mini-batches of a Split for one epoch at a time: a new seeded order every epoch (unless
    shuffle is off), the last short batch dropped or kept, then the augmentation."""

    def __init__(self, split, batch_size, shuffle, drop_last, seed, augment):
        self.split, self.batch_size, self.shuffle, self.drop_last = split, batch_size, shuffle, drop_last
        self.augment = augment
        self.order_generator = torch.Generator().manual_seed(seed)
        self.augment_generator = torch.Generator().manual_seed(seed + 0x5EED)
        n = len(split)
        self.count = n // batch_size if drop_last else (n + batch_size - 1) // batch_size

    def __len__(self):
        return self.count

    def __iter__(self):
        n = len(self.split)
        order = torch.randperm(n, generator=self.order_generator) if self.shuffle else torch.arange(n)
        for b in range(self.count):
            rows = order[b * self.batch_size:(b + 1) * self.batch_size]
            yield self._augmented(self.split.inputs[rows]), self.split.targets[rows]

    def _augmented(self, images):
        flip, translate, crop_padding = (self.augment[k] for k in ("flip", "translate", "crop_padding"))
        if flip:  # torchvision's RandomHorizontalFlip(0.5), one draw per example
            mirror = torch.rand(images.shape[0], generator=self.augment_generator) < 0.5
            images = torch.where(mirror[:, None, None, None], images.flip(-1), images)
        if translate > 0:  # a shift by (dy, dx) in [-t, t]^2 is a crop at (t - dy, t - dx) of the padded image
            images = _random_crop(images, translate, self.augment_generator)
        if crop_padding > 0:  # torchvision's RandomCrop(size, padding)
            images = _random_crop(images, crop_padding, self.augment_generator)
        return images


def _random_crop(images, padding, generator):
    """Each image zero-padded by `padding` on every side, then an H x W window at a uniform
    position in [0, 2 * padding]^2: (N, C, H, W) -> (N, C, H, W)."""
    n, _, height, width = images.shape
    padded = torch.nn.functional.pad(images, (padding, padding, padding, padding))
    top = torch.randint(0, 2 * padding + 1, (n,), generator=generator)
    left = torch.randint(0, 2 * padding + 1, (n,), generator=generator)
    rows = (top[:, None] + torch.arange(height))[:, None, :, None]   # (N, 1, H, 1)
    cols = (left[:, None] + torch.arange(width))[:, None, None, :]   # (N, 1, 1, W)
    batch = torch.arange(n)[:, None, None, None]
    channels = torch.arange(images.shape[1])[None, :, None, None]
    return padded[batch, channels, rows, cols]
