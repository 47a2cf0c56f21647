"""What a section model file may hold, checked field by field on load (no pickle, no imports
named by the file: a model is only numbers and names), and a project model's per-site weights.

A project's model (:func:`annotator.services.section_learning.train_sections`) is the shipped
base adapted on every confirmed page, plus, for each site with confirmed pages, the base adapted
on that site's pages alone (:class:`SiteWeights`, the file's optional ``"sites"`` object): one
site's pages then cannot pull the weights another site is read with. The site models share the
parent's labels, features, scales and transitions; only the weights, biases and
``site_transitions`` differ. The shipped base model has none.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np


class ModelFormatError(ValueError):
    """The file is not a section model this version can read (bad JSON, wrong shape or type)."""


@dataclass(frozen=True)
class SiteWeights:
    """One site's adapted weights (labels x features), biases (per label) and label-bigram
    ``site_transitions`` ((labels + 1) x labels, or None) inside a project model.

    ``unseen_to_start``: the site's blocks in template slots no confirmed page had are read with
    the weights the adaptation started from (:attr:`SectionModel.start
    <annotator.nlp.section_model.SectionModel.start>`), because the adaptation never saw such a
    block (one confirmed page: its evidence holds no confirmed labels)."""

    weights: np.ndarray
    bias: np.ndarray
    site_transitions: np.ndarray | None = None
    unseen_to_start: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"weights": rounded(self.weights), "bias": rounded(self.bias),
                **({"site_transitions": rounded(self.site_transitions)}
                   if self.site_transitions is not None else {}),
                **({"unseen_to_start": True} if self.unseen_to_start else {})}

    @classmethod
    def from_dict(cls, value: Any, labels: int, features: int, name: str) -> SiteWeights:
        if not isinstance(value, dict):
            raise ModelFormatError(f"{name} must be an object")
        transitions = value.get("site_transitions")
        return cls(numbers(value.get("weights"), (labels, features), f"{name}.weights"),
                   numbers(value.get("bias"), (labels,), f"{name}.bias"),
                   None if transitions is None else
                   numbers(transitions, (labels + 1, labels), f"{name}.site_transitions"),
                   flag(value.get("unseen_to_start", False), f"{name}.unseen_to_start"))


def sites_to_dict(sites: Mapping[str, SiteWeights]) -> dict[str, Any]:
    return {site: weights.to_dict() for site, weights in sorted(sites.items())}


def sites_from_dict(value: Any, labels: int, features: int) -> dict[str, SiteWeights]:
    """The ``"sites"`` object of a model file: site name -> :class:`SiteWeights`, each checked
    like the model's own arrays."""
    if not isinstance(value, dict):
        raise ModelFormatError("sites must be an object of site name -> weights")
    out: dict[str, SiteWeights] = {}
    for site, weights in value.items():
        if not isinstance(site, str) or not site:
            raise ModelFormatError("site names must be non-empty strings")
        out[site] = SiteWeights.from_dict(weights, labels, features, f"sites[{site!r}]")
    return out


def rounded(array: np.ndarray) -> list:
    """An array as nested lists of floats with 6 decimals (what a model file stores)."""
    if array.ndim > 1:
        return [rounded(row) for row in array]
    return [round(float(x), 6) for x in array]


def strings(value: Any, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ModelFormatError(f"{name} must be a list of strings")
    return value


def flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ModelFormatError(f"{name} must be true or false")
    return value


def number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ModelFormatError(f"{name} must be a finite number")
    return float(value)


def integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ModelFormatError("version must be an integer")
    return value


def numbers(value: Any, shape: tuple[int, ...], name: str) -> np.ndarray:
    """A nested list of finite numbers of exactly ``shape``, as a float array."""
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ModelFormatError(f"{name} must be numbers of shape {shape}") from exc
    if array.shape != shape or not np.isfinite(array).all():
        raise ModelFormatError(f"{name} must be finite numbers of shape {shape}")
    return array
