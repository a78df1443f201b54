"""What a student sees: the public tests on the real exercises, with the canned submissions' mistakes."""

import json

import pytest

from autograder import ROOT
from autograder.engine import Mismatch, run_exercise
from autograder.hidden import golden
from autograder.reference import answers_namespace

SUBMISSIONS = ROOT / "tests" / "submissions"

# The hint each planted mistake of tests/submissions/*/mistakes.ipynb must get from the public test.
HINTS = {
    ("c1w2_python_basics", "sigmoid"): "the sign inside the exponential is flipped",
    ("c1w2_python_basics", "normalize_rows"): "each column was divided by its norm",
    ("c1w2_python_basics", "L2"): "this is the Euclidean norm",
    ("c1w2_logistic_regression", "initialize_with_zeros"): "this is an int where a float is expected",
    ("c1w2_logistic_regression", "propagate"): "4 times too large: did you forget to divide by the number of examples m?",
    ("c1w2_logistic_regression", "predict"): "a boolean array: convert it with .astype(float)",
    ("c1w3_planar_data", "forward_propagation"): "the hidden layer uses tanh",
    ("c1w3_planar_data", "backward_propagation"): "the derivative of tanh is 1 - tanh(z)**2",
    ("c1w3_planar_data", "update_parameters"): "the step goes uphill",
    ("c1w4_deep_nn_step_by_step", "linear_activation_forward"): "the activations are swapped",
    ("c1w4_deep_nn_step_by_step", "compute_cost"): "3 times too large: did you forget to divide by the number",
    ("c1w4_deep_nn_step_by_step", "update_parameters"): "the function changed its argument `params` in place",
    ("c1w4_deep_nn_application", "two_layer_model"): "layer 1's backward step takes dA1",
    ("c1w4_deep_nn_application", "L_layer_model"): "the costs are recorded at every iteration",
    ("c2w1_initialization", "initialize_parameters_random"): "the weights are not large: multiply np.random.randn(...) by 10",
    ("c2w1_initialization", "initialize_parameters_he"): "He's scale uses the size of the previous layer",
    ("c2w1_regularization", "compute_cost_with_regularization"): "the L2 term is missing its factor 1/(2m)",
    ("c2w1_regularization", "backward_propagation_with_regularization"): "the lambd term is missing 1/m",
    ("c2w1_regularization", "backward_propagation_with_dropout"): "the mask is not reapplied in backward",
    ("c2w1_gradient_checking", "backward_propagation"): "so its derivative with respect to theta is x",
    ("c2w1_gradient_checking", "gradient_check"): "a difference near 1/3 means gradapprox is twice the gradient",
    ("c2w1_gradient_checking", "gradient_check_n"): "a difference of 1 means gradapprox is 0 or has the wrong sign",
    ("c2w2_optimization", "random_mini_batches"): "X and Y were shuffled by two different permutations",
    ("c2w2_optimization", "update_parameters_with_momentum"): "the factor 1 - beta is missing",
    ("c2w2_optimization", "update_parameters_with_adam"): "the bias correction uses the wrong t",
}


def public(assignment):
    cases = json.loads((ROOT / "source" / assignment / "public_cases.json").read_text())
    return {e["name"]: e for e in cases["exercises"]}


def submission(assignment, name):
    return answers_namespace(SUBMISSIONS / assignment / f"{name}.ipynb", f"{assignment}_{name}")


@pytest.mark.parametrize("assignment, exercise", sorted(HINTS))
def test_planted_mistake_gets_its_hint(assignment, exercise):
    namespace = submission(assignment, "mistakes")
    ex = public(assignment)[exercise]
    with pytest.raises(Mismatch) as info:
        run_exercise(ex, namespace[exercise], ex["cases"])
    assert HINTS[assignment, exercise] in str(info.value)


def test_every_planted_mistake_has_an_expected_hint():
    for path in SUBMISSIONS.glob("*/mistakes.expected.json"):
        lost = {name for name, score in json.loads(path.read_text()).items() if score == 0}
        assert lost == {e for a, e in HINTS if a == path.parent.name}


@pytest.mark.parametrize("assignment", sorted({p.parent.name for p in SUBMISSIONS.glob("*/hidden_only.ipynb")}))
def test_hidden_only_mistakes_pass_the_public_tests_and_fail_the_hidden_ones(assignment):
    expected = json.loads((SUBMISSIONS / assignment / "hidden_only.expected.json").read_text())
    planted = [name for name, score in expected.items() if score == 0]
    namespace = submission(assignment, "hidden_only")
    for name in planted:
        ex = public(assignment)[name]
        run_exercise(ex, namespace[name], ex["cases"])
        full = golden(assignment)[name]
        with pytest.raises((Mismatch, KeyError, ValueError)):  # a wrong value, or a crash on a new input
            run_exercise(full, namespace[name], full["cases"])


def test_optimize_that_changes_the_callers_w_is_told_so():
    namespace = submission("c1w2_logistic_regression", "correct")
    exec("def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):\n"
         "    costs = []\n"
         "    for i in range(num_iterations):\n"
         "        grads, cost = propagate(w, b, X, Y)\n"
         "        w -= learning_rate * grads['dw']\n"
         "        b -= learning_rate * grads['db']\n"
         "        if i % 100 == 0:\n"
         "            costs.append(cost)\n"
         "    return {'w': w, 'b': b}, grads, costs\n", namespace)
    ex = public("c1w2_logistic_regression")["optimize"]
    with pytest.raises(Mismatch) as info:
        run_exercise(ex, namespace["optimize"], ex["cases"])
    assert "changed its argument `w` in place" in str(info.value)
