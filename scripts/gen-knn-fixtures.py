#!/usr/bin/env python3
"""Generates scikit-learn reference results for core/knn tests.

Run with Debian's Python and scikit-learn (apt-get install -y python3-sklearn):
    /usr/bin/python3 scripts/gen-knn-fixtures.py            # writes test/fixtures/knn/sklearn-knn.json
    /usr/bin/python3 scripts/gen-knn-fixtures.py --live OUT # one fresh random case (used by the live cross-check test)

Every coordinate is a multiple of 1/32 (or an integer), so float32 and float64 hold it exactly and sklearn's
float64 distances are computed on exactly the values the TypeScript code sees.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors

CLASS_NAMES = ["Zebra", "apple", "banana", "cherry", "date", "elder"]  # code-point order puts "Zebra" first


def grid(values, step=1 / 32):
    return np.round(np.asarray(values, dtype=np.float64) / step) * step


def spd(rng, d):
    b = grid(rng.normal(size=(d, d)) * 0.5, 1 / 8)
    return b.T @ b + 0.25 * np.eye(d)


def dataset(name, rng, n_train, n_test, d, n_classes, integer=False, duplicates=0):
    y_idx = rng.integers(0, n_classes, size=n_train)
    centres = rng.normal(size=(n_classes, d)) * 2.0
    if integer:
        x_train = rng.integers(-2, 3, size=(n_train, d)).astype(np.float64)
        x_test = rng.integers(-2, 3, size=(n_test, d)).astype(np.float64)
    else:
        x_train = grid(centres[y_idx] + rng.normal(size=(n_train, d)))
        t_idx = rng.integers(0, n_classes, size=n_test)
        x_test = grid(centres[t_idx] + rng.normal(size=(n_test, d)))
    for j in range(duplicates):
        # exact duplicate training points (possibly with another label) and queries equal to training points
        x_train[-1 - j] = x_train[j]
        x_test[j] = x_train[2 * j + 1]
    labels = [CLASS_NAMES[i] for i in y_idx]
    y_reg = grid(x_train[:, 0] * 1.5 - x_train[:, -1] + rng.normal(size=n_train) * 0.25, 1 / 64)
    return {
        "name": name,
        "d": d,
        "xTrain": x_train,
        "yTrain": labels,
        "yReg": y_reg,
        "xTest": x_test,
        "M": spd(rng, d),
    }


def metric_args(metric, ds):
    if metric == "mahalanobis":
        return {"metric": "mahalanobis", "metric_params": {"VI": ds["M"]}}
    return {"metric": metric}


def cases(ds, metrics, ks):
    out = []
    n = len(ds["yTrain"])
    for metric in metrics:
        args = metric_args(metric, ds)
        for k in ks:
            k = min(k, n)
            nn = NearestNeighbors(n_neighbors=min(k + 1, n), algorithm="brute", **args).fit(ds["xTrain"])
            dist, ind = nn.kneighbors(ds["xTest"])
            if k < n:
                kth = dist[:, k - 1]
                nxt = dist[:, k]
                ambiguous = np.abs(nxt - kth) <= 1e-6 * np.maximum(1.0, np.abs(kth))
            else:
                ambiguous = np.zeros(len(ds["xTest"]), dtype=bool)
            case = {
                "metric": metric,
                "k": k,
                "indices": ind[:, :k].tolist(),
                "distances": np.round(dist[:, :k], 10).tolist(),
                "ambiguous": ambiguous.tolist(),
            }
            for weights in ("uniform", "distance"):
                clf = KNeighborsClassifier(n_neighbors=k, weights=weights, algorithm="brute", **args)
                clf.fit(ds["xTrain"], ds["yTrain"])
                case["classes"] = clf.classes_.tolist()
                case["proba_" + weights] = np.round(clf.predict_proba(ds["xTest"]), 12).tolist()
                case["pred_" + weights] = clf.predict(ds["xTest"]).tolist()
                reg = KNeighborsRegressor(n_neighbors=k, weights=weights, algorithm="brute", **args)
                reg.fit(ds["xTrain"], ds["yReg"])
                case["reg_" + weights] = np.round(reg.predict(ds["xTest"]), 12).tolist()
            out.append(case)
    return out


def serialise(ds, case_list):
    return {
        "name": ds["name"],
        "d": ds["d"],
        "xTrain": ds["xTrain"].ravel().tolist(),
        "yTrain": ds["yTrain"],
        "yReg": ds["yReg"].tolist(),
        "xTest": ds["xTest"].ravel().tolist(),
        "M": ds["M"].ravel().tolist(),
        "cases": case_list,
    }


METRICS = ["euclidean", "manhattan", "cosine", "mahalanobis"]


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--live":
        rng = np.random.default_rng()
        ds = dataset("live", rng, 120, 30, 7, 4, duplicates=2)
        doc = {"sklearn": sklearn.__version__, "datasets": [serialise(ds, cases(ds, METRICS, [1, 4, 9]))]}
        with open(sys.argv[2], "w") as f:
            json.dump(doc, f, separators=(",", ":"))
        return
    rng = np.random.default_rng(20240611)
    sets = [
        (dataset("blobs", rng, 60, 25, 5, 3), [1, 3, 7, 60]),
        (dataset("ties", rng, 50, 30, 3, 2, integer=True, duplicates=4), [1, 4, 9]),
        (dataset("wide", rng, 90, 20, 24, 5, duplicates=2), [1, 5, 11]),
        (dataset("unbalanced", rng, 40, 15, 8, 4), [2, 6, 40]),
    ]
    doc = {
        "generator": "scripts/gen-knn-fixtures.py",
        "sklearn": sklearn.__version__,
        "datasets": [serialise(ds, cases(ds, METRICS, ks)) for ds, ks in sets],
    }
    path = "test/fixtures/knn/sklearn-knn.json"
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
