"""Measured quality of the section rules on the labelled dev set, and the commands reporting it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.nlp.evaluate import (
    BlockEvaluation,
    evaluate_blocks,
    gold_blocks,
    overlap,
)

DATA = Path(__file__).resolve().parent / "data"
GOLD = DATA / "sections_dev.jsonl"
HTML_DEV = DATA / "html_dev"


def _records() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def test_dev_set_block_accuracy_is_at_least_0_9():
    records = _records()
    assert len(records) >= 10
    result = evaluate_blocks(records)
    assert result.blocks >= 300
    assert result.accuracy >= 0.9, result.errors
    for score in result.labels.values():
        assert score.f1 >= 0.8, score


def test_dev_set_gold_covers_every_block():
    for record in _records():
        assert None not in gold_blocks(record["text"], record["sections"]), record["meta"]


@pytest.mark.parametrize("model", ["base", "rules"])
def test_html_body_blocks_keep_the_article_and_drop_more_boilerplate_than_trafilatura(model):
    result = CliRunner().invoke(main, ["evaluate-sections", "--html-dir", str(HTML_DEV),
                                       "--model", model])
    assert result.exit_code == 0, result.output
    name = "rules" if model == "rules" else "model"
    shingle_rows, token_rows = {}, {}
    for line in result.output.splitlines():
        if line.startswith((name, "trafilatura")):
            numbers = [float(x) for x in line.split()[1:]]
            (shingle_rows if len(numbers) == 3 else token_rows)[line.split()[0]] = numbers
    ours, theirs = token_rows[name], token_rows["trafilatura"]
    assert ours[1] >= theirs[1]  # recall: at least as much of the real article text
    assert ours[3] >= theirs[3]  # boilerplate dropped
    assert shingle_rows[name][2] >= shingle_rows["trafilatura"][2]  # shingle F1


def test_scores_count_hits_misses_and_false_alarms():
    result = BlockEvaluation()
    result.add("d", 0, "a", "body", "body")
    result.add("d", 1, "b", "body", "byline")
    result.add("d", 2, "c", "byline", "byline")
    assert result.accuracy == 2 / 3
    assert result.labels["body"].recall == 0.5 and result.labels["body"].precision == 1.0
    assert result.labels["byline"].precision == 0.5
    assert result.errors == [("d", 1, "body", "byline", "b")]


def test_token_overlap_measures_article_kept_and_boilerplate_dropped():
    page = "Home News\nThe mayor opened the bridge.\nShare this"
    row = overlap("p", "The mayor opened the bridge.", "The mayor opened the bridge.", page)
    assert (row.precision, row.recall, row.boilerplate_dropped) == (1.0, 1.0, 1.0)
    row = overlap("p", page, "The mayor opened the bridge.", page)
    assert row.recall == 1.0 and row.boilerplate_dropped == 0.0


def test_evaluate_sections_prints_accuracy_and_a_per_label_table():
    result = CliRunner().invoke(main, ["evaluate-sections", "--gold", str(GOLD)])
    assert result.exit_code == 0, result.output
    assert "accuracy" in result.output
    for label in ("body", "boilerplate", "byline", "related_links"):
        assert any(line.startswith(label) for line in result.output.splitlines())


def test_evaluate_sections_reports_a_bad_gold_line_by_number(tmp_path: Path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"text": "a"}\n{not json\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate-sections", "--gold", str(gold)])
    assert result.exit_code == 1
    assert f"{gold}:2" in result.output


def test_first_held_out_set_block_accuracy_is_at_least_0_9():
    """tests/data/sections_holdout.jsonl: ten pages in other sites' habits. It served as a second
    dev set (general fixes only, no line-by-line tuning); sections_holdout2.jsonl stays unseen."""
    path = DATA / "sections_holdout.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
               if line.strip()]
    assert evaluate_blocks(records).accuracy >= 0.9
