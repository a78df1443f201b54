"""The checking engine of public_tests.py: what a student sees when an output is wrong."""

import numpy as np
import pytest

from autograder.engine import Mismatch, decode, encode, engine, run_exercise


def exercise(expected, params=("x",), outputs=("out",), args=(1.0,), mistakes=(), deps=None, replay=None):
    case = {"args": encode(list(args)), "kwargs": {}, "expected": encode(expected), "rtol": 1e-6, "atol": 1e-9,
            "mistakes": [{"hint": h, "output": encode(o)} for h, o in mistakes]}
    if replay:
        case["replay"] = replay
    return {"name": "f", "kind": "function", "params": list(params), "outputs": list(outputs),
            "deps": deps or {}, "cases": [case]}


def failure(ex, target):
    with pytest.raises(Mismatch) as info:
        run_exercise(ex, target, ex["cases"])
    return str(info.value)


def test_encoding_round_trips_types_shapes_and_exact_floats():
    value = {"a": np.array([[0.1, 1 / 3]]), "b": (1, 2.5, True, "s", None), "c": [np.float64(2 / 7)],
             "d": np.arange(3, dtype=np.uint8), "e": np.array(0.25)}
    back = decode(encode(value))
    assert back["a"].dtype == np.float64 and np.array_equal(back["a"], value["a"])
    assert back["b"] == (1, 2.5, True, "s", None)
    assert back["c"] == [2 / 7]
    assert back["d"].dtype == np.uint8 and back["d"].tolist() == [0, 1, 2]
    assert back["e"].shape == () and float(back["e"]) == 0.25


def test_a_correct_answer_within_tolerance_passes():
    ex = exercise(np.array([[2.0], [4.0]]))
    run_exercise(ex, lambda x: np.array([[2.0], [4.0]]) + 1e-12, ex["cases"])


def test_type_is_checked_first_and_int_for_float_is_named():
    message = failure(exercise(0.0), lambda x: 0)
    assert "wrong type" in message and "int 0" in message and "write 0.0" in message


def test_boolean_array_for_float_array():
    message = failure(exercise(np.array([[1.0, 0.0]])), lambda x: np.array([[True, False]]))
    assert "wrong dtype" in message and ".astype(float)" in message


def test_missing_keepdims_is_named_in_the_shape_message():
    message = failure(exercise(np.ones((3, 1))), lambda x: np.ones(3))
    assert "wrong shape" in message and "expected: shape (3, 1)" in message and "received: shape (3,)" in message
    assert "keepdims=True" in message


def test_transposed_result():
    message = failure(exercise(np.ones((2, 3))), lambda x: np.ones((3, 2)))
    assert "transposed" in message


def test_forgotten_one_over_m_is_named():
    message = failure(exercise(np.array([[0.5], [-0.25]])), lambda x: 4 * np.array([[0.5], [-0.25]]))
    assert "wrong values" in message and "4 times too large" in message and "number of examples m" in message


def test_known_mistake_output_gets_its_hint():
    ex = exercise(np.array([0.2, 0.8]), mistakes=[("summed over the wrong axis", np.array([0.6, 0.4]))])
    message = failure(ex, lambda x: np.array([0.6, 0.4]))
    assert "Hint: summed over the wrong axis" in message
    assert "expected: [0.2, 0.8]" in message and "received: [0.6, 0.4]" in message


def test_a_known_mistake_of_another_structure_gets_its_hint():
    """A cache in the wrong order fails on its type; the hint still names the mistake."""
    right, swapped = (np.ones((1, 2)), (np.zeros((1, 2)), 2.0)), (np.ones((1, 2)), (2.0, np.zeros((1, 2))))
    ex = exercise(right, outputs=("A", "cache"), mistakes=[("the cache is in the wrong order", swapped)])
    message = failure(ex, lambda x: swapped)
    assert "cache[0]: wrong type" in message and "Hint: the cache is in the wrong order" in message


def test_gradients_are_also_checked_against_the_numerical_estimate():
    """An output that matches the case's expected value but not the finite differences still fails."""
    ex = exercise(np.array([[2.0]]), outputs=("dW",))
    ex["cases"][0]["numeric"] = {"expected": encode(np.array([[3.0]])), "rtol": 1e-5, "atol": 1e-7}
    message = failure(ex, lambda x: np.array([[2.0]]))
    assert "dW: wrong values" in message and "estimated numerically, by central differences" in message
    fixed = dict(ex, cases=[dict(ex["cases"][0], expected=encode(np.array([[3.0]])))])
    run_exercise(fixed, lambda x: np.array([[3.0 + 1e-9]]), fixed["cases"])


def test_nan_is_reported_as_such():
    message = failure(exercise(np.array([0.5])), lambda x: np.array([np.nan]))
    assert "NaN or inf" in message


def test_dict_keys_and_nested_paths():
    ex = exercise({"dw": np.zeros((2, 1)), "db": 0.5}, outputs=("grads",))
    assert 'missing key "db"' in failure(ex, lambda x: {"dw": np.zeros((2, 1))})
    message = failure(ex, lambda x: {"dw": np.zeros((2, 1)), "db": np.array([[0.5]])})
    assert 'grads["db"]' in message and "single number" in message


def test_number_of_returned_values():
    ex = exercise((1.0, 2.0), outputs=("a", "b"))
    assert "should return 2 values (a, b)" in failure(ex, lambda x: 1.0)


def test_mutated_input_is_reported():
    ex = exercise(np.array([0.0]), args=(np.array([1.0]),))

    def mutates(x):
        x -= 1
        return x.copy()
    message = failure(ex, mutates)
    assert "changed its argument `x` in place" in message


def test_changed_signature_and_missing_function():
    ex = exercise(1.0)
    assert "should take the parameters (x), but it takes (y)" in failure(ex, lambda y: 1.0)
    assert "should be a function" in failure(ex, 3)


def test_not_implemented_stub():
    def stub(x):
        raise NotImplementedError()
    assert "not implemented yet" in failure(exercise(1.0), stub)


def test_messages_name_the_exercise_and_case():
    message = failure(exercise(1.0), lambda x: 2.0)
    assert message.startswith("f (case 1 of 1) -- out: wrong values")


def test_replay_isolates_a_wrong_dependency_but_not_a_wrong_caller():
    """A caller is judged with its dependency's reference results; calls the reference never made fall through."""
    namespace = {"np": np}
    exec("def g(x):\n    return x * 100\n"          # a wrong dependency (the reference doubles)
         "def f(x):\n    return g(x) + 1\n"          # a correct caller
         "def f_wrong(x):\n    return g(x + 1)\n", namespace)
    replay = {"g": [{"args": {"x": {"__input__": "x"}}, "result": encode(6.0)}]}
    deps = {"g": {"params": ["x"], "defaults": {}}}
    ex = exercise(7.0, args=(3.0,), deps=deps, replay=replay)
    run_exercise(ex, namespace["f"], ex["cases"])
    assert "wrong values" in failure(ex, namespace["f_wrong"])
    assert namespace["g"](1) == 100  # the student's namespace is left alone


def test_public_tests_print_all_tests_passed_only_on_success(tmp_path, capsys):
    import json
    import shutil
    from autograder import ROOT
    shutil.copy(ROOT / "public_tests.py", tmp_path)
    ex = exercise(2.0)
    (tmp_path / "public_cases.json").write_text(json.dumps({"assignment": "a", "exercises": [ex]}))
    import importlib.util
    spec = importlib.util.spec_from_file_location("copied_public_tests", tmp_path / "public_tests.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.f_test(lambda x: 2.0)
    assert capsys.readouterr().out == "All tests passed.\n"
    with pytest.raises(AssertionError):
        module.f_test(lambda x: 3.0)
    assert "All tests passed." not in capsys.readouterr().out


def test_a_case_with_a_seed_seeds_numpys_global_generator_before_the_call():
    np.random.seed(2)
    expected = np.random.randn(2, 1)
    ex = exercise(expected)
    ex["cases"][0]["seed"] = 2

    def draws(x):
        return np.random.randn(2, 1)
    np.random.seed(99)  # whatever state the notebook left behind
    run_exercise(ex, draws, ex["cases"])
    del ex["cases"][0]["seed"]
    np.random.seed(99)
    assert "out" in failure(ex, draws)


@pytest.mark.parametrize("a, b", [
    ([1.0, 2.0], [1.0 + 1e-12, 2.0]),          # equal within the tolerance
    ([1.0, 2.0], [1.1, 2.0]),                  # the first element apart: decided without allclose
    ([1.0, 2.0], [1.0, 2.1]),                  # only a later element apart
    ([np.nan, 1.0], [np.nan, 1.0 + 1e-12]),    # NaN is never close, as for allclose
    ([np.nan, 1.0], [1.0, 1.0]),
    ([np.inf, 1.0], [np.inf, 1.0 + 1e-12]),
    ([-np.inf, 1.0], [np.inf, 1.0]),
    ([3, 4], [3.0000000001, 4]),               # integers against floats
    ([[1e-10]], [[2e-10]]),                    # within atol
])
def test_replay_matching_agrees_with_allclose(a, b):
    """_same, which replays use to recognise a recorded call, may reject on the first element alone: for
    arrays that are not byte for byte the same, it must still say exactly what np.allclose says."""
    a, b = np.array(a), np.array(b)
    assert engine._same(a, b) == bool(np.allclose(a, b, rtol=1e-6, atol=1e-9))
