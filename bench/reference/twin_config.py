"""nnlab's experiment config for the PyTorch twin: the key tables of src/nnlab/io/config.h and
config_schema.cpp (defaults, types, bounds), `--set` overrides read as nnlab reads them, and a
TOML writer. No torch here, so compare_accuracy.py can use it with any Python 3.11.

A config resolves to nested dicts shaped like the config.toml that nnlab writes into a run
folder (every key, defaults included; a layer holds only the keys its type takes), so the two
can be compared key by key.
"""
import difflib
import json
import math
import tomllib
from dataclasses import dataclass


class ConfigError(Exception):
    """A bad or unsupported config: the twin prints it and exits with status 2."""


@dataclass(frozen=True)
class Rule:
    kind: str  # str, int, number, bool, ints, strs, rates (table of name -> number), layers
    choices: tuple = ()
    min: float = -math.inf
    min_open: bool = False
    max: float = math.inf
    max_open: bool = False
    count: bool = False       # number: a whole count >= 1 is allowed beside the bounds
    increasing: bool = False  # ints: strictly increasing
    non_empty: bool = False   # str, strs
    name_chars: bool = False  # str: [A-Za-z0-9._-]+


def _one_of(*choices):
    return Rule("str", choices=choices)


def _at_least(kind, low):
    return Rule(kind, min=low)


def _half_open(low, high):
    return Rule("number", min=low, max=high, max_open=True)


DATASETS = ("fashion-mnist", "mnist", "cifar10", "cifar100", "csv", "image-folder", "map", "spirals",
            "moons", "circles", "xor", "blobs", "function")
ACTIVATIONS = ("relu", "sigmoid", "tanh", "leaky_relu", "elu", "gelu")
LAYER_TYPES = ("conv", "maxpool", "avgpool", "adaptive_avgpool", "batchnorm") + ACTIVATIONS[:4] + (
    "gelu", "elu", "dropout", "flatten", "linear")

# section -> key -> (default, rule), in nnlab's order (config_schema.cpp's kKeys).
SCHEMA = {
    "": {
        "name": ("experiment", Rule("str", name_chars=True)),
        "seed": (0, _at_least("int", 0)),
        "out": ("runs", Rule("str", non_empty=True)),
    },
    "data": {
        "dataset": ("fashion-mnist", _one_of(*DATASETS)),
        "path": ("", Rule("str")),
        "samples": (1000, _at_least("int", 1)),
        "classes": (10, _at_least("int", 2)),
        "noise": (0.0, _at_least("number", 0)),
        "function": ("sinc", _one_of("sinc", "sin", "square")),
        "label_column": ("-1", Rule("str", non_empty=True)),
        "task": ("classification", _one_of("classification", "regression")),
        "validation": (0.1, Rule("number", min=0, max=1, max_open=True, count=True)),
        "test": (0.2, Rule("number", min=0, max=1, max_open=True, count=True)),
        "limit": (0, _at_least("int", 0)),
        "random_labels": (False, Rule("bool")),
        "normalize": ("dataset", _one_of("dataset", "computed", "none")),
        "image_size": (0, _at_least("int", 0)),
        "color": ("rgb", _one_of("rgb", "gray")),
    },
    "data.augment": {
        "flip": (False, Rule("bool")),
        "translate": (0, _at_least("int", 0)),
        "crop_padding": (0, _at_least("int", 0)),
    },
    "model": {
        "type": ("mlp", _one_of("mlp", "logistic", "cnn", "resnet18", "resnet34")),
        "hidden": ([128], _at_least("ints", 1)),
        "activation": ("relu", _one_of(*ACTIVATIONS)),
        "batchnorm": (False, Rule("bool")),
        "dropout": (0.0, _half_open(0, 1)),
        "init": ("default", _one_of("default", "xavier_normal", "xavier_uniform", "kaiming_normal",
                                    "kaiming_uniform")),
        "dtype": ("float32", _one_of("float32", "float64")),
        "small_images": (False, Rule("bool")),
        "init_from": ("", Rule("str")),
        "init_skip": ([], Rule("strs", non_empty=True)),
        "freeze": ([], Rule("strs", non_empty=True)),
        "layers": ([], Rule("layers")),
    },
    "optim": {
        "name": ("sgd", _one_of("sgd", "adam", "adamw", "rmsprop", "adagrad")),
        "lr": (0.01, Rule("number", min=0, min_open=True)),
        "momentum": (0.0, _half_open(0, 1)),
        "nesterov": (False, Rule("bool")),
        "weight_decay": (0.0, _at_least("number", 0)),
        "l1": (0.0, _at_least("number", 0)),
        "beta1": (0.9, _half_open(0, 1)),
        "beta2": (0.999, _half_open(0, 1)),
        "eps": (1e-8, Rule("number", min=0, min_open=True)),
        "alpha": (0.99, _half_open(0, 1)),
        "clip_grad_norm": (0.0, _at_least("number", 0)),
        "lr_by_prefix": ({}, Rule("rates", min=0, min_open=True)),
    },
    "schedule": {
        "name": ("none", _one_of("none", "step", "multistep", "exponential", "cosine", "plateau", "onecycle")),
        "step_size": (10, _at_least("int", 1)),
        "milestones": ([], Rule("ints", min=1, increasing=True)),
        "gamma": (0.1, Rule("number", min=0, min_open=True)),
        "min_lr": (0.0, _at_least("number", 0)),
        "warmup_epochs": (0, _at_least("int", 0)),
        "factor": (0.1, Rule("number", min=0, min_open=True, max=1, max_open=True)),
        "patience": (10, _at_least("int", 0)),
        "max_lr": (0.0, _at_least("number", 0)),
    },
    "train": {
        "epochs": (10, _at_least("int", 1)),
        "batch_size": (64, _at_least("int", 1)),
        "eval_batch_size": (1000, _at_least("int", 1)),
        "loss": ("auto", _one_of("auto", "cross_entropy", "mse", "l1", "bce", "multi_margin")),
        "label_smoothing": (0.0, _half_open(0, 1)),
        "shuffle": (True, Rule("bool")),
        "drop_last": (False, Rule("bool")),
        "early_stopping": (0, _at_least("int", 0)),
        "threads": (0, _at_least("int", 0)),
        "log_steps": (False, Rule("bool")),
        "checkpoint_every": (1, _at_least("int", 1)),
        "tensorboard": (True, Rule("bool")),
    },
}

# [[model.layers]] keys: key -> (default, rule, layer types it applies to (empty: all), required).
LAYER_SCHEMA = {
    "type": (None, _one_of(*LAYER_TYPES), (), True),
    "out": (0, _at_least("int", 1), ("conv", "linear"), True),
    "kernel": (3, _at_least("int", 1), ("conv", "maxpool", "avgpool"), False),
    "stride": (0, _at_least("int", 0), ("conv", "maxpool", "avgpool"), False),
    "padding": (0, _at_least("int", 0), ("conv", "maxpool", "avgpool"), False),
    "dilation": (1, _at_least("int", 1), ("conv",), False),
    "groups": (1, _at_least("int", 1), ("conv",), False),
    "bias": (True, Rule("bool"), ("conv", "linear"), False),
    "p": (0.5, _half_open(0, 1), ("dropout",), False),
    "size": (1, _at_least("int", 1), ("adaptive_avgpool",), False),
}


def _label(section, key):
    return key if not section else f"[{section}] {key}"


def _text(value):
    """A value as TOML writes it: "sgd", 0.05, true, [256, 128]."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_text(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _key(name):
    bare = name and all(c.isascii() and (c.isalnum() or c in "_-") for c in name)
    return name if bare else json.dumps(name, ensure_ascii=False)


def _bounds_ok(value, rule):
    if not math.isfinite(value):
        return False
    low = value > rule.min if rule.min_open else value >= rule.min
    high = value < rule.max if rule.max_open else value <= rule.max
    return low and high


def _expected(rule):
    bounds = ""
    if rule.min > -math.inf and rule.max < math.inf:
        bounds = f"in {'(' if rule.min_open else '['}{rule.min:g}, {rule.max:g}{')' if rule.max_open else ']'}"
    elif rule.min > -math.inf:
        bounds = f"{'>' if rule.min_open else '>='} {rule.min:g}"
    if rule.choices:
        return "one of " + ", ".join(rule.choices)
    if rule.count:
        return f"a fraction {bounds} or a whole count >= 1"
    noun = {"int": "an integer", "number": "a number", "ints": "integers"}.get(rule.kind, "a " + rule.kind)
    return f"{noun} {bounds}".strip()


def _check_scalar(value, rule, label):
    """Checks one value against a scalar rule; returns it (an int is taken where a number is due)."""
    kind = rule.kind
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{label}: expected a boolean, got {_text(value)}")
        return value
    if kind == "str":
        if not isinstance(value, str):
            raise ConfigError(f"{label}: expected a string, got {_text(value)}")
        if rule.choices and value not in rule.choices:
            close = difflib.get_close_matches(value, rule.choices, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ConfigError(f"{label}: expected {_expected(rule)}, got {_text(value)}{hint}")
        names_ok = value != "" and all(c.isascii() and (c.isalnum() or c in "._-") for c in value)
        if (rule.name_chars and not names_ok) or (rule.non_empty and value == ""):
            kind_text = "a name matching [A-Za-z0-9._-]+" if rule.name_chars else "a non-empty string"
            raise ConfigError(f"{label}: expected {kind_text}, got {_text(value)}")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{label}: expected an integer, got {_text(value)}")
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{label}: expected a number, got {_text(value)}")
    whole_count = rule.count and math.isfinite(value) and value >= 1 and float(value).is_integer()
    if not _bounds_ok(float(value), rule) and not whole_count:
        raise ConfigError(f"{label}: expected {_expected(rule)}, got {_text(value)}")
    return value


def _check_value(value, rule, label):
    if rule.kind in ("ints", "strs"):
        if not isinstance(value, list):
            raise ConfigError(f"{label}: expected an array, got {_text(value)}")
        element = Rule("int" if rule.kind == "ints" else "str", min=rule.min, non_empty=rule.non_empty)
        out = [_check_scalar(v, element, f"{label}[{i}]") for i, v in enumerate(value)]
        for i in range(1, len(out)):
            if rule.increasing and out[i] <= out[i - 1]:
                raise ConfigError(f"{label}[{i}]: expected an integer > {out[i - 1]} (the list must increase), "
                                  f"got {out[i]}")
        return out
    if rule.kind == "rates":
        if not isinstance(value, dict):
            raise ConfigError(f"{label}: expected a table of prefix = number, got {_text(value)}")
        number = Rule("number", min=rule.min, min_open=rule.min_open)
        for prefix in value:
            if prefix == "":
                raise ConfigError(f"{label}: expected a non-empty name prefix")
        return {prefix: _check_scalar(v, number, f"{label}.{_key(prefix)}") for prefix, v in value.items()}
    if rule.kind == "layers":
        if not isinstance(value, list):
            raise ConfigError(f"{label}: expected an array of tables, got {_text(value)}")
        return [_read_layer(table, i + 1) for i, table in enumerate(value)]
    return _check_scalar(value, rule, label)


def _read_layer(table, number):
    """One [[model.layers]] entry (numbered from 1) with the keys its type takes, defaults filled."""
    if not isinstance(table, dict):
        raise ConfigError(f"[[model.layers]] #{number}: expected a table, got {_text(table)}")
    if "type" not in table:
        raise ConfigError(f"[[model.layers]] #{number}: missing key 'type' ({_expected(LAYER_SCHEMA['type'][1])})")
    layer_type = _check_scalar(table["type"], LAYER_SCHEMA["type"][1], f"[[model.layers]] #{number} type")
    head = f"[[model.layers]] #{number} ({layer_type})"
    takes = [key for key, (_, _, types, _) in LAYER_SCHEMA.items() if not types or layer_type in types]
    layer = {}
    for key in takes:
        default, rule, _, required = LAYER_SCHEMA[key]
        if key in table:
            layer[key] = _check_scalar(table[key], rule, f"{head} {key}")
        elif required:
            raise ConfigError(f"{head}: missing key '{key}' ({_expected(rule)})")
        else:
            layer[key] = default
    for key in table:
        if key not in takes:
            raise ConfigError(f"{head}: unknown key '{key}' (known for {layer_type}: {', '.join(takes)})")
    return layer


def _section_table(root, section):
    table = root
    for part in section.split(".") if section else []:
        table = table.get(part, {})
        if not isinstance(table, dict):
            raise ConfigError(f"[{section}]: expected a table, got {_text(table)}")
    return table


def _children(section):
    """The sub-sections of `section` by their last name: "" -> data, model, ...; data -> augment."""
    parent = section + "." if section else ""
    depth = parent.count(".")
    return [s.split(".")[-1] for s in SCHEMA if s and s.count(".") == depth and s.startswith(parent)]


def _default(value):
    return json.loads(json.dumps(value))  # a fresh copy of lists and dicts


def resolve(root):
    """Checks a parsed TOML table (overrides applied) as nnlab does and fills every default.
    Returns {"name": ..., "data": {..., "augment": {...}}, ...}. Raises ConfigError."""
    # [probes] only observe a run (nnlab checks its keys); the twin trains without them.
    root = {key: value for key, value in root.items() if key != "probes"}
    config = {}
    for section, keys in SCHEMA.items():
        table = _section_table(root, section)
        target = config
        for part in section.split(".") if section else []:
            target = target.setdefault(part, {})
        for key, value in table.items():
            if key in keys:
                continue
            if key in _children(section):
                if not isinstance(value, dict):
                    child = f"{section}.{key}" if section else key
                    raise ConfigError(f"[{child}]: expected a table, got {_text(value)}")
                continue
            known = list(keys) + _children(section)
            close = difflib.get_close_matches(key, known, n=1)
            place = f"in [{section}]" if section else "at the top level"
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ConfigError(f"unknown key '{key}' {place} (known: {', '.join(known)}){hint}")
        for key, (default, rule) in keys.items():
            value = table[key] if key in table else _default(default)
            target[key] = _check_value(value, rule, _label(section, key))
    _check_combinations(config)
    return config


def _check_combinations(config):
    if config["model"]["type"] == "cnn" and not config["model"]["layers"]:
        raise ConfigError('[model] type = "cnn": expected its layers as [[model.layers]] tables, got none')
    if config["schedule"]["name"] == "multistep" and not config["schedule"]["milestones"]:
        raise ConfigError('[schedule] name = "multistep": expected milestones = [epoch, ...], got none')
    optim = config["optim"]
    if optim["name"] == "sgd" and optim["nesterov"] and optim["momentum"] == 0:
        raise ConfigError("[optim] nesterov = true: expected momentum > 0, got momentum = 0")


def _key_path(text, label):
    """'optim.lr_by_prefix."layer1.0"' -> ['optim', 'lr_by_prefix', 'layer1.0'], read as a TOML key."""
    try:
        table = tomllib.loads(f"{text} = 0")
    except tomllib.TOMLDecodeError:
        raise ConfigError(f"{label}: expected a key such as optim.lr before '=', got '{text}'") from None
    path = []
    while isinstance(table, dict) and len(table) == 1:
        name, table = next(iter(table.items()))
        path.append(name)
    return path


def apply_override(root, text):
    """Sets `section.key=value` in the parsed table `root` as nnlab's --set does: the value is
    read as a TOML value, else taken as a bare word; a key that holds a string takes the text."""
    label = f"--set {text}"
    if "=" not in text:
        raise ConfigError(f"{label}: expected section.key=value, got no '='")
    key_text, value_text = text.split("=", 1)
    path = _key_path(key_text.strip(), label)
    section = ".".join(path[:-1])
    spec = SCHEMA.get(section, {}).get(path[-1])
    string_key = spec is not None and spec[1].kind == "str"
    try:
        value = tomllib.loads(f"v = {value_text}")["v"]
        if string_key and not isinstance(value, str):
            value = value_text.strip()
    except tomllib.TOMLDecodeError:
        value = value_text.strip()
    table = root
    for i, part in enumerate(path[:-1]):
        table = table.setdefault(part, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{label}: {'.'.join(path[:i + 1])} holds {_text(table)}, not a table of keys")
    table[path[-1]] = value


def load(path, overrides=()):
    """Reads a TOML file, applies the overrides in order and resolves it. Raises ConfigError."""
    try:
        with open(path, "rb") as file:
            root = tomllib.load(file)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from None
    for text in overrides:
        apply_override(root, text)
    try:
        return resolve(root)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None


def to_toml(root):
    """A parsed (possibly partial) config table written back as TOML text nnlab can read."""
    lines = [f"{_key(k)} = {_text(v)}" for k, v in root.items() if not isinstance(v, dict)]

    def table(prefix, values):
        plain = {k: v for k, v in values.items() if not isinstance(v, dict) and not _is_tables(v)}
        lines.extend(["", f"[{prefix}]"] + [f"{_key(k)} = {_text(v)}" for k, v in plain.items()])
        for k, v in values.items():
            if _is_tables(v):
                for entry in v:
                    lines.extend(["", f"[[{prefix}.{_key(k)}]]"])
                    lines.extend(f"{_key(a)} = {_text(b)}" for a, b in entry.items())
            elif isinstance(v, dict):
                table(f"{prefix}.{_key(k)}", v)

    for name, values in root.items():
        if isinstance(values, dict):
            table(_key(name), values)
    return "\n".join(lines) + "\n"


def _is_tables(value):
    return isinstance(value, list) and value != [] and all(isinstance(v, dict) for v in value)
