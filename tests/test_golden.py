"""The golden files: made from the reference solutions, public a strict subset of hidden."""

import json

import numpy as np
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


def test_gradient_exercises_carry_numerical_estimates_and_a_wrong_reference_is_refused():
    from autograder.define import Case, Exercise, numerical_gradient
    from autograder.engine import encode as enc

    steps = golden.build("c1w4_deep_nn_step_by_step")[0]["exercises"]
    with_numeric = {e["name"] for e in steps if all("numeric" in c for c in e["cases"])}
    assert with_numeric == {"linear_backward", "linear_activation_backward", "L_model_backward"}

    def numeric(x):
        x = x.copy()
        return numerical_gradient(lambda: np.sum(x ** 2), x)

    x = np.array([[1.0, -2.0]])
    square = Exercise("grad_of_sum_of_squares", cases=[Case((x,))], outputs=("dx",), numeric=numeric)
    good = golden._numeric("demo", square, 1, square.cases[0], 2 * x)
    assert np.allclose(np.array(good["expected"]["__array__"]), 2 * x) and good["expected"] != enc(x)
    with pytest.raises(SystemExit, match="disagrees with the numerical gradient on case 1"):
        golden._numeric("demo", square, 1, square.cases[0], x)  # a reference that forgot the factor 2
