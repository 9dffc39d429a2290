"""The Bayesian calibration: emulator, likelihood and sampler against known answers, the
simulation-based calibration check on the model itself, the posterior file and the command."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from pathways.calibration import emulator as em
from pathways.calibration import posterior as post
from pathways.calibration.coverage import coverage_check
from pathways.calibration.draws import read_posterior
from pathways.calibration.fit import PosteriorSettings
from pathways.cli import main

ROOT = Path(__file__).resolve().parents[1]


def tiny_posterior_config(folder: Path, **posterior) -> Path:
    """The shipped calibration file at test size, with two free parameters that the targets pin
    down (jobs per worker: unemployment; on-the-job search: job-to-job moves)."""
    text = (ROOT / "calibration" / "calibration.toml").read_text()
    text = text.replace('scenario = "../scenarios/', f'scenario = "{ROOT}/scenarios/')
    head, *params = text.split("[[parameters]]")
    sizes = {"workers": 800, "months": 12, "burn_in_months": 12, "replicates": 4}
    lines = []
    for line in head.splitlines():
        key = line.split("=")[0].strip()
        lines.append(f"{key} = {sizes[key]}" if key in sizes else line)
    kept = [
        p.split("[posterior]")[0]
        for p in params
        if re.search(r'name = "(jobs_per_worker|on_the_job_search)"', p)
    ]
    out = "\n".join(lines) + "".join("[[parameters]]" + p for p in kept)
    out += "\n[posterior]\n" + "".join(f"{k} = {v}\n" for k, v in posterior.items())
    path = folder / "calibration.toml"
    path.write_text(out)
    return path


def test_the_emulator_interpolates_a_smooth_function_and_knows_how_unsure_it_is():
    rng = np.random.default_rng(0)
    u = rng.random((40, 2))
    weights = rng.normal(size=(3, 6))

    def f(x):
        return np.column_stack([np.sin(3 * x[:, 0]), x[:, 1] ** 2, x[:, 0] * x[:, 1]]) @ weights

    fitted = em.fit_emulator(u, f(u))
    test = rng.random((200, 2))
    mean, var = fitted.predict(test)
    err = mean - f(test)
    assert np.sqrt(np.mean(err**2)) < 0.05 * f(test).std()
    # Stated uncertainty is of the size of the errors (not zero, not far too wide).
    z2 = np.mean(err**2 / (var + 1e-12))
    assert 0.05 < z2 < 5
    # At a design point it is sure, far from the design less so.
    _, at_design = fitted.predict(u[:1])
    _, far = fitted.predict(np.array([[1.0, 0.0]]))
    assert at_design.sum() < far.sum()


def test_the_emulator_refuses_a_design_too_small():
    with pytest.raises(ValueError, match="at least 4 design runs"):
        em.fit_emulator(np.random.default_rng(0).random((3, 2)), np.ones((3, 2)))


def test_the_sampler_recovers_the_exact_posterior_of_a_linear_gaussian_model():
    # Targets linear in the parameters with Gaussian noise and a flat prior: the posterior is Gaussian
    # with covariance (A' S^-1 A)^-1 around the least-squares point, which the sampler must reproduce.
    rng = np.random.default_rng(1)
    a = np.array([[1.0, 0.3], [0.2, 1.0], [0.5, -0.4]])
    truth = np.array([0.45, 0.55])
    u = rng.random((30, 2))
    fitted = em.fit_emulator(u, u @ a.T)
    scale2 = np.full(3, 0.03**2)
    like = post.Likelihood(fitted, truth @ a.T, scale2, np.ones(3))
    draws, acceptance, _ = post.sample(like, 2, walkers=16, steps=500, burn=100, draws=3000, seed=3)
    precision = a.T @ np.diag(1 / scale2) @ a
    exact_sd = np.sqrt(np.diag(np.linalg.inv(precision)))
    assert 0.2 < acceptance < 0.9
    assert np.allclose(draws.mean(axis=0), truth, atol=0.3 * exact_sd.max())
    assert np.allclose(draws.std(axis=0), exact_sd, rtol=0.2)
    # Same seed, same draws.
    again, _, _ = post.sample(like, 2, walkers=16, steps=500, burn=100, draws=3000, seed=3)
    assert np.array_equal(draws, again)


def test_the_likelihood_is_minus_infinity_outside_the_prior_box():
    fitted = em.fit_emulator(
        np.random.default_rng(0).random((10, 2)), np.random.default_rng(1).random((10, 2))
    )
    like = post.Likelihood(fitted, np.zeros(2), np.ones(2), np.ones(2))
    values = like(np.array([[0.5, 0.5], [1.2, 0.5], [0.5, -0.1]]))
    assert np.isfinite(values[0]) and np.isneginf(values[1:]).all()


SMALL = dict(
    design_points=12, refine_points=4, walkers=12, steps=200, burn=60, draws=200, check_draws=2, seed=5
)


def test_simulation_based_calibration_on_the_model_covers_the_truth_about_as_often_as_claimed(tmp_path):
    path = tiny_posterior_config(tmp_path, **SMALL)
    result = coverage_check(path, truths=6, jobs=2, settings=PosteriorSettings(**SMALL))
    rows = {r["parameter"]: r for r in result.rows()}
    overall = rows["all parameters"]
    assert overall["checks"] == 12
    # 90% intervals over 12 checks: a correct method covers 8 or more of them 996 times in 1,000
    # (the check with 2 replicate seeds, which the posterior now refuses, covered 7 of 16).
    assert 8 <= overall["covered"] <= 12
    # And the intervals say something: jobs per worker, which sets unemployment, is pinned down.
    width = (result.high - result.low)[:, 0] / np.ptp([0.85, 0.97])
    assert np.median(width) < 0.6


def test_the_command_writes_the_posterior_and_its_report_and_refuses_to_install_a_test_config(
    tmp_path, capsys
):
    path = tiny_posterior_config(tmp_path, **SMALL)
    out = tmp_path / "out"
    assert main(["posterior", "--config", str(path), "--jobs", "2", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "90% interval" in text and "Posterior predictive check (2 posterior draws" in text
    from pathways.experiments.folders import OUTPUTS

    for name in OUTPUTS["posterior"]:
        assert (out / name).is_file(), name
    keys, draws = read_posterior(out / "posterior.parquet")
    assert list(keys) == ["jobs_per_worker", "on_the_job_search"]
    assert draws.shape == (200, 2)
    assert (draws[:, 0] >= 0.85).all() and (draws[:, 0] <= 0.97).all()
    # Installing the posterior of a test config is refused, before any run.
    assert main(["posterior", "--config", str(path), "--out", str(tmp_path / "o2"), "--install"]) == 2
    assert "only a posterior of the shipped" in capsys.readouterr().err


def test_a_file_that_is_not_a_posterior_is_refused_with_its_name(tmp_path):
    bad = tmp_path / "posterior.parquet"
    bad.write_bytes(b"not parquet")
    with pytest.raises(ValueError, match=r"posterior\.parquet: not a posterior file"):
        read_posterior(bad)
