"""The labour market: a Mesa model that builds the market and runs its modules month by month.

Workers are rows of :class:`~.workers.Workers` arrays; employers, trainers and
intermediaries are Mesa agents. The model builds the starting market (people,
their network, employers and who holds which job) and then the modules, and
each month calls the modules in the design's order. Every rule lives in its
module (see :mod:`.module`):

=================  =================================================  =====================
module             the rule                                           file
=================  =================================================  =====================
policies           policies that start this month                     policies/
demography         ageing, retirement and entry                       demography.py
separations        quits, layoffs, moves in and out of the labour      separations.py
                   force, coaching running down
employers          demand and openings (Employer agents)              employers.py
training           dropouts and completions (Trainer agents)          programs.py
enrolment          who looks, applies and is admitted                 enrolment.py
intermediaries     navigators' caseloads, placement teams' clients    intermediaries.py
job_search         applications, screens, scores, matching, hiring    hiring.py
pay                tenure, raises, pay floor, experience, skills      wages.py
finances           savings, benefits, ISA payments, debt              finances.py
recording          metrics, funnel, mobility, trial, earnings         recording.py
=================  =================================================  =====================

Month numbering: the burn-in runs months ``-burn_in .. -1``; recorded
months are ``0 .. months - 1``.
"""

from __future__ import annotations

import mesa
import numpy as np

from .costs import Ledger
from .demography import Demography
from .eligibility import eligible
from .employers import N_RUNGS, Employers, build_employer_table
from .enrolment import Enrolment
from .finances import Finances
from .funnel import Funnel
from .hiring import JobSearch
from .initial_jobs import assign_initial_jobs
from .intermediaries import Intermediaries
from .module import DeclarationError, Module, MonthLog, Recorder, changed, check_streams, snapshot
from .network import draw_ties
from .policies import PolicyStarts, PolicyState
from .population import draw_people
from .programs import Training
from .randomness import Streams
from .recording import Recording
from .scenario import Scenario
from .separations import Separations
from .wages import Pay
from .workers import NO_ONE, State, Workers


def default_modules() -> list[Module]:
    """The month's modules, in order."""
    return [
        PolicyStarts(), Demography(), Separations(), Employers(), Training(), Enrolment(),
        Intermediaries(), JobSearch(), Pay(), Finances(), Recording(),
    ]  # fmt: skip


class LabourMarket(mesa.Model):
    """A metro labour market simulated month by month.

    Parameters
    ----------
    scenario : Scenario
        Validated scenario (see :func:`~.scenario.load_scenario`).
    seed : int, optional
        Overrides ``scenario.run.seed``. Same scenario and seed give
        identical results.
    debug : bool
        Check every module's declarations at every step (slow; see :mod:`.module`).
    modules : list of Module, optional
        The month's modules, in order (default: :func:`default_modules`). A subset runs
        only those rules, e.g. the core market the plain-Mesa benchmark model also runs.
    """

    # Employers' monthly rule runs over all of them in one vectorised call;
    # set True to call each Employer agent's step in turn instead (same result).
    step_agents_one_by_one = False
    # Keep the last month's matching problem (ptr, post, score, capacity) for
    # inspection and benchmarks.
    keep_matching_problem = False
    # Set to an ApplicationLog to keep every application of its months (pathways run --application-log).
    application_log = None
    # Set False where nothing reads the yearly career measures (compare and sweep keep only the key
    # outcomes): they only observe, so nothing else changes, and they are a few percent of a small run.
    record_careers = True

    def __init__(
        self,
        scenario: Scenario,
        seed: int | None = None,
        debug: bool = False,
        modules: list[Module] | None = None,
    ) -> None:
        seed = scenario.run.seed if seed is None else int(seed)
        super().__init__(seed=seed)
        self.scenario = scenario
        self.seed = seed
        self.debug = debug
        self.streams = Streams(seed)
        self._draws: dict[str, np.ndarray] = {}
        self._running: Module | None = None
        self.month = -scenario.run.burn_in_months
        self.month_log = MonthLog()

        sc = scenario
        self.sector_names = list(sc.sectors)
        self.group_names = list(sc.groups)
        n = sc.run.workers
        self.wage_floor = sc.economy.minimum_wage_hourly * sc.economy.hours_per_year

        # The starting market: people, their network, employers, who holds which job.
        self.workers = Workers.empty(n, len(self.sector_names), sc.network.ties, sc.network.extra_tie_slots)
        draw_people(self.workers, np.arange(n), sc, self.streams["population"], entrants=False)
        self.workers.ties[:, : sc.network.ties] = draw_ties(
            self.workers.group, sc.network.ties, sc.network.homophily, self.streams["network"]
        )
        self.workers.n_ties[:] = sc.network.ties
        n_employers = max(len(self.sector_names), round(n / sc.run.workers_per_employer))
        self.employers = build_employer_table(sc, n, n_employers, self.streams["employers"])
        assign_initial_jobs(self.workers, self.employers, sc, self.streams["initial_jobs"], self.streams)

        # Accounts and the policies in force; then the modules, which build the agents.
        self.ledger = Ledger()
        self.funnel = Funnel()
        self.policy = PolicyState(sc.policies)
        # Set by the training and intermediaries modules; empty when a subset of modules leaves them out.
        self.programs, self.navigators, self.placement_teams = [], [], []
        self.modules = default_modules() if modules is None else list(modules)
        check_streams(self.modules)
        self._by_name = {m.name: m for m in self.modules}
        for module in self.modules:
            module.init(self)

    # ------------------------------------------------------------------ helpers

    def module(self, name: str) -> Module:
        """The module called ``name`` (see the table in this file's docstring)."""
        return self._by_name[name]

    def logged_applications(self):
        """The application log if it keeps this month's applications, else None."""
        log = self.application_log
        return log if log is not None and log.logging(self.month) else None

    @property
    def elapsed(self) -> int:
        """Months simulated so far, burn-in included (0 in the first month)."""
        return self.month + self.scenario.run.burn_in_months

    def draws(self, name: str) -> np.ndarray:
        """This month's uniform draw per worker from stream ``name`` (shape (n,), float32).

        Each stream belongs to one module (its ``streams``), so no two rules share draws.
        """
        if self.debug and self._running is not None and name not in self._running.streams:
            raise DeclarationError(f"module {self._running.name} draws from undeclared stream '{name}'")
        u = self._draws.get(name)
        if u is None:
            u = self._draws[name] = self.streams.uniform(name, self.workers.n)
        return u

    def draw_partners(self, sector: int, share: float, key: str) -> np.ndarray:
        """Partner employers of a program: a share of the sector's employers, largest first.

        Sector partnerships are built with the large employers that hire in
        volume; ``key`` names the program (partners do not depend on order).
        """
        t = self.employers
        in_sector = np.flatnonzero(t.sector == sector)
        # A program with partners has at least one, however small the market.
        k = max(round(share * in_sector.size), 1 if share > 0 else 0)
        if k == 0 or in_sector.size == 0:
            return np.zeros(0, dtype=np.int64)
        size = t.base_jobs[in_sector].sum(axis=1)
        return np.sort(in_sector[np.argsort(-size, kind="stable")[:k]])

    def eligible(self, rule, idx: np.ndarray) -> np.ndarray:
        """Bool (len(idx),): which workers ``idx`` meet an eligibility block (see eligibility.py)."""
        return eligible(
            rule, self.workers, idx, self.group_names, self.sector_names, self.scenario.credentials,
            self.scenario.economy.poverty_line,
        )  # fmt: skip

    @property
    def partner_mask(self) -> np.ndarray:
        """Bool (E,): employers partnering with any program."""
        mask = np.zeros(self.employers.n, dtype=bool)
        for p in self.programs:
            mask[p.partners] = True
        return mask

    # ------------------------------------------------------------------ the month

    def step(self) -> None:
        self._draws.clear()
        self.month_log = MonthLog()
        if self.month == 0:
            # Spending is reported over the recorded months only.
            self.ledger = Ledger()
        for module in self.modules:
            if self.debug:
                self._checked_step(module)
            else:
                module.step(self)
        self.month += 1

    def _checked_step(self, module: Module) -> None:
        """Step ``module`` and check that it touched only what it declares."""
        workers, employers = self.workers, self.employers
        w_arrays, e_arrays = workers.arrays(), employer_arrays(employers)
        w_before, e_before = snapshot(w_arrays), snapshot(e_arrays)
        self.workers, self.employers = Recorder(workers), Recorder(employers)
        self._running = module
        try:
            module.step(self)
        finally:
            read_w, read_e = self.workers._read, self.employers._read
            self.workers, self.employers, self._running = workers, employers, None
        for kind, before, now, read, reads, writes in (
            ("worker", w_before, workers.arrays(), read_w, module.reads, module.writes),
            ("employer", e_before, employer_arrays(employers), read_e, module.employer_reads,
             module.employer_writes),
        ):  # fmt: skip
            if "*" not in writes:
                undeclared = sorted(changed(before, now) - set(writes))
                if undeclared:
                    raise DeclarationError(f"module {module.name} writes {kind} arrays it does not declare: "
                                           f"{', '.join(undeclared)}")  # fmt: skip
            if "*" not in reads and "*" not in writes:
                unread = sorted(read - set(reads) - set(writes))
                if unread:
                    raise DeclarationError(f"module {module.name} reads {kind} arrays it does not declare: "
                                           f"{', '.join(unread)}")  # fmt: skip

    def run(self, months: int | None = None) -> None:
        """Run the burn-in (if not yet run) and ``months`` recorded months."""
        months = self.scenario.run.months if months is None else months
        while self.month < months:
            self.step()

    # ------------------------------------------------------------------ checks

    def check_invariants(self) -> None:
        """Raise AssertionError if the state is inconsistent (used by tests)."""
        w, t = self.workers, self.employers
        w.check(t.n, len(self.sector_names) * N_RUNGS)
        emp = w.state == State.EMPLOYED
        assert (t.sector[w.employer[emp]] == w.occupation[emp] // N_RUNGS).all(), (
            "job outside employer's sector"
        )
        assert (w.wage[emp] >= self.wage_floor - 1e-3).all(), "wage below the floor"
        assert not np.isin(w.navigator, [NO_ONE, *range(len(self.navigators))], invert=True).any()


def employer_arrays(table) -> dict[str, np.ndarray]:
    return {k: v for k, v in vars(table).items() if isinstance(v, np.ndarray)}
