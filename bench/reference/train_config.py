#!/usr/bin/env python3
"""The PyTorch twin of `nnlab train CONFIG.toml`: the same experiment, built and trained with
torch the way nnlab does it (src/nnlab/lab/experiment*.cpp, train/trainer.cpp), to check that
nnlab reaches the accuracy PyTorch reaches on the same config.

Per epoch: the training batches in a new shuffled order, in train mode, with the running
(example-weighted) loss and accuracy; then validation and test in eval mode without gradients;
then the schedule steps. One line per epoch, then one JSON line:
  {"test_accuracy": ..., "val_accuracy": ..., "train_loss": ..., "seconds": ..., ...}

  train_config.py CONFIG.toml [--set section.key=value ...] [--seed N] [--threads N] [--print-config]

Needs torch (1.13 or later) and numpy. Keys the twin cannot reproduce (other datasets, resnet,
init_from) end the run with a message and exit status 2, as a bad config does; a loss that
becomes NaN or infinite ends it with status 1.
"""
import argparse
import json
import math
import sys
import time
import warnings

import torch

import twin_config
import twin_data
import twin_model
import twin_optim
from twin_config import ConfigError

SUPPORTED_DATASETS = ("fashion-mnist", "mnist")


def check_supported(config):
    """Rejects the settings the twin does not reproduce (a ConfigError, exit status 2)."""
    dataset = config["data"]["dataset"]
    if dataset not in SUPPORTED_DATASETS:
        raise ConfigError(f"[data] dataset: the twin reads {' and '.join(SUPPORTED_DATASETS)}, got '{dataset}'")
    if config["model"]["type"] not in ("mlp", "logistic", "cnn"):
        raise ConfigError(f"[model] type: the twin builds mlp, logistic and cnn, got '{config['model']['type']}'")
    if config["model"]["init_from"]:
        raise ConfigError("[model] init_from: the twin cannot load starting weights; remove the key")


def evaluate(model, split, loss_fn, batch_size):
    """(mean loss, accuracy) over a split in eval mode, or (nan, nan) for an empty split."""
    n = len(split)
    if n == 0:
        return math.nan, math.nan
    was_training = model.training
    model.eval()
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for start in range(0, n, batch_size):
            inputs = split.inputs[start:start + batch_size]
            targets = split.targets[start:start + batch_size]
            outputs = model(inputs)
            loss_sum += loss_fn(outputs, targets).item() * targets.shape[0]
            correct += (outputs.argmax(1) == targets).sum().item()
    model.train(was_training)
    return loss_sum / n, correct / n


class Run:
    """One experiment: data, model, optimiser, schedule and objective built from a resolved config."""

    def __init__(self, config):
        self.config = config
        train = config["train"]
        torch.manual_seed(config["seed"])  # weight draws and dropout masks
        dtype = torch.float64 if config["model"]["dtype"] == "float64" else torch.float32
        self.data = twin_data.load(config["data"], config["seed"], dtype)
        self.model = twin_model.build(config["model"], tuple(self.data.train.inputs.shape[1:]), self.data.classes)
        self.optimizer = twin_optim.build_optimizer(config["optim"], self.model)
        self.batches = twin_data.Batches(self.data.train, train["batch_size"], train["shuffle"], train["drop_last"],
                                         config["seed"], config["data"]["augment"])
        if len(self.batches) == 0:
            raise ConfigError(f"[train] batch_size: {train['batch_size']} with drop_last leaves no batch of the "
                              f"{len(self.data.train)} training examples")
        self.schedule = twin_optim.Schedule(config["schedule"], self.optimizer, config["optim"]["lr"],
                                            train["epochs"], len(self.batches))
        self.loss_fn = twin_optim.objective(train["loss"], train["label_smoothing"], self.data.classes)
        self.trainable = [p for p in self.model.parameters() if p.requires_grad]
        self.steps = 0

    def train_epoch(self, epoch):
        """(mean loss, accuracy) of the epoch's batches, or raises FloatingPointError."""
        optim = self.config["optim"]
        self.model.train()
        loss_sum, correct, seen = 0.0, 0, 0
        for index, (inputs, targets) in enumerate(self.batches):
            outputs = self.model(inputs)
            loss = self.loss_fn(outputs, targets)
            value = loss.item()
            if not math.isfinite(value):
                raise FloatingPointError(f"loss became {value} at epoch {epoch}, batch {index + 1} of "
                                         f"{len(self.batches)} (step {self.steps + 1})")
            loss.backward()
            if optim["clip_grad_norm"] > 0:
                torch.nn.utils.clip_grad_norm_(self.trainable, optim["clip_grad_norm"])
            if optim["l1"] > 0 and optim["name"] == "sgd":
                twin_optim.add_l1_gradient(self.optimizer, optim["l1"])
            self.steps += 1
            self.optimizer.step()
            self.optimizer.zero_grad()
            self.schedule.step_end()
            loss_sum += value * targets.shape[0]
            correct += (outputs.argmax(1) == targets).sum().item()
            seen += targets.shape[0]
        return loss_sum / seen, correct / seen

    def fit(self):
        """Trains for train.epochs (or until early stopping); returns the summary dict."""
        train = self.config["train"]
        epochs, patience = train["epochs"], train["early_stopping"]
        start = time.perf_counter()
        record, stop_reason, message = {}, "completed", ""
        best, since_best = math.inf, 0
        for epoch in range(1, epochs + 1):
            epoch_start = time.perf_counter()
            lr = self.optimizer.param_groups[0]["lr"]
            try:
                train_loss, train_accuracy = self.train_epoch(epoch)
            except FloatingPointError as error:
                stop_reason, message = "non_finite_loss", str(error)
                break
            val_loss, val_accuracy = evaluate(self.model, self.data.val, self.loss_fn, train["eval_batch_size"])
            test_loss, test_accuracy = evaluate(self.model, self.data.test, self.loss_fn, train["eval_batch_size"])
            record = {"epoch": epoch, "train_loss": train_loss, "train_accuracy": train_accuracy, "val_loss": val_loss,
                      "val_accuracy": val_accuracy, "test_loss": test_loss, "test_accuracy": test_accuracy}
            print(epoch_line(record, epochs, lr, time.perf_counter() - epoch_start), flush=True)
            monitored = val_loss if len(self.data.val) > 0 else train_loss
            self.schedule.epoch_end(monitored)
            if monitored < best:
                best, since_best = monitored, 0
            elif patience > 0:
                since_best += 1
                if since_best >= patience:
                    stop_reason, message = "early_stopping", f"no lower loss for {patience} epochs"
                    break
        return summary(record, stop_reason, message, time.perf_counter() - start, self)


def _percent(value):
    return "-" if math.isnan(value) else f"{100 * value:.2f}%"


def epoch_line(record, epochs, lr, seconds):
    """nnlab's progress line: epoch 1/10  train loss 0.5123 acc 81.20%  val loss ...  lr 0.05  3.1 s"""
    parts = [f"epoch {record['epoch']}/{epochs}",
             f"train loss {record['train_loss']:.4f} acc {_percent(record['train_accuracy'])}"]
    for split in ("val", "test"):
        if not math.isnan(record[f"{split}_loss"]):
            parts.append(f"{split} loss {record[f'{split}_loss']:.4f} acc {_percent(record[f'{split}_accuracy'])}")
    parts += [f"lr {lr:.6g}", f"{seconds:.1f} s"]
    return "  ".join(parts)


def summary(record, stop_reason, message, seconds, run):
    def number(key):
        value = record.get(key, math.nan)
        return None if math.isnan(value) else value

    return {"test_accuracy": number("test_accuracy"), "val_accuracy": number("val_accuracy"),
            "train_loss": number("train_loss"), "seconds": round(seconds, 3),
            "train_accuracy": number("train_accuracy"), "val_loss": number("val_loss"),
            "test_loss": number("test_loss"), "epochs_completed": record.get("epoch", 0), "steps": run.steps,
            "stop_reason": stop_reason, "message": message,
            "parameters": sum(p.numel() for p in run.model.parameters()),
            "examples": {"train": len(run.data.train), "val": len(run.data.val), "test": len(run.data.test)}}


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description="Train an nnlab experiment config with PyTorch (nnlab train's twin).")
    parser.add_argument("config", help="the experiment's TOML file")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="override a config key, e.g. --set optim.lr=0.01 (repeatable)")
    parser.add_argument("--seed", help="the run's seed (config key `seed`)")
    parser.add_argument("--threads", help="threads to use, 0 = torch's default (config key `train.threads`)")
    parser.add_argument("--print-config", action="store_true",
                        help="print the resolved config (every key, defaults included) as JSON and exit")
    args = parser.parse_args(argv)
    if args.seed is not None:
        args.overrides.append(f"seed={args.seed}")
    if args.threads is not None:
        args.overrides.append(f"train.threads={args.threads}")
    return args


def main(argv):
    args = parse_arguments(argv)
    try:
        config = twin_config.load(args.config, args.overrides)
        if args.print_config:
            print(json.dumps(config, indent=2))
            return 0
        check_supported(config)
        if config["train"]["threads"] > 0:
            torch.set_num_threads(config["train"]["threads"])
        print(f"torch twin {args.config}: {config['model']['type']} on {config['data']['dataset']}, "
              f"{config['train']['epochs']} epochs (torch {torch.__version__}, {torch.get_num_threads()} threads)",
              flush=True)
        run = Run(config)
        # SequentialLR (warm-up, then a schedule) calls the second schedule's step(0), which torch
        # warns is deprecated: harmless here, and noise in the log.
        warnings.filterwarnings("ignore", category=UserWarning, module="torch.optim.lr_scheduler")
        result = run.fit()
    except ConfigError as error:
        print(f"train_config.py: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result), flush=True)
    if result["stop_reason"] == "non_finite_loss":
        print(f"train_config.py: training stopped: {result['message']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
