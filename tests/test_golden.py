"""The golden files: made from the reference solutions, public a strict subset of hidden."""

import json

import pytest

from autograder import ASSIGNMENTS, ROOT, golden


def test_golden_files_match_the_reference_solutions():
    assert golden.main([]) == 0, "stale golden files: see the message above"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_public_cases_are_a_strict_subset_of_the_hidden_cases(assignment):
    full = json.loads((ROOT / "autograder" / assignment / "golden.json").read_text())
    public = json.loads((ROOT / "source" / assignment / "public_cases.json").read_text())
    assert [e["name"] for e in public["exercises"]] == [e["name"] for e in full["exercises"]]
    for mine, all_cases in zip(public["exercises"], full["exercises"]):
        hidden_view = [{k: v for k, v in c.items() if k != "public"} for c in all_cases["cases"] if c["public"]]
        assert mine["cases"] == hidden_view, f"{mine['name']}: public cases differ from the golden file's"
        if mine["kind"] == "function":
            assert 0 < len(mine["cases"]) < len(all_cases["cases"]), f"{mine['name']}: no hidden case beyond the public ones"
