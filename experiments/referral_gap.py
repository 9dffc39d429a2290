"""The pay gap that comes from referrals alone (``pathways run --referral-gap``).

Who you know decides who hears of jobs. Ties are drawn with group sizes and
homophily (:mod:`..simulation.network`): a tie stays within one's group with
chance ``h`` and otherwise goes to anyone, so the share of a worker's ties in
their own group is ``h + (1 - h) * group share`` and ``network.homophily`` is
exactly Coleman's (1958) inbreeding-homophily index, the measure Currarini,
Jackson and Pin (Econometrica, 2009) use for friendship networks. A small
group's members know fewer people in the jobs their group does not hold.

To isolate what referrals do, two markets are run on the scenario's seed with
every other source of a group gap removed (the same education and savings for
every group, no hiring penalty; the network, its homophily and people's
sector interests kept):

* with referrals (the scenario's ``search.referral_contacts``), and
* without them (no one asks a tie about openings),

and each group's pay ratio to the reference group over the last 12 months is
compared: the difference is the gap referrals make by themselves.
"""

from __future__ import annotations

import numpy as np

from ..simulation import LabourMarket, Scenario
from ..simulation.scenario import with_overrides


def equal_footing(scenario: Scenario) -> dict:
    """Overrides giving every group the population's education and savings and no hiring penalty."""
    groups = scenario.groups
    share = np.array([g.share for g in groups.values()])
    education = np.array([g.education.as_tuple() for g in groups.values()])
    mixed = share @ education / share.sum()
    mixed = mixed / mixed.sum()
    savings = float(share @ np.array([g.median_savings for g in groups.values()]) / share.sum())
    levels = dict(zip(("no_degree", "some_college", "ba_plus"), (float(v) for v in mixed), strict=True))
    return {
        "groups": {k: {"education": levels, "median_savings": savings} for k in groups},
        "hiring": {
            "race_penalty": dict.fromkeys(scenario.hiring.race_penalty, 0.0),
            "women_penalty": dict.fromkeys(scenario.hiring.women_penalty, 0.0),
        },
    }


def _last_year_pay_ratio(model: LabourMarket) -> dict[str, float]:
    cols = model.metrics.columns()
    month = np.asarray(cols["month"])
    group = np.asarray(cols["group"])
    ratio = np.asarray(cols["pay_ratio"], dtype=float)
    last = month >= month.max() - 11
    return {g: float(np.nanmean(ratio[last & (group == g)])) for g in [*model.group_names, "all"]}


def referral_gap(scenario: Scenario, seed: int | None = None) -> list[dict]:
    """Rows {group, pay_ratio_with_referrals, pay_ratio_without, from_referrals} (see the docstring)."""
    base = with_overrides(scenario, equal_footing(scenario))
    ratios = []
    for contacts in (scenario.search.referral_contacts, 0):
        model = LabourMarket(with_overrides(base, {"search": {"referral_contacts": contacts}}), seed=seed)
        model.run()
        ratios.append(_last_year_pay_ratio(model))
    with_refs, without = ratios
    return [
        {"group": g, "pay_ratio_with_referrals": with_refs[g], "pay_ratio_without": without[g],
         "from_referrals": with_refs[g] - without[g]}
        for g in with_refs
    ]  # fmt: skip


def format_rows(rows: list[dict], reference: str) -> str:
    lines = [f"{'group':<18}{'with referrals':>16}{'without':>10}{'from referrals':>16}"]
    for r in rows:
        if r["group"] == reference:
            continue
        lines.append(f"{r['group']:<18}{r['pay_ratio_with_referrals']:>16.3f}{r['pay_ratio_without']:>10.3f}"
                     f"{r['from_referrals']:>+16.3f}")  # fmt: skip
    return "\n".join(lines)
