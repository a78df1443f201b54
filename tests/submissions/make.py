"""Write the canned submissions used to test the grading (python tests/submissions/make.py).

Each canned submission is a release notebook filled in the way a student
would: every answer cell gets the reference solution (the source cell
without nbgrader's markers), except the exercises listed below, which get a
planted mistake.  Beside each notebook, <name>.expected.json (written by
hand) gives the score each exercise must get.

    tests/submissions/<assignment id>/<name>.ipynb
"""

import re
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

# {assignment: {submission name: {exercise: code of the answer cell, or None to leave it blank}}}
#   correct      every answer is the reference solution
#   mistakes     one plain mistake in some exercises (the public tests catch them)
#   hidden_only  mistakes that pass the public tests and only the hidden tests catch
PLANTED = {
    "c1w2_python_basics": {
        "correct": {},
        "hidden_only": {
            "basic_sigmoid": '''
def basic_sigmoid(x):
    """Planted mistake: hard-codes the public tests' expected outputs."""
    return {1.5: 0.8175744761936437, -0.75: 0.320821300824607}[x]
''',
            "image2vector": '''
def image2vector(image):
    """Planted mistake: assumes a depth of 2, which is right for the public test's image only."""
    return image.reshape(image.shape[0] * image.shape[1] * 2, 1)
''',
        },
        "mistakes": {
            "sigmoid": '''
def sigmoid(x):
    """Planted mistake: the sign inside exp is flipped."""
    return 1 / (1 + np.exp(x))
''',
            "normalize_rows": '''
def normalize_rows(x):
    """Planted mistake: divides each column, not each row, by its norm."""
    return x / np.linalg.norm(x, axis=0, keepdims=True)
''',
            "L2": '''
def L2(yhat, y):
    """Planted mistake: returns the Euclidean norm instead of the sum of squares."""
    return np.sqrt(np.sum((y - yhat) ** 2))
''',
        },
    },
    "c1w2_logistic_regression": {
        "correct": {},
        # No answer at all, but the first answer cell registers an IPython input transformer that wraps
        # every later cell in try/except: nbgrader then passes every test cell. The course's grader runs
        # answers as plain Python, outside IPython, and gives 0.
        "fools_nbgrader": {
            "sigmoid": '''
def _swallow_errors(lines):
    body = "".join("    " + line + "\\n" for line in "".join(lines).splitlines()) or "    pass\\n"
    return ["try:\\n", body, "except BaseException:\\n", "    pass\\n"]
get_ipython().input_transformers_post.append(_swallow_errors)

def sigmoid(z):
    raise NotImplementedError()
''',
            "initialize_with_zeros": None, "propagate": None, "optimize": None, "predict": None, "model": None,
        },
        "hidden_only": {
            "initialize_with_zeros": '''
def initialize_with_zeros(dim):
    """Planted mistake: the public test's dim, 3, is hard-coded."""
    return np.zeros((3, 1)), 0.0
''',
            "optimize": '''
def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.09, print_cost=False):
    """Planted mistake: the default learning rate is 0.09, not 0.009 (the public test passes its own)."""
    w = copy.deepcopy(w)
    costs = []
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        if i % 100 == 0:
            costs.append(cost)
    return {"w": w, "b": b}, grads, costs
''',
        },
        "mistakes": {
            "initialize_with_zeros": '''
def initialize_with_zeros(dim):
    """Planted mistake: b is the integer 0, not the float 0.0."""
    return np.zeros((dim, 1)), 0
''',
            "propagate": '''
def propagate(w, b, X, Y):
    """Planted mistake: dw is not divided by m."""
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    cost = np.squeeze(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m)
    grads = {"dw": np.dot(X, (A - Y).T), "db": np.sum(A - Y) / m}
    return grads, cost
''',
            "predict": '''
def predict(w, b, X):
    """Planted mistake: returns booleans instead of 0./1. floats."""
    return sigmoid(np.dot(w.T, X) + b) > 0.5
''',
        },
    },
    "c1w4_deep_nn_step_by_step": {
        "correct": {},
        "hidden_only": {
            "L_model_forward": '''
def L_model_forward(X, parameters):
    """Planted mistake: three layers hard-coded, the public test's network; other depths fail."""
    caches = []
    A, cache = linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
    caches.append(cache)
    A, cache = linear_activation_forward(A, parameters["W2"], parameters["b2"], "relu")
    caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W3"], parameters["b3"], "sigmoid")
    caches.append(cache)
    return AL, caches
''',
        },
        "mistakes": {
            "linear_activation_forward": '''
def linear_activation_forward(A_prev, W, b, activation):
    """Planted mistake: the two activations are swapped."""
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = relu(Z)
    else:
        A, activation_cache = sigmoid(Z)
    return A, (linear_cache, activation_cache)
''',
            "compute_cost": '''
def compute_cost(AL, Y):
    """Planted mistake: the sum is not divided by m."""
    return np.squeeze(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))
''',
            "update_parameters": '''
def update_parameters(params, grads, learning_rate):
    """Planted mistake: updates the caller's arrays in place."""
    L = len(params) // 2
    for l in range(1, L + 1):
        params["W" + str(l)] -= learning_rate * grads["dW" + str(l)]
        params["b" + str(l)] -= learning_rate * grads["db" + str(l)]
    return params
''',
        },
    },
}


def solution(cell):
    """The source answer cell as a student would write it: without nbgrader's markers."""
    return re.sub(r"\n?[ \t]*### (BEGIN|END) SOLUTION[ \t]*", "", cell.source)


def make(assignment, name, planted):
    source = nbformat.read(ROOT / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: solution(c) for c in source.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    unknown = set(planted) - set(answers)
    if unknown:
        raise SystemExit(f"{assignment}/{name}: no answer cell named {sorted(unknown)}")
    nb = nbformat.read(ROOT / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            if grade_id not in planted:
                cell.source = answers[grade_id]
            elif planted[grade_id] is not None:  # None: left blank, as released
                cell.source = planted[grade_id].strip()
    return nbformat.writes(nb) + "\n"


def main():
    check = "--check" in sys.argv
    stale = []
    for assignment, submissions in PLANTED.items():
        for name, planted in submissions.items():
            path = HERE / assignment / f"{name}.ipynb"
            text = make(assignment, name, planted)
            if path.exists() and path.read_text(encoding="utf-8") == text:
                continue
            if check:
                stale.append(str(path.relative_to(ROOT)))
            else:
                path.parent.mkdir(exist_ok=True)
                path.write_text(text, encoding="utf-8")
                print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print("out of date (run python tests/submissions/make.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
