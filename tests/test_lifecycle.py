"""The release lifecycle on fixed days: before, during and after a notice period; and its invariants (hypothesis)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cgu.errors import CguError
from cgu.model import ReleaseSpec, SourceLocation
from cgu.release.lifecycle import DRAFT, IN_FORCE, UPCOMING, lifecycle, today

D = dt.date


@dataclass(frozen=True)
class Declared:
    """A release as the lifecycle sees it (the book's Release carries a composed document besides)."""

    spec: ReleaseSpec
    commit: str | None
    published: dt.datetime | None


def release(version: D, effective: D, material: bool = True, committed: D | None = None) -> Declared:
    spec = ReleaseSpec(version, effective, material, "résumé", SourceLocation("organisms/x/organism.yaml", 3))
    when = committed or version
    return Declared(spec, f"c{version.isoformat()}", dt.datetime(when.year, when.month, when.day, 12))


FIRST = release(D(2024, 6, 1), D(2024, 6, 15))
SECOND = release(D(2026, 11, 20), D(2027, 1, 1))
UNCOMMITTED = Declared(
    ReleaseSpec(D(2026, 11, 25), D(2027, 2, 1), True, "pas encore", SourceLocation("o.yaml")), None, None
)


def test_before_the_notice_period_only_the_first_release_is_published() -> None:
    state = lifecycle([FIRST, SECOND], D(2026, 11, 19))
    assert (state.state, state.in_force, state.upcoming, state.drafts) == (IN_FORCE, FIRST, (), (SECOND,))


def test_during_the_notice_period_the_old_release_binds_and_the_new_one_is_coming() -> None:
    state = lifecycle([FIRST, SECOND], D(2026, 12, 2))
    assert (state.in_force, state.upcoming, state.next) == (FIRST, (SECOND,), SECOND)
    notice = state.notice(SECOND)
    assert (notice.start, notice.end, notice.days) == (D(2026, 11, 20), D(2027, 1, 1), 42)
    assert state.binding_on(FIRST)  # no re-acceptance before the material release takes effect
    assert state.material_since(FIRST) == [SECOND]


def test_on_the_effective_date_the_new_release_is_in_force() -> None:
    state = lifecycle([FIRST, SECOND], D(2027, 1, 1))
    assert (state.in_force, state.upcoming) == (SECOND, ())
    assert not state.binding_on(FIRST)


def test_a_release_never_committed_is_a_draft_even_when_its_dates_have_come() -> None:
    state = lifecycle([FIRST, UNCOMMITTED], D(2030, 1, 1))
    assert (state.in_force, state.drafts) == (FIRST, (UNCOMMITTED,))
    assert lifecycle([UNCOMMITTED], D(2030, 1, 1)).state == DRAFT


def test_a_first_release_in_its_notice_period_is_upcoming_with_nothing_in_force() -> None:
    state = lifecycle([SECOND], D(2026, 12, 1))
    assert (state.state, state.in_force, state.next) == (UPCOMING, None, SECOND)


def test_the_notice_counts_from_the_commit_when_it_came_after_the_version_date() -> None:
    late = release(D(2026, 11, 20), D(2027, 1, 1), committed=D(2026, 11, 28))
    assert lifecycle([late], D(2026, 12, 1)).notice(late).start == D(2026, 11, 28)


def test_today_comes_from_the_option_then_source_date_epoch_then_the_clock() -> None:
    assert today("2027-01-01", {"SOURCE_DATE_EPOCH": "0"}) == D(2027, 1, 1)
    assert today(None, {"SOURCE_DATE_EPOCH": "1798761600"}) == D(2027, 1, 1)
    assert today(None, {}) == dt.date.today()
    with pytest.raises(CguError, match="YYYY-MM-DD"):
        today("1/1/2027", {})
    with pytest.raises(CguError, match="SOURCE_DATE_EPOCH"):
        today(None, {"SOURCE_DATE_EPOCH": "demain"})


days = st.dates(D(2020, 1, 1), D(2030, 12, 31))


@st.composite
def histories(draw: st.DrawFn) -> list[Declared]:
    """Releases with increasing version dates, each effective on or after it, some uncommitted."""
    out: list[Declared] = []
    version = draw(days)
    for _ in range(draw(st.integers(0, 6))):
        version += dt.timedelta(days=draw(st.integers(1, 400)))
        effective = version + dt.timedelta(days=draw(st.integers(0, 120)))
        material = draw(st.booleans())
        if draw(st.integers(0, 5)) == 0:
            out.append(Declared(ReleaseSpec(version, effective, material, "", SourceLocation("o.yaml")), None, None))
        else:
            out.append(release(version, effective, material))
    return out


@given(histories(), days)
def test_exactly_one_release_is_in_force_once_any_published_one_is_effective(releases: list[Declared], day: D) -> None:
    state = lifecycle(releases, day)
    effective = [r for r in state.published if r.spec.effective <= day]
    assert (state.in_force is not None) == bool(effective)
    if state.in_force is not None:
        assert state.in_force in effective
        assert all(r.spec.effective <= state.in_force.spec.effective for r in effective)


@given(histories(), days)
def test_every_declared_release_is_exactly_one_of_in_force_past_upcoming_or_draft(
    releases: list[Declared], day: D
) -> None:
    state = lifecycle(releases, day)
    assert set(state.published).isdisjoint(state.drafts)
    assert len(state.published) + len(state.drafts) == len(releases)
    assert set(state.upcoming) <= set(state.published)
    assert state.in_force not in state.upcoming
    assert all(r.commit is not None and r.spec.version <= day < r.spec.effective for r in state.upcoming)
    assert all(r.commit is None or r.spec.version > day for r in state.drafts)


@given(histories(), days, st.integers(1, 2000))
def test_time_only_moves_forward(releases: list[Declared], day: D, later: int) -> None:
    """What is in force later is never older than what is in force now, and nothing published becomes a draft."""
    now, then = lifecycle(releases, day), lifecycle(releases, day + dt.timedelta(days=later))
    assert set(now.published) <= set(then.published)
    if now.in_force is not None:
        assert then.in_force is not None
        assert then.in_force.spec.effective >= now.in_force.spec.effective


@given(histories(), days)
def test_an_accepted_release_stops_binding_only_when_a_material_release_takes_effect(
    releases: list[Declared], day: D
) -> None:
    state = lifecycle(releases, day)
    for accepted in state.published:
        later = [r for r in state.published if r.spec.version > accepted.spec.version and r.spec.material]
        assert state.binding_on(accepted) == all(r.spec.effective > day for r in later)
