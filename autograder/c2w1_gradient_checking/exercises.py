"""Test definitions for Gradient Checking.

Public cases (public=True) are what students see in public_tests; every case
is part of the hidden tests.  Expected values come from the reference
solution (python -m autograder.golden --refresh), never from this file.
`backward_propagation` also carries `numeric`: its gradient estimated by
central differences of J = theta * x.  `gradient_check` calls the first two
exercises (`deps`): its tests replay their reference results.

Tolerances of the two gradient checks.  Their result, the relative difference
||grad - gradapprox|| / (||grad|| + ||gradapprox||), is tiny when the gradients
are right: with epsilon = 1e-7 it is rounding noise.  Each cost J is exact to
about 1e-16 (relative), and J_plus - J_minus divides that error by 2 epsilon,
so each entry of gradapprox carries an error near 1e-16 * |J| / 2e-7, about
5e-10 |J|.  On the cases below with right gradients (of order 0.1 to 1) the
reference gets 1e-13 to 1e-11 for J = theta * x and about 2e-9 for the
network; a student's right code, which may add, copy or take norms in another
order, lands elsewhere in that range, not on the same digits.  Comparing those
digits would fail right answers, so the cases use atol=1e-7: any result below
about 1e-7 passes where the reference is tiny (1e-7 is also half the 2e-7
above which the notebook's message calls the gradients wrong).  Every wrong
formula lands far away: forgetting the 2 of 2 epsilon gives 1/3, a gradapprox
of 0 or of the wrong sign gives 1, a missing copy about 1/3.  Where the
gradients given are wrong, the difference is a well-defined number (here 7e-5
to 0.53) that rounding moves by about 1e-9 relatively; rtol=1e-5 keeps those
cases strict (with atol=1e-7 still the larger margin on the smallest).  One
case uses epsilon=1e-2: the truncation error of the central difference then
gives about 1e-5, against 2e-9 with epsilon=1e-7, so an epsilon written into
the function instead of the argument fails it.  In gradient_check's cases
the default epsilon is used with |theta| < 0.2 only: the recorded calls
forward_propagation(x, theta + epsilon) and (x, theta - epsilon) must differ
by more than the engine's matching tolerance (1e-9 + 1e-6 |theta|) for the
replay to tell them apart in whatever order the student makes them.
"""

import numpy as np

from autograder.define import Case, Exercise, numerical_gradient, rng

NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")
SHAPES = {"W1": (5, 4), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}
TOLERANCE = dict(rtol=1e-5, atol=1e-7)  # see the module's docstring


# --- the 1-D function J = theta * x -------------------------------------------------

def _numeric_backward_propagation(x, theta):
    """dJ/dtheta by central differences of J = theta * x."""
    t = np.array(float(theta))
    return float(numerical_gradient(lambda: float(t) * x, t))


def _gradient_check(x, theta, epsilon=1e-7, print_msg=False, minus=-1.0, two=2.0):
    J_plus = (theta + epsilon) * x
    J_minus = (theta + minus * epsilon) * x
    gradapprox = (J_plus - J_minus) / (two * epsilon)
    grad = x
    return float(np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox)))


# --- the three-layer network (written here, independently of gc_utils.py) ---------

def _relu(Z):
    return np.maximum(0, Z)


def _sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def _cost(X, Y, p):
    A1 = _relu(p["W1"] @ X + p["b1"])
    A2 = _relu(p["W2"] @ A1 + p["b2"])
    A3 = _sigmoid(p["W3"] @ A2 + p["b3"])
    return float(-np.mean(Y * np.log(A3) + (1 - Y) * np.log(1 - A3)))


def _gradients(X, Y, p, bug=None):
    """The gradients of _cost, derived by hand; `bug` plants a mistake (for the cases with wrong gradients)."""
    m = X.shape[1]
    A1 = _relu(p["W1"] @ X + p["b1"])
    A2 = _relu(p["W2"] @ A1 + p["b2"])
    A3 = _sigmoid(p["W3"] @ A2 + p["b3"])
    dZ3 = A3 - Y
    dZ2 = (p["W3"].T @ dZ3) * (A2 > 0)
    if bug == "no relu mask in layer 2":
        dZ2 = p["W3"].T @ dZ3
    dZ1 = (p["W2"].T @ dZ2) * (A1 > 0)
    if bug == "the notebook's two bugs":  # ReLU's mask written A1 >= 0, true everywhere; db2 not divided by m
        dZ1 = p["W2"].T @ dZ2
    g = {"dW3": dZ3 @ A2.T / m, "db3": dZ3.sum(axis=1, keepdims=True) / m,
         "dW2": dZ2 @ A1.T / m, "db2": dZ2.sum(axis=1, keepdims=True) / m,
         "dW1": dZ1 @ X.T / m, "db1": dZ1.sum(axis=1, keepdims=True) / m}
    if bug == "the notebook's two bugs":
        g["db2"] = g["db2"] * m
    if bug == "dW3 doubled":
        g["dW3"] = 2 * g["dW3"]
    if bug == "one entry off by 1e-4":
        g["dW1"] = g["dW1"].copy()
        g["dW1"][2, 1] += 1e-4
    if bug == "db1 sign":
        g["db1"] = -g["db1"]
    return {k: g[k] for k in ("dW1", "db1", "dW2", "db2", "dW3", "db3")}


def _network_case(seed, m, bug=None):
    """(parameters, gradients, X, Y): a random network, m examples, and its gradients (wrong if `bug`)."""
    r = rng(seed)
    p = {name: r.normal(size=SHAPES[name]) * (0.8 if name.startswith("W") else 0.3) for name in NAMES}
    X = r.normal(size=(4, m))
    Y = (r.random((1, m)) > 0.5).astype(float)
    Y[0, 0] = 1.0
    if m > 1:
        Y[0, -1] = 0.0
    return p, _gradients(X, Y, p, bug), X, Y


def _vector(d, prefix=""):
    return np.concatenate([np.asarray(d[prefix + name], dtype=float).reshape(-1, 1) for name in NAMES])


def _dictionary(theta):
    p, start = {}, 0
    for name in NAMES:
        size = int(np.prod(SHAPES[name]))
        p[name] = theta[start:start + size].reshape(SHAPES[name])
        start += size
    return p


def _gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False, two=2.0, same=False,
                      no_copy=False, denominator=1.0):
    """The check, with one of the known mistakes switched on."""
    theta = _vector(parameters)
    grad = _vector(gradients, "d")
    gradapprox = np.zeros_like(theta)
    for i in range(theta.shape[0]):
        plus = theta if no_copy else theta.copy()
        plus[i] = plus[i] + epsilon
        J_plus = _cost(X, Y, _dictionary(plus))
        minus = theta if no_copy else theta.copy()
        minus[i] = minus[i] + (epsilon if same else -epsilon)
        J_minus = _cost(X, Y, _dictionary(minus))
        gradapprox[i] = (J_plus - J_minus) / (two * epsilon)
    return float(np.linalg.norm(grad - gradapprox)
                 / (np.linalg.norm(grad) + denominator * np.linalg.norm(gradapprox)))


# --- hints ------------------------------------------------------------------------

DERIVATIVE = "J = theta * x, so its derivative with respect to theta is x (not theta, and not theta * x)."
PRODUCT = "J is the product theta * x."
TWO = ("a difference near 1/3 means gradapprox is twice the gradient: the two costs are 2 * epsilon apart, "
       "so gradapprox = (J_plus - J_minus) / (2 * epsilon).")
ONE = ("a difference of 1 means gradapprox is 0 or has the wrong sign: J_plus comes from theta + epsilon, "
       "J_minus from theta - epsilon, and gradapprox = (J_plus - J_minus) / (2 * epsilon).")
ONE_N = ("a difference of 1 means gradapprox is 0 or has the wrong sign: J_plus[i] comes from theta_plus "
         "(entry i raised by epsilon), J_minus[i] from theta_minus (entry i lowered by epsilon), and "
         "gradapprox[i] = (J_plus[i] - J_minus[i]) / (2 * epsilon).")
NO_COPY = ("theta_plus = parameters_values gives the same array a second name, it does not copy it: the changes "
           "made for one entry stay in the vector. Start each entry from np.copy(parameters_values).")
DENOMINATOR = ("the denominator is a sum of norms: np.linalg.norm(grad) + np.linalg.norm(gradapprox), "
               "which never vanishes (a difference of norms does when the gradients are right).")

EXERCISES = [
    Exercise("forward_propagation", outputs=("J",), cases=[
        Case((2.5, 0.15), public=True),
        Case((-1.25, 4.0)),
        Case((0.0, -3.5)),
        Case((7.0, -0.6)),
    ], mistakes={PRODUCT: lambda x, theta: theta + x}),

    Exercise("backward_propagation", outputs=("dtheta",), cases=[
        Case((2.5, 0.15), public=True),
        Case((-1.25, 4.0)),
        Case((0.5, -3.5)),
        Case((7.0, 2.0)),
    ], numeric=_numeric_backward_propagation, mistakes={DERIVATIVE: lambda x, theta: theta}),

    Exercise("gradient_check", outputs=("difference",), deps=("forward_propagation", "backward_propagation"), cases=[
        Case((2.5, 0.15), public=True, **TOLERANCE),
        Case((-1.3, -0.08), dict(print_msg=True), **TOLERANCE),
        Case((4.0, 0.05), **TOLERANCE),
        Case((0.7, 3.0), dict(epsilon=1e-3), **TOLERANCE),
        Case((-6.0, 1.5), dict(epsilon=1e-4, print_msg=True), **TOLERANCE),
    ], mistakes={TWO: lambda x, theta, epsilon=1e-7, print_msg=False: _gradient_check(x, theta, epsilon, two=1.0),
                 ONE: lambda x, theta, epsilon=1e-7, print_msg=False: _gradient_check(x, theta, epsilon, minus=1.0)}),

    Exercise("gradient_check_n", outputs=("difference",), cases=[
        Case(_network_case(501, 3, bug="the notebook's two bugs"), public=True, **TOLERANCE),
        Case(_network_case(502, 3), public=True, **TOLERANCE),
        Case(_network_case(503, 1), **TOLERANCE),
        Case(_network_case(504, 6), dict(print_msg=True), **TOLERANCE),
        # epsilon 1e-2 gives about 1e-5 here, 1e-7 about 2e-9: catches an epsilon written into the function
        Case(_network_case(505, 4), dict(epsilon=1e-2), **TOLERANCE),
        Case(_network_case(506, 5, bug="no relu mask in layer 2"), **TOLERANCE),
        Case(_network_case(507, 4, bug="one entry off by 1e-4"), **TOLERANCE),
        Case(_network_case(508, 2, bug="db1 sign"), dict(print_msg=True), **TOLERANCE),
        Case(_network_case(509, 3, bug="dW3 doubled"), dict(epsilon=1e-6), **TOLERANCE),
    ], mistakes={
        TWO.replace("gradapprox = ", "gradapprox[i] = ").replace("(J_plus - J_minus)", "(J_plus[i] - J_minus[i])"):
            lambda p, g, X, Y, epsilon=1e-7, print_msg=False: _gradient_check_n(p, g, X, Y, epsilon, two=1.0),
        ONE_N: lambda p, g, X, Y, epsilon=1e-7, print_msg=False: _gradient_check_n(p, g, X, Y, epsilon, same=True),
        NO_COPY: lambda p, g, X, Y, epsilon=1e-7, print_msg=False: _gradient_check_n(p, g, X, Y, epsilon,
                                                                                     no_copy=True),
        DENOMINATOR: lambda p, g, X, Y, epsilon=1e-7, print_msg=False: _gradient_check_n(p, g, X, Y, epsilon,
                                                                                         denominator=-1.0),
    }),
]
