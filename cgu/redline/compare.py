"""Redlines: two versions of a document aligned article by article, with a word-level diff inside each article."""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Sequence

from cgu.articles import DELETE, EQUAL, INSERT, Article, ArticleChange, Piece, Redline, ReferenceNote
from cgu.redline.classify import _CROSS_REFERENCE, heading_number, normalize
from cgu.redline.diff import WorkBudget, shortest_diff
from cgu.redline.sections import HEADING_NUMBER

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.;:!?|])(?=\s)")
REWRITE_SIMILARITY = 0.2
"""Below this share of common word pairs, a passage is shown as rewritten (deleted then inserted), without a diff."""
ALIGN_SIMILARITY = 0.5
"""Two sections with different headings are the same article (retitled) when they share this much of their text."""
SHORT_TEXT = 12
"""Texts of at most this many words are compared on their words, not their word pairs."""
PAIR_SIMILARITY = 0.3
"""Two changed lines at least this similar are diffed word by word against each other."""
WORD_DIFF_COST = 100_000
"""Above this estimate of diff-match-patch's work (tokens times differing tokens), a passage is split into pairs of
lines, then of sentences."""
PAIRING_LIMIT = 40_000
"""Above this many pairs of lines (or sections) to score, a run is diffed on whole lines (or sentences), or sections
are not aligned on their content."""


def pieces(change: ArticleChange) -> tuple[Piece, ...]:
    """The article as runs of text, each unchanged, an editorial change (noise only) or a substantive change."""
    old_full, new_full = change.old_text(), change.new_text()
    result: list[Piece] = []
    at_old = at_new = 0
    run = {DELETE: "", INSERT: ""}
    for op, text in [*change.ops, (EQUAL, "")]:
        if op != EQUAL:
            run[op] += text
            continue
        if run[DELETE] or run[INSERT]:
            before, after = run[DELETE], run[INSERT]
            noise = change.kind == "editorial" or (
                change.kind == "modified"
                and (
                    normalize(before) == normalize(after)
                    or _renumbered_reference(change, before, after, old_full[:at_old], new_full[:at_new])
                    or normalize(_line_of(old_full, at_old, at_old + len(before)))
                    == normalize(_line_of(new_full, at_new, at_new + len(after)))
                )
            )
            result.append(Piece(before, after, "editorial" if noise else "changed"))
            at_old, at_new = at_old + len(before), at_new + len(after)
            run = {DELETE: "", INSERT: ""}
        if text:
            result.append(Piece(text, text, "same"))
            at_old, at_new = at_old + len(text), at_new + len(text)
    return tuple(result)


_REFERENCE_BEFORE = re.compile(r"(?i)\bart(?:icles?|\.)?[ \t\u00a0]+$")
"""The word that makes the number after it a cross-reference ("l'article ", "art. "), at the end of the text before."""
_NUMBER = re.compile(r"\d+(?:\.\d+)*")


def _renumbered_reference(change: ArticleChange, before: str, after: str, old_head: str, new_head: str) -> bool:
    """Whether a changed run is only the number of a cross-reference to an article that was renumbered: "article 7"
    to "article 8" where article 7 became article 8 (form, even in an article that also changed elsewhere)."""
    return (
        (before, after) in change.renumbered
        and _NUMBER.fullmatch(before) is not None
        and _NUMBER.fullmatch(after) is not None
        and _REFERENCE_BEFORE.search(old_head[-40:]) is not None
        and _REFERENCE_BEFORE.search(new_head[-40:]) is not None
    )


def _line_of(text: str, start: int, end: int) -> str:
    """The whole lines of `text` that the span [start, end) touches, and the line after when it underlines them
    (a setext heading)."""
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    if last >= 0:
        following = text.find("\n", last + 1)
        underline = text[last + 1 :] if following < 0 else text[last + 1 : following]
        if underline.strip() and set(underline.strip()) in ({"="}, {"-"}):
            last = following
    return text[first:] if last < 0 else text[first:last]


def article_text(article: Article) -> str:
    """What is compared for an article: its raw section text (files) or its heading and body (composed documents)."""
    return article.markdown if not article.html else f"{article.heading}\n\n{article.markdown}"


def word_diff(old: str, new: str, budget: WorkBudget | None = None) -> tuple[tuple[int, str], ...]:
    """Lines first, then words inside each changed run of lines: fast on long texts, exact both ways, and bounded
    in operations (past the budget, changed runs are shown by sentence, then by paragraph)."""
    if old == new:
        return ((EQUAL, old),) if old else ()
    budget = budget or WorkBudget()
    if _similarity(old, new) < REWRITE_SIMILARITY:
        return _replaced(old, new)
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    line_diffs = _unit_diff(old_lines, new_lines, budget)
    result: list[tuple[int, str]] = []
    pending = {DELETE: "", INSERT: ""}
    for op, text in [*line_diffs, (EQUAL, "")]:
        if op == EQUAL:
            if pending[DELETE] or pending[INSERT]:
                result.extend(_run_diff(pending[DELETE], pending[INSERT], budget))
                pending = {DELETE: "", INSERT: ""}
            if text:
                result.append((EQUAL, text))
        else:
            pending[op] += text
    return _merge(result)


def _run_diff(old: str, new: str, budget: WorkBudget, depth: int = 0) -> list[tuple[int, str]]:
    """A changed passage: one word diff when it is cheap, else similar lines (then sentences) paired and diffed;
    past the work budget, the passage's lines or sentences that differ are shown replaced, each on its own."""
    if not old or not new:
        return list(_replaced(old, new))
    old_tokens, new_tokens = Counter(_TOKEN.findall(old)), Counter(_TOKEN.findall(new))
    budget.spent += old_tokens.total() + new_tokens.total()
    distance = sum(((old_tokens - new_tokens) + (new_tokens - old_tokens)).values())
    if depth == len(_SPLITTERS) or (old_tokens.total() + new_tokens.total()) * distance <= WORD_DIFF_COST:
        ops = _token_diff(old, new, budget)
        if ops is not None:
            return list(ops)
        if depth == len(_SPLITTERS):  # one sentence, too costly to diff word by word: shown replaced
            return list(_replaced(old, new))
    old_units, new_units = _SPLITTERS[depth](old), _SPLITTERS[depth](new)
    if len(old_units) == len(new_units) == 1:
        return _run_diff(old, new, budget, depth + 1)
    if len(old_units) * len(new_units) > PAIRING_LIMIT:
        return _unit_diff(old_units, new_units, budget)
    budget.spent += len(old_units) * len(new_units)
    result: list[tuple[int, str]] = []
    done_old = done_new = 0
    for i, j in _pair_units(old_units, new_units):
        result += [(DELETE, "".join(old_units[done_old:i])), (INSERT, "".join(new_units[done_new:j]))]
        result += _run_diff(old_units[i], new_units[j], budget, depth + 1)
        done_old, done_new = i + 1, j + 1
    return result + [(DELETE, "".join(old_units[done_old:])), (INSERT, "".join(new_units[done_new:]))]


def _sentences(text: str) -> list[str]:
    """Sentences (and list items, table cells' ends), each with the spacing before it: they join back exactly."""
    return [part for part in _SENTENCE_END.split(text) if part]


_SPLITTERS = (lambda text: text.splitlines(keepends=True), _sentences)


def _pair_units(old_lines: list[str], new_lines: list[str]) -> list[tuple[int, int]]:
    """The order-keeping pairing of similar lines (or sentences) with the most total similarity (a small dynamic
    programme). Each distinct text's word pairs are counted once: the articles under a repeated heading are often
    one text, and an unchanged line or article is the same text in both versions."""
    grams = {text: _bigrams(text) for text in {*old_lines, *new_lines}}
    old_grams, new_grams = [grams[line] for line in old_lines], [grams[line] for line in new_lines]
    rows, cols = len(old_lines), len(new_lines)
    score = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            best = max(score[i + 1][j], score[i][j + 1])
            similarity = _dice(old_grams[i], new_grams[j])
            if similarity >= PAIR_SIMILARITY:
                best = max(best, score[i + 1][j + 1] + similarity)
            score[i][j] = best
    pairs, i, j = [], 0, 0
    while i < rows and j < cols:
        if score[i][j] == score[i + 1][j]:
            i += 1
        elif score[i][j] == score[i][j + 1]:
            j += 1
        else:
            pairs.append((i, j))
            i, j = i + 1, j + 1
    return pairs


def _token_diff(old: str, new: str, budget: WorkBudget) -> tuple[tuple[int, str], ...] | None:
    """A diff on word tokens (never splitting a word), semantically cleaned; None past the work budget."""
    if not old or not new or _similarity(old, new) < REWRITE_SIMILARITY:
        return _replaced(old, new)
    codes: dict[str, str] = {}
    ops = _diff(_encode(_TOKEN.findall(old), codes), _encode(_TOKEN.findall(new), codes), codes, budget)
    return None if ops is None else _merge(ops)


def _unit_diff(old_units: list[str], new_units: list[str], budget: WorkBudget) -> list[tuple[int, str]]:
    """Whole units (lines, sentences) compared: the shortest diff within the budget, else the units found once in
    each text kept in order as anchors (patience), the rest between them shown replaced. Always exact."""
    codes: dict[str, str] = {}
    old_chars, new_chars = _encode(old_units, codes), _encode(new_units, codes)
    ops = _diff(old_chars, new_chars, codes, budget)
    if ops is not None:
        return ops
    once_old = {u for u, n in Counter(old_units).items() if n == 1}
    once_new = {u for u, n in Counter(new_units).items() if n == 1}
    where_old = {u: i for i, u in enumerate(old_units) if u in once_old and u in once_new}
    common = [(where_old[u], j) for j, u in enumerate(new_units) if u in where_old]
    kept = set(_longest_increasing([i for i, _ in common]))
    anchors = [(i, j) for i, j in common if i in kept]
    budget.spent += len(old_units) + len(new_units)
    result: list[tuple[int, str]] = []
    done_old = done_new = 0
    for i, j in [*anchors, (len(old_units), len(new_units))]:
        result += [(DELETE, "".join(old_units[done_old:i])), (INSERT, "".join(new_units[done_new:j]))]
        if i < len(old_units):
            result.append((EQUAL, old_units[i]))
        done_old, done_new = i + 1, j + 1
    return [op for op in result if op[1]]


def _replaced(old: str, new: str) -> tuple[tuple[int, str], ...]:
    return tuple(op for op in ((DELETE, old), (INSERT, new)) if op[1])


def _diff(old_chars: str, new_chars: str, codes: dict[str, str], budget: WorkBudget) -> list[tuple[int, str]] | None:
    """The shortest diff on one character per unit (token or line), cleaned, expanded back to text; None past the
    work budget."""
    decode = {char: unit for unit, char in codes.items()}
    diffs = shortest_diff(old_chars, new_chars, budget)
    if diffs is None:
        return None
    return [(op, "".join(decode[c] for c in chars)) for op, chars in diffs]


def _merge(ops: Sequence[tuple[int, str]]) -> tuple[tuple[int, str], ...]:
    """Empty operations dropped, each run of changes as one deletion then one insertion."""
    merged: list[tuple[int, str]] = []
    run = {DELETE: "", INSERT: ""}
    for op, text in [*ops, (EQUAL, "")]:
        if op != EQUAL:
            run[op] += text
            continue
        merged += [(o, run[o]) for o in (DELETE, INSERT) if run[o]]
        run = {DELETE: "", INSERT: ""}
        if text and merged and merged[-1][0] == EQUAL:
            merged[-1] = (EQUAL, merged[-1][1] + text)
        elif text:
            merged.append((EQUAL, text))
    return tuple(merged)


def _encode(tokens: list[str], codes: dict[str, str]) -> str:
    chars = []
    for token in tokens:
        if token not in codes:
            point = 0x100 + len(codes)
            if point >= 0xD800:
                point += 0x800  # skip the surrogate range
            codes[token] = chr(point)
        chars.append(codes[token])
    return "".join(chars)


def _bigrams(text: str, unigrams: bool = False) -> frozenset[tuple[str, str]]:
    """The pairs of consecutive words of a text (or its single words, paired with "")."""
    words = _WORD.findall(text.lower())
    return frozenset(((w, "") for w in words) if unigrams or len(words) < 2 else itertools.pairwise(words))


def _dice(old: frozenset[tuple[str, str]], new: frozenset[tuple[str, str]]) -> float:
    total = len(old) + len(new)
    return 2 * len(old & new) / total if total else 1.0


def _similarity(old: str, new: str) -> float:
    """Shared pairs of consecutive words: low for a rewrite, even one that reuses the same words in another order
    (shared words for short texts, where pairs say little)."""
    unigrams = min(len(_WORD.findall(old)), len(_WORD.findall(new))) <= SHORT_TEXT
    return _dice(_bigrams(old, unigrams), _bigrams(new, unigrams))


def redline(old: Sequence[Article], new: Sequence[Article], budget: WorkBudget | None = None) -> Redline:
    """Align two versions on article ids (then titles, then content) and diff each pair of articles, within one
    work budget counted in operations: the same versions give the same redline on any machine."""
    budget = budget or WorkBudget()
    pairs = _align(old, new)
    old_refs, new_refs = _cross_references(old, new, pairs)
    new_number = {key: number for number, key in new_refs.items()}
    renumbered = tuple(
        sorted((number, new_number[key]) for number, key in old_refs.items() if new_number.get(key, number) != number)
    )
    old_position = {id(a): i for i, a in enumerate(old)}
    matched_old_order = [old_position[id(pairs[n.id])] for n in new if n.id in pairs]
    keep = set(_longest_increasing(matched_old_order))
    changes: list[ArticleChange] = []
    removed_after: dict[int, list[Article]] = {}
    paired_old = {id(a) for a in pairs.values()}
    previous = -1
    for index, article in enumerate(old):
        if id(article) not in paired_old:
            removed_after.setdefault(previous, []).append(article)
        else:
            previous = index
    for article in removed_after.get(-1, []):
        changes.append(ArticleChange("removed", False, article, None, ((DELETE, article_text(article)),)))
    for article in new:
        counterpart = pairs.get(article.id)
        if counterpart is None:
            changes.append(ArticleChange("added", False, None, article, ((INSERT, article_text(article)),)))
            continue
        old_index = old_position[id(counterpart)]
        moved = old_index not in keep
        before, after = article_text(counterpart), article_text(article)
        if before == after:
            kind = "unchanged"
        elif normalize(before, old_refs) == normalize(after, new_refs):
            kind = "editorial"
        else:
            kind = "modified"
        changes.append(ArticleChange(kind, moved, counterpart, article, word_diff(before, after, budget), renumbered))
        for removed in removed_after.get(old_index, []):
            changes.append(ArticleChange("removed", False, removed, None, ((DELETE, article_text(removed)),)))
    return Redline(tuple(changes), _reference_notes(changes, old_refs, new_refs))


def _reference_notes(
    changes: Sequence[ArticleChange], old_refs: dict[str, str], new_refs: dict[str, str]
) -> tuple[ReferenceNote, ...]:
    """Each reference ("l'article 8") that both versions of an article make to the same article, when that article
    changed in substance: the words are the same, what they send the member to is not."""
    modified = {c.anchor for c in changes if c.kind == "modified"}
    if not modified:
        return ()  # nothing changed in substance: no reference leads anywhere new
    notes: list[ReferenceNote] = []
    for change in changes:
        if change.old is None or change.new is None:
            continue
        before = {old_refs[m.group(3)] for m in _CROSS_REFERENCE.finditer(change.old_text()) if m.group(3) in old_refs}
        seen: set[str] = set()
        for match in _CROSS_REFERENCE.finditer(change.new_text()):
            key = new_refs.get(match.group(3))
            if key in modified and key in before and key != change.anchor and key not in seen:
                seen.add(key)
                notes.append(ReferenceNote(change.anchor, key, match.group(3)))
    return tuple(notes)


def _cross_references(
    old: Sequence[Article], new: Sequence[Article], pairs: dict[str, Article]
) -> tuple[dict[str, str], dict[str, str]]:
    """Per version, article number -> the article it designates (the new id of a pair): "l'article 8" before and
    "l'article 9" after are the same reference when article 8 became article 9. A number two articles share is left
    out (then a changed reference to it counts as substantive)."""
    new_id_of = {id(article): new_id for new_id, article in pairs.items()}

    def numbers(articles: Sequence[Article], key: dict[int, str]) -> dict[str, str]:
        found: dict[str, list[str]] = {}
        for article in articles:
            number = str(article.number) if article.html else heading_number(article.title)
            if number is not None:
                found.setdefault(number, []).append(key.get(id(article), f"{article.id}@old"))
        return {number: keys[0] for number, keys in found.items() if len(keys) == 1}

    return numbers(old, new_id_of), numbers(new, {id(a): a.id for a in new})


def _align(old: Sequence[Article], new: Sequence[Article]) -> dict[str, Article]:
    """new id -> old article: articles under a repeated heading by content, then same id, then same normalized
    title, then the most similar content."""
    pairs = _pair_repeated_headings(old, new)
    used = {id(a) for a in pairs.values()}
    by_id = {a.id: a for a in old if id(a) not in used}
    taken = {a.id for a in pairs.values()}
    pairs |= {a.id: by_id[a.id] for a in new if a.id in by_id and a.id not in pairs and a.id not in taken}
    used = {id(a) for a in pairs.values()}
    titles = {id(o): _plain_title(o.title) for o in old}
    for article in new:
        if article.id in pairs:
            continue
        title = _plain_title(article.title)
        match = next((o for o in old if id(o) not in used and titles[id(o)] == title), None)
        if match is not None:
            pairs[article.id] = match
            used.add(id(match))
    old_left = [(o, _bigrams(o.markdown)) for o in old if id(o) not in used]
    new_left = [(n, _bigrams(n.markdown)) for n in new if n.id not in pairs]
    if len(old_left) * len(new_left) > PAIRING_LIMIT:  # hundreds of sections all retitled: not worth the time
        return pairs
    scored = sorted(
        ((_dice(og, ng), i, j) for i, (_, og) in enumerate(old_left) for j, (_, ng) in enumerate(new_left)),
        key=lambda s: (-s[0], s[1], s[2]),
    )
    taken_old: set[int] = set()
    for similarity, i, j in scored:
        if similarity < ALIGN_SIMILARITY:
            break
        if i not in taken_old and new_left[j][0].id not in pairs:
            pairs[new_left[j][0].id] = old_left[i][0]
            taken_old.add(i)
    return pairs


def _plain_title(title: str) -> str:
    return normalize(HEADING_NUMBER.sub("", title)).lower()


def _pair_repeated_headings(old: Sequence[Article], new: Sequence[Article]) -> dict[str, Article]:
    """Articles under a heading that repeats ("FAQ", "FAQ", numbered `faq`, `faq-2`) paired by their content, in
    order, not by their rank: a new "FAQ" inserted first must not pair every later one with its predecessor."""
    old_groups, new_groups = _repeated(old), _repeated(new)
    pairs: dict[str, Article] = {}
    for base in sorted(old_groups.keys() & new_groups.keys()):
        olds, news = old_groups[base], new_groups[base]
        if len(olds) == len(news) == 1:
            continue
        if len(olds) * len(news) > PAIRING_LIMIT:
            continue
        for i, j in _pair_units([a.markdown for a in olds], [a.markdown for a in news]):  # order kept
            pairs[news[j].id] = olds[i]
    return pairs


def _repeated(articles: Sequence[Article]) -> dict[str, list[Article]]:
    """Articles grouped by the id of their heading before the `-2`, `-3` that a repeated heading gets."""
    ids = {a.id for a in articles}
    groups: dict[str, list[Article]] = {}
    for article in articles:
        base, _, rank = article.id.rpartition("-")
        key = base if rank.isdigit() and base in ids else article.id
        groups.setdefault(key, []).append(article)
    return groups


def carried_over(result: Redline) -> dict[int, ArticleChange]:
    """Splits and merges: an added article whose text was deleted from the article just before or after it (a
    split), or a removed one whose text was inserted there (a merge), mapped to that neighbour."""
    found: dict[int, ArticleChange] = {}
    changes = result.changes
    for index, change in enumerate(changes):
        if change.kind not in ("added", "removed"):
            continue
        side = DELETE if change.kind == "added" else INSERT
        body = change.new_text() if change.kind == "added" else change.old_text()
        body = body.split("\n", 1)[1] if "\n" in body else body  # its heading is new (or gone): the text counts
        grams = _bigrams(body)
        for neighbour in (
            changes[index - 1] if index else None,
            changes[index + 1] if index + 1 < len(changes) else None,
        ):
            if neighbour is None or neighbour.kind != "modified":
                continue
            moved = "".join(text for op, text in neighbour.ops if op == side)
            if grams and len(grams & _bigrams(moved)) >= SPLIT_SHARE * len(grams):
                found[id(change)] = neighbour
                break
    return found


SPLIT_SHARE = 0.8
"""An added (removed) article is split from (merged into) its neighbour when this share of its word pairs was
deleted from (inserted into) that neighbour."""


def _longest_increasing(values: list[int]) -> list[int]:
    """The longest increasing subsequence: articles in it kept their order; the others moved."""
    tails: list[int] = []
    tails_index: list[int] = []
    parents = [-1] * len(values)
    for i, value in enumerate(values):
        slot = bisect.bisect_left(tails, value)
        if slot == len(tails):
            tails.append(value)
            tails_index.append(i)
        else:
            tails[slot] = value
            tails_index[slot] = i
        parents[i] = tails_index[slot - 1] if slot else -1
    result = []
    index = tails_index[-1] if tails_index else -1
    while index >= 0:
        result.append(values[index])
        index = parents[index]
    return result[::-1]
