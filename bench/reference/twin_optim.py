"""The [optim] and [schedule] sections and train.loss for the PyTorch twin, with torch's own
classes (src/nnlab/lab/experiment_optim.cpp, train/objective.cpp): each nnlab optimiser and
schedule follows a torch.optim class of the same name, so the twin simply uses that class.
"""
import torch
from torch.nn import functional as F

from twin_config import ConfigError


def parameter_groups(config, model):
    """One group per [optim.lr_by_prefix] entry (first matching prefix wins), then the rest at
    optim.lr; frozen parameters are left out, as nnlab's parameter_groups."""
    prefixes = list(config["lr_by_prefix"].items())
    groups = [{"params": [], "lr": lr} for _, lr in prefixes] + [{"params": []}]
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        index = next((g for g, (prefix, _) in enumerate(prefixes) if name.startswith(prefix)), len(prefixes))
        groups[index]["params"].append(param)
    if not any(group["params"] for group in groups):
        raise ConfigError("[model] freeze: every parameter is frozen, so there is nothing to train")
    for (prefix, _), group in zip(prefixes, groups):
        if not group["params"]:
            raise ConfigError(f"[optim.lr_by_prefix] '{prefix}': no trainable parameter name starts with it")
    return groups if groups[-1]["params"] else groups[:-1]


def build_optimizer(config, model):
    groups = parameter_groups(config, model)
    name, lr, decay = config["name"], config["lr"], config["weight_decay"]
    if name == "sgd":
        return torch.optim.SGD(groups, lr=lr, momentum=config["momentum"], weight_decay=decay,
                               nesterov=config["nesterov"])
    betas = (config["beta1"], config["beta2"])
    if name == "adam":
        return torch.optim.Adam(groups, lr=lr, betas=betas, eps=config["eps"], weight_decay=decay)
    if name == "adamw":
        return torch.optim.AdamW(groups, lr=lr, betas=betas, eps=config["eps"], weight_decay=decay)
    if name == "rmsprop":
        return torch.optim.RMSprop(groups, lr=lr, alpha=config["alpha"], eps=config["eps"], weight_decay=decay,
                                   momentum=config["momentum"])
    if name == "adagrad":
        return torch.optim.Adagrad(groups, lr=lr, weight_decay=decay, eps=config["eps"])
    raise ConfigError(f"[optim] name: unknown optimiser '{name}'")


def add_l1_gradient(optimizer, l1):
    """optim.l1 (sgd): adds l1 * sign(w) to each gradient before the step, as nnlab's SGD does
    inside its step (torch has no such term; the L2 term is still added by torch.optim.SGD)."""
    with torch.no_grad():
        for group in optimizer.param_groups:
            for param in group["params"]:
                if param.grad is not None:
                    param.grad.add_(torch.sign(param), alpha=l1)


class Schedule:
    """The learning-rate schedule: `epoch_end(monitored_loss)` once per epoch after evaluation,
    `step_end()` after each optimiser step (only onecycle moves there)."""

    def __init__(self, config, optimizer, base_lr, epochs, steps_per_epoch):
        self.scheduler, self.plateau, self.per_step = None, None, False
        name = config["name"]
        lr_scheduler = torch.optim.lr_scheduler
        if name == "plateau":  # nnlab ignores warmup_epochs here
            self.plateau = lr_scheduler.ReduceLROnPlateau(optimizer, factor=config["factor"],
                                                          patience=config["patience"])
            return
        if name == "onecycle":
            if config["warmup_epochs"]:
                raise ConfigError("[schedule] warmup_epochs: onecycle warms up by itself; set warmup_epochs = 0")
            self.scheduler = lr_scheduler.OneCycleLR(optimizer, max_lr=config["max_lr"] or base_lr,
                                                     total_steps=epochs * steps_per_epoch, cycle_momentum=False)
            self.per_step = True
            return
        after = None
        if name == "step":
            after = lr_scheduler.StepLR(optimizer, config["step_size"], config["gamma"])
        elif name == "multistep":
            after = lr_scheduler.MultiStepLR(optimizer, config["milestones"], config["gamma"])
        elif name == "exponential":
            after = lr_scheduler.ExponentialLR(optimizer, config["gamma"])
        elif name == "cosine":  # T_max = all epochs, warm-up included, as nnlab
            after = lr_scheduler.CosineAnnealingLR(optimizer, epochs, config["min_lr"])
        elif name != "none":
            raise ConfigError(f"[schedule] name: unknown schedule '{name}'")
        warmup = config["warmup_epochs"]
        if warmup > 0:  # nnlab's LinearWarmup: from lr / 3 to lr over warmup_epochs, then `after`
            linear = lr_scheduler.LinearLR(optimizer, start_factor=1.0 / 3, total_iters=warmup)
            self.scheduler = linear if after is None else lr_scheduler.SequentialLR(optimizer, [linear, after],
                                                                                    milestones=[warmup])
        else:
            self.scheduler = after

    def step_end(self):
        if self.scheduler is not None and self.per_step:
            self.scheduler.step()

    def epoch_end(self, monitored_loss):
        if self.scheduler is not None and not self.per_step:
            self.scheduler.step()
        if self.plateau is not None:
            self.plateau.step(monitored_loss)


def objective(name, label_smoothing, classes):
    """train.loss for a classification dataset: (outputs (B, C), labels (B)) -> mean loss."""
    resolved = "cross_entropy" if name == "auto" else name
    if resolved == "cross_entropy":
        return lambda out, y: F.cross_entropy(out, y, label_smoothing=label_smoothing)
    if resolved == "bce":  # sigmoid + binary cross-entropy on one-hot targets, mean over B x C
        return lambda out, y: F.binary_cross_entropy_with_logits(out, F.one_hot(y, classes).to(out.dtype))
    if resolved == "multi_margin":
        return lambda out, y: F.multi_margin_loss(out, y)
    raise ConfigError(f"loss '{resolved}' needs a regression dataset, but the dataset is a classification task")
