#!/usr/bin/python3
"""W7 as a course writes it without a framework: a plain numpy loop with the analytic gradient.

    rosenbrock_numpy.py [W7 | W7/gd | W7/momentum | W7/adam] [--steps N]

The second reference of W7 (WORKLOADS.md): the same function, start, learning rate, optimiser
rules (PyTorch's SGD momentum and Adam update formulas) and step count as bench_workloads W7,
20 untimed warm-up steps, then the timed ones. One JSON line per optimiser, with the fields of
bench_workloads' lines and "impl": "numpy".
"""
import argparse
import json
import sys
import time

import numpy as np

LR = 1e-4
WARMUP_STEPS = 20


def value_and_grad(p):
    x, y = p
    value = (1 - x) ** 2 + 100 * (y - x * x) ** 2
    grad = np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
    return value, grad


def make_update(variant):
    """The optimiser as a function (p, grad, step number from 1) -> None, updating p in place."""
    velocity, exp_avg, exp_avg_sq = np.zeros(2), np.zeros(2), np.zeros(2)
    beta1, beta2, eps = 0.9, 0.99, 1e-8

    def gd(p, grad, _):
        p -= LR * grad

    def momentum(p, grad, _):
        velocity[:] = 0.9 * velocity + grad
        p -= LR * velocity

    def adam(p, grad, t):
        exp_avg[:] = beta1 * exp_avg + (1 - beta1) * grad
        exp_avg_sq[:] = beta2 * exp_avg_sq + (1 - beta2) * grad * grad
        denom = np.sqrt(exp_avg_sq / (1 - beta2 ** t)) + eps
        p -= LR / (1 - beta1 ** t) * exp_avg / denom

    return {"gd": gd, "momentum": momentum, "adam": adam}[variant]


def run(variant, steps):
    p = np.array([-4.0, -2.0])
    update = make_update(variant)
    for t in range(1, WARMUP_STEPS + 1):
        _, grad = value_and_grad(p)
        update(p, grad, t)
    start = time.perf_counter()
    for t in range(WARMUP_STEPS + 1, WARMUP_STEPS + steps + 1):
        value, grad = value_and_grad(p)
        update(p, grad, t)
    seconds = time.perf_counter() - start
    return dict(workload="W7", variant=variant, name="rosenbrock", impl="numpy", batch=1, steps=steps,
                samples=steps, seconds=seconds, samples_per_s=steps / seconds, final_loss=float(value), threads=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("target", nargs="?", default="W7", choices=["W7", "W7/gd", "W7/momentum", "W7/adam"],
                        help="every optimiser (W7, the default) or one")
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=1, help="ignored: the loop is single-threaded")
    args = parser.parse_args()
    only = args.target.partition("/")[2]
    for variant in [only] if only else ["gd", "momentum", "adam"]:
        print(json.dumps(run(variant, args.steps)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
