"""The vocabulary of ``autograder/<id>/exercises.py``: exercises and their cases."""

from dataclasses import dataclass, field

import numpy as np


def rng(seed):
    """A seeded generator for a case's random inputs."""
    return np.random.default_rng(seed)


@dataclass
class Case:
    """One call of the exercise: positional `args`, keyword `kwargs`.

    `public` cases are also the student's public tests; every case is a
    hidden test.  Values are compared with numpy's allclose(rtol, atol).
    `seed`, when given, seeds numpy's global generator just before the call
    (for exercises that draw random numbers without seeding themselves).
    """
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    public: bool = False
    rtol: float = 1e-6
    atol: float = 1e-9
    seed: int = None


@dataclass
class Exercise:
    """One graded exercise: the answer cell whose nbgrader grade_id is `name`.

    kind: "function" (the answer defines a function `name`) or "value" (it
        assigns a variable `name`).
    outputs: names of the returned values, used in messages.
    deps: other graded functions this one calls. Its tests replay the
        reference results of those calls, so a mistake in a dependency
        costs only the dependency's points.
    mistakes: {hint: function} -- common wrong versions, called with the
        case's arguments; a result equal to one of them gets its hint.
    numeric: for exercises that compute gradients, a function called with
        the case's arguments that returns the same outputs estimated by
        finite differences (see numerical_gradient). The golden script
        checks the reference solution against it; every test then checks
        the answer against it too, within `numeric_tolerance` (rtol, atol).
    """
    name: str
    cases: list
    outputs: tuple = ("the returned value",)
    kind: str = "function"
    deps: tuple = ()
    mistakes: dict = field(default_factory=dict)
    numeric: object = None
    numeric_tolerance: tuple = (1e-5, 1e-7)


def numerical_gradient(f, x, eps=1e-6):
    """Central differences: the gradient of the number f() with respect to the array x (changed, then restored)."""
    gradient = np.zeros(x.shape)
    for index in np.ndindex(*x.shape):
        kept = x[index]
        x[index] = kept + eps
        above = f()
        x[index] = kept - eps
        below = f()
        x[index] = kept
        gradient[index] = (above - below) / (2 * eps)
    return gradient
