"""One weight or bias of an MLP, addressed by layer, unit and input, and named as a learner reads it.

Shared by the backprop page and the classification page's weight editor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from torch import Tensor, nn


def linear_layers(model: nn.Module) -> list[nn.Linear]:
    """The model's Linear layers, input side first."""
    return [module for module in model.modules() if isinstance(module, nn.Linear)]


@dataclass(frozen=True)
class Parameter:
    """Weight [unit, source] of Linear layer `layer` (0 = first), or its bias [unit] when source is None."""

    layer: int
    unit: int
    source: int | None

    @property
    def index(self) -> tuple[int, ...]:
        """Its index in the weight or bias tensor."""
        return (self.unit,) if self.source is None else (self.unit, self.source)

    @staticmethod
    def from_pick(picked: Any) -> Parameter | None:
        """A pick sent by a browser ({"layer", "unit", "source"}), or None when it is not one."""
        if not isinstance(picked, dict):
            return None
        try:
            source = picked.get("source")
            return Parameter(int(picked["layer"]), int(picked["unit"]), None if source is None else int(source))
        except (KeyError, TypeError, ValueError):
            return None


def parameter_tensor(model: nn.Module, parameter: Parameter) -> Tensor | None:
    """The weight or bias tensor the parameter lives in, or None when it does not fit this model."""
    layers = linear_layers(model)
    if not 0 <= parameter.layer < len(layers):
        return None
    layer = layers[parameter.layer]
    if not 0 <= parameter.unit < layer.out_features:
        return None
    if parameter.source is None:
        return layer.bias
    return layer.weight if 0 <= parameter.source < layer.in_features else None


def parameter_name(model: nn.Module, parameter: Parameter) -> str:
    """Its tensor's name in model.named_parameters(), e.g. '2.weight' for the second Linear after a Tanh."""
    tensor = parameter_tensor(model, parameter)
    return next(name for name, candidate in model.named_parameters() if candidate is tensor)


def all_parameters(model: nn.Module) -> list[Parameter]:
    """Every weight and bias, layer by layer, each unit's weights then its bias."""
    found = []
    for index, layer in enumerate(linear_layers(model)):
        for unit in range(layer.out_features):
            found += [Parameter(index, unit, source) for source in range(layer.in_features)]
            found.append(Parameter(index, unit, None))
    return found


def unit_columns(features: tuple[str, ...], model: nn.Module) -> list[list[str]]:
    """Names of the units, column by column: the input features, 'layer 1 unit 1', ..., 'output' (or 'output k')."""
    layers = linear_layers(model)
    columns = [list(features)]
    for index, layer in enumerate(layers):
        if index == len(layers) - 1:
            count = layer.out_features
            columns.append(["output"] if count == 1 else [f"output {k}" for k in range(count)])
        else:
            columns.append([f"layer {index + 1} unit {j + 1}" for j in range(layer.out_features)])
    return columns


def describe(parameter: Parameter, units: list[list[str]]) -> str:
    """'weight x1 → layer 1 unit 2' or 'bias of output', with the units' names."""
    target = units[parameter.layer + 1][parameter.unit]
    if parameter.source is None:
        return f"bias of {target}"
    return f"weight {units[parameter.layer][parameter.source]} → {target}"
