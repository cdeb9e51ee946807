"""The [model] section for the PyTorch twin: nnlab's mlp / logistic (src/nnlab/lab/experiment_model.cpp
and nn/builders.cpp: Flatten, then Linear -> [BatchNorm1d] -> activation -> [Dropout] per hidden
width, then the output Linear) and the cnn layer list ([[model.layers]], io/config.h's LayerConfig).
Parameter names equal nnlab's ("1.weight", "1.bias", ...), so freeze and lr_by_prefix prefixes match.
"""
import math

import torch
from torch import nn

from twin_config import ConfigError

ACTIVATIONS = {
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "leaky_relu": nn.LeakyReLU,  # negative_slope 0.01, as nnlab
    "elu": nn.ELU,               # alpha 1
    "gelu": nn.GELU,             # exact (erf), not the tanh approximation
}


def _initialise(layer, scheme, activation):
    """nnlab's init schemes: "default" keeps torch's U(±1/sqrt(fan_in)) draw; Xavier with gain 1;
    Kaiming with fan_in and relu's gain (leaky_relu's, slope 0.01, before a LeakyReLU); the
    non-default schemes zero the bias."""
    if scheme == "default":
        return
    leaky = activation == "leaky_relu"
    kaiming = {"a": 0.01 if leaky else 0.0, "mode": "fan_in", "nonlinearity": "leaky_relu" if leaky else "relu"}
    if scheme == "xavier_normal":
        nn.init.xavier_normal_(layer.weight)
    elif scheme == "xavier_uniform":
        nn.init.xavier_uniform_(layer.weight)
    elif scheme == "kaiming_normal":
        nn.init.kaiming_normal_(layer.weight, **kaiming)
    elif scheme == "kaiming_uniform":
        nn.init.kaiming_uniform_(layer.weight, **kaiming)
    else:
        raise ConfigError(f"[model] init: unknown scheme '{scheme}'")
    if layer.bias is not None:
        nn.init.zeros_(layer.bias)


def _mlp(config, in_features, outputs):
    logistic = config["type"] == "logistic"
    hidden = [] if logistic else config["hidden"]
    layers = [nn.Flatten()]
    width = in_features
    for size in hidden:
        layers.append(nn.Linear(width, size))
        _initialise(layers[-1], config["init"], config["activation"])
        if config["batchnorm"]:
            layers.append(nn.BatchNorm1d(size))
        layers.append(ACTIVATIONS[config["activation"]]())
        if config["dropout"] > 0:
            layers.append(nn.Dropout(config["dropout"]))
        width = size
    layers.append(nn.Linear(width, outputs))
    _initialise(layers[-1], config["init"], config["activation"])
    return nn.Sequential(*layers)


def _pool_output(size, kernel, stride, padding, dilation=1):
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _cnn_layer(spec, shape, number):
    """One [[model.layers]] entry as a torch module, given the example shape it receives
    ((C, H, W) or (F,)); returns (module, output shape). Raises ConfigError for a layer that
    does not fit its input."""
    kind = spec["type"]
    where = f"[[model.layers]] #{number} ({kind})"
    if kind in ACTIVATIONS:
        return ACTIVATIONS[kind](), shape
    if kind == "dropout":
        return nn.Dropout(spec["p"]), shape
    if kind == "flatten":
        return nn.Flatten(), (math.prod(shape),)
    if kind == "linear":
        if len(shape) != 1:
            raise ConfigError(f"{where}: expected flat features, got an example of shape {shape}; "
                              "add a flatten layer before it")
        return nn.Linear(shape[0], spec["out"], bias=spec["bias"]), (spec["out"],)
    if kind == "batchnorm":  # 2-d over channels after conv / pools, 1-d over features after linear / flatten
        return (nn.BatchNorm2d(shape[0]) if len(shape) == 3 else nn.BatchNorm1d(shape[0])), shape
    if len(shape) != 3:
        raise ConfigError(f"{where}: expected images (C, H, W), got an example of shape {shape}")
    channels, height, width = shape
    if kind == "adaptive_avgpool":
        return nn.AdaptiveAvgPool2d(spec["size"]), (channels, spec["size"], spec["size"])
    kernel, padding = spec["kernel"], spec["padding"]
    if kind == "conv":
        stride, dilation = spec["stride"] or 1, spec["dilation"]
        if channels % spec["groups"] or spec["out"] % spec["groups"]:
            raise ConfigError(f"{where} groups: expected a divisor of the in ({channels}) and out ({spec['out']}) "
                              f"channels, got {spec['groups']}")
        module = nn.Conv2d(channels, spec["out"], kernel, stride=stride, padding=padding, dilation=dilation,
                           groups=spec["groups"], bias=spec["bias"])
        out_channels = spec["out"]
    else:
        stride, dilation = spec["stride"] or kernel, 1
        if 2 * padding > kernel:
            raise ConfigError(f"{where} padding: expected at most half the kernel ({kernel}), got {padding}")
        pool = nn.MaxPool2d if kind == "maxpool" else nn.AvgPool2d
        module, out_channels = pool(kernel, stride=stride, padding=padding), channels
    out_shape = (out_channels, _pool_output(height, kernel, stride, padding, dilation),
                 _pool_output(width, kernel, stride, padding, dilation))
    if min(out_shape[1:]) < 1:
        raise ConfigError(f"{where}: an input of {shape} leaves an empty output {out_shape}")
    return module, out_shape


def _cnn(config, example_shape, outputs):
    layers, shape = [], tuple(example_shape)
    for number, spec in enumerate(config["layers"], start=1):
        module, shape = _cnn_layer(spec, shape, number)
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            # nnlab's cnn builder is not written yet; the twin applies [model] init as the mlp does.
            _initialise(module, config["init"], config["activation"])
        layers.append(module)
    if shape != (outputs,):
        raise ConfigError(f"[[model.layers]]: expected the last layer to give {outputs} outputs (one per class), "
                          f"got an example of shape {shape}")
    return nn.Sequential(*layers)


def build(config, example_shape, outputs):
    """The [model] section `config` (resolved) as an nn.Sequential in float32 or float64, its
    weights drawn from torch's global generator; `freeze` prefixes stop their parameters' gradients."""
    if config["type"] in ("mlp", "logistic"):
        model = _mlp(config, math.prod(example_shape), outputs)
    elif config["type"] == "cnn":
        model = _cnn(config, example_shape, outputs)
    else:
        raise ConfigError(f"[model] type: '{config['type']}' is not supported by the twin (mlp, logistic, cnn)")
    if config["init_from"]:
        raise ConfigError("[model] init_from: loading starting weights is not supported by the twin")
    for name, param in model.named_parameters():
        if any(name.startswith(prefix) for prefix in config["freeze"]):
            param.requires_grad_(False)
    return model.to(torch.float64 if config["dtype"] == "float64" else torch.float32)
