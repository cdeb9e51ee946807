#!/usr/bin/env python3
"""Trains one experiment config with `nnlab train` and with its PyTorch twin (train_config.py)
for several seeds, and prints a Markdown table of their test accuracies.

  compare_accuracy.py CONFIG.toml [--seeds 0,1,2] [--nnlab build/nnlab] [--python PYTHON]
                      [--threads 2] [--set section.key=value ...] [--keep DIR]

For each seed both programs get the same config file: CONFIG with the overrides, `seed`,
`train.threads` and `out` (a temporary folder) written into it, so no command-line override is
needed. nnlab's result comes from summary.json in its run folder (the "run folder: <dir>" line),
the twin's from its final JSON line. Before training, the twin's resolved config (every key,
defaults included) is compared with the config.toml nnlab writes, and any difference is printed.
The twin runs under --python (default: this interpreter), which needs torch and numpy.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import twin_config  # noqa: E402  (beside this file; needs no torch)


class RunFailed(Exception):
    pass


def derived_config(path, overrides, seed, threads, out):
    """CONFIG's table with the overrides, seed, threads and output folder applied, as TOML text."""
    with open(path, "rb") as file:
        root = tomllib.load(file)
    for text in list(overrides) + [f"seed={seed}", f"train.threads={threads}", f"out={out}"]:
        twin_config.apply_override(root, text)
    twin_config.resolve(root)  # a bad config fails here, once, with the twin's message
    return twin_config.to_toml(root)


def run(command, what, cwd, log=None):
    """The command's stdout; RunFailed with its last lines when it fails. `log`: a file to keep both streams in."""
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if log is not None:
        with open(log, "w") as file:
            file.write(result.stdout + result.stderr)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise RunFailed(f"{what} exited with status {result.returncode}:\n{tail}")
    return result.stdout


def run_nnlab(binary, config_path, cwd):
    """(test accuracy, val accuracy, seconds, resolved config) from nnlab's run folder."""
    stdout = run([binary, "train", config_path], "nnlab train", cwd, config_path[:-len(".toml")] + ".nnlab.log")
    match = re.search(r"^run folder: (.+)$", stdout, re.MULTILINE)
    if match is None:
        raise RunFailed(f"nnlab train: expected a 'run folder: <dir>' line in its output, got:\n{stdout[-2000:]}")
    folder = os.path.join(cwd, match.group(1).strip())  # `out` is absolute, so this is too
    with open(os.path.join(folder, "summary.json")) as file:
        summary = json.load(file)
    with open(os.path.join(folder, "config.toml"), "rb") as file:
        config = tomllib.load(file)
    final = summary["final"]
    return final["test"]["accuracy"], final["val"]["accuracy"], summary["seconds"], config


def run_twin(python, config_path, cwd):
    """The twin's final JSON line."""
    stdout = run([python, os.path.join(HERE, "train_config.py"), config_path], "train_config.py", cwd,
                 config_path[:-len(".toml")] + ".torch.log")
    return json.loads(stdout.strip().splitlines()[-1])


def config_differences(twin, nnlab, prefix=""):
    """Keys whose values differ between the twin's resolved config and nnlab's config.toml."""
    differences = []
    for key in sorted(set(twin) | set(nnlab)):
        if prefix == "" and key == "out":
            continue
        a, b = twin.get(key), nnlab.get(key)
        if prefix == "model." and key == "layers" and a == [] and b is None:
            continue  # nnlab writes [[model.layers]] only when there are layers
        if isinstance(a, dict) and isinstance(b, dict):
            differences += config_differences(a, b, f"{prefix}{key}.")
        elif a != b:
            differences.append(f"{prefix}{key}: twin {a!r}, nnlab {b!r}")
    return differences


def twin_resolved(python, config_path, cwd):
    stdout = run([python, os.path.join(HERE, "train_config.py"), config_path, "--print-config"],
                 "train_config.py --print-config", cwd)
    return json.loads(stdout)


def table(rows):
    """Markdown: one row per seed, then the means; accuracies in %, differences in points;
    the mean difference on a line of its own."""
    lines = ["| seed | nnlab test acc | torch test acc | nnlab - torch (pp) | nnlab s | torch s |",
             "|-----:|---------------:|---------------:|-------------------:|--------:|--------:|"]
    for seed, nnlab, torch, nnlab_s, torch_s in rows:
        lines.append(f"| {seed} | {100 * nnlab:.2f}% | {100 * torch:.2f}% | {100 * (nnlab - torch):+.2f} | "
                     f"{nnlab_s:.1f} | {torch_s:.1f} |")
    mean = [statistics.fmean(row[i] for row in rows) for i in range(1, 5)]
    difference = 100 * (mean[0] - mean[1])  # equals the mean of the per-seed differences
    lines.append(f"| mean | {100 * mean[0]:.2f}% | {100 * mean[1]:.2f}% | {difference:+.2f} | "
                 f"{mean[2]:.1f} | {mean[3]:.1f} |")
    lines.append(f"\nmean difference (nnlab - torch): {difference:+.2f} percentage points")
    return "\n".join(lines)


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description="Compare nnlab train's test accuracy with its PyTorch twin's.")
    parser.add_argument("config", help="the experiment's TOML file")
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated seeds (default 0,1,2)")
    parser.add_argument("--nnlab", default=os.path.join("build", "nnlab"),
                        help="the nnlab binary (default build/nnlab)")
    parser.add_argument("--python", default=sys.executable, help="Python with torch for the twin (default: this one)")
    parser.add_argument("--threads", type=int, default=2, help="train.threads for both (default 2)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="override a config key for both, e.g. --set train.epochs=2 (repeatable)")
    parser.add_argument("--keep", metavar="DIR",
                        help="keep the configs, logs and run folders in DIR (default: a temp dir, removed)")
    args = parser.parse_args(argv)
    args.seeds = [int(seed) for seed in args.seeds.split(",") if seed.strip()]
    return args


def compare(args, work):
    binary = os.path.abspath(args.nnlab)
    here = os.getcwd()  # relative paths in the config (data.path) read as nnlab reads them
    rows = []
    for seed in args.seeds:
        config_path = os.path.join(work, f"seed-{seed}.toml")
        text = derived_config(args.config, args.overrides, seed, args.threads, os.path.join(work, "runs"))
        with open(config_path, "w") as file:
            file.write(text)
        print(f"seed {seed}: nnlab train ...", file=sys.stderr, flush=True)
        nnlab_test, _, nnlab_seconds, nnlab_config = run_nnlab(binary, config_path, here)
        for line in config_differences(twin_resolved(args.python, config_path, here), nnlab_config):
            print(f"seed {seed}: config differs: {line}", file=sys.stderr)
        print(f"seed {seed}: torch twin ...", file=sys.stderr, flush=True)
        twin = run_twin(args.python, config_path, here)
        rows.append((seed, nnlab_test, twin["test_accuracy"], nnlab_seconds, twin["seconds"]))
        print(f"seed {seed}: nnlab {100 * nnlab_test:.2f}%, torch {100 * twin['test_accuracy']:.2f}%",
              file=sys.stderr, flush=True)
    return rows


def main(argv):
    args = parse_arguments(argv)
    try:
        if args.keep:
            os.makedirs(args.keep, exist_ok=True)
            rows = compare(args, os.path.abspath(args.keep))
        else:
            with tempfile.TemporaryDirectory(prefix="compare-accuracy-") as work:
                rows = compare(args, work)
    except twin_config.ConfigError as error:
        print(f"compare_accuracy.py: {error}", file=sys.stderr)
        return 2
    except (RunFailed, OSError, KeyError, ValueError) as error:
        print(f"compare_accuracy.py: {error}", file=sys.stderr)
        return 1
    print(f"{args.config}, seeds {', '.join(str(s) for s in args.seeds)}, {args.threads} threads\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
