"""How a topic is decided: evidence counts only when it is a substantive answer."""

import textwrap

import pytest

from mlsd_lint.document import parse


def evidence(matcher, text):
    return matcher.evidence(parse(textwrap.dedent(text)))


def test_a_plain_statement_addresses_the_topic_with_its_line(matcher):
    ev = evidence(matcher, """\
        # Ranker

        Intro.

        We A/B test the new ranker on 5% of users for two weeks.
        """)
    assert ev["EXP002"].line == 5
    assert ev["EXP002"].kind == "phrase"


@pytest.mark.parametrize("spelling", ["A/B test", "AB test", "a-b testing", "A/B-tested", "AB-tests"])
def test_spelling_variants_of_a_phrase_match(matcher, spelling):
    assert "EXP002" in evidence(matcher, f"We {spelling} the ranker against production.\n")


def test_typos_in_long_words_are_tolerated(matcher):
    assert "EXP002" in evidence(matcher, "Users go through an interleavng comparison of both rankers.\n")


def test_a_word_whose_stem_is_chosen_is_not_read_as_a_typo(matcher):
    # "probably" is kept apart from "probability" (a proxy metric: predict ~ click)
    assert "BIZ002" not in evidence(matcher, "There was probably a dip before users clicked through.\n")
    assert "BIZ002" in evidence(matcher, "We estimate the probability that users click through.\n")


def test_questions_placeholders_and_prompts_do_not_count(matcher):
    for text in (
        "Should we run an A/B test?\n",
        "A/B test: TBD\n",
        "TODO: plan the A/B test\n",
        "Describe the A/B test design.\n",
        "- [ ] A/B test\n",
        "Fill in the A/B test plan here.\n",
    ):
        assert "EXP002" not in evidence(matcher, text), text


def test_answer_after_a_question_counts(matcher):
    assert "EXP002" in evidence(matcher, "Do we need an online test? Yes: an A/B test on 5% of users.\n")


def test_open_questions_and_out_of_scope_sections_do_not_count(matcher):
    for heading in ("Open questions", "Out of scope"):
        text = f"# Doc\n\n## {heading}\n\nAn A/B test on 5% of users for two weeks.\n"
        assert "EXP002" not in evidence(matcher, text), heading


def test_bare_heading_does_not_count_but_heading_with_content_does(matcher):
    bare = "# Doc\n\n## A/A test\n\n## Next\n\nOther text here.\n"
    assert "EXP001" not in evidence(matcher, bare)
    full = "# Doc\n\n## A/A test\n\nOne week, both buckets on the current production ranker.\n"
    assert evidence(matcher, full)["EXP001"].kind == "heading"


def test_heading_with_only_questions_under_it_does_not_count(matcher):
    text = "# Doc\n\n## A/A test\n\n- Do we need one?\n- How long would it run?\n"
    assert "EXP001" not in evidence(matcher, text)


def test_table_row_with_answer_counts_but_empty_cell_does_not(matcher):
    filled = "| Topic | Plan |\n|---|---|\n| A/A testing | one week on the current production ranker |\n"
    empty = "| Topic | Plan |\n|---|---|\n| A/A testing | |\n"
    assert "EXP001" in evidence(matcher, filled)
    assert "EXP001" not in evidence(matcher, empty)


def test_weak_terms_count_in_their_own_section_only(matcher):
    home = "# Doc\n\n## Experimentation\n\nThe experiment runs for two weeks on new users.\n"
    away = "# Doc\n\n## Training\n\nThe experiment runs for two weeks on new users.\n"
    assert evidence(matcher, home)["EXP002"].kind == "weak"
    assert "EXP002" not in evidence(matcher, away)


def test_code_blocks_do_not_count_by_default(matcher):
    text = "# Doc\n\n```\nrun_ab_test(); # A/B test on 5% of users\n```\n"
    assert "EXP002" not in evidence(matcher, text)


def test_number_slots_in_phrases():
    from mlsd_lint.matching import Matcher, addresses
    from mlsd_lint.rules import build_ruleset

    pack = """\
step: 7
title: Scale
rules:
  - code: TST001
    name: big-counts
    title: t
    message: m.
    match:
      near:
        - terms: ["{large}"]
          with: [users]
          window: 2
    explanation: {what: w, why: y, how: h}
  - code: TST002
    name: latency
    title: t
    message: m.
    match:
      phrases: ["{number} ms"]
    explanation: {what: w, why: y, how: h}
"""
    matcher = Matcher(build_ruleset([("t.yaml", pack)]))
    for text, expected in [
        ("We serve 50M users.", True),
        ("We serve 3,000 users.", True),
        ("We serve 12 users.", False),
        ("In 2024 users asked for it.", False),
    ]:
        assert addresses(matcher, "TST001", text) is expected, text
    assert addresses(matcher, "TST002", "p99 under 80ms.")
    assert addresses(matcher, "TST002", "p99 under 1,200 ms.")
    assert not addresses(matcher, "TST002", "under ms load.")


def test_deferred_topics_and_italic_template_guidance_do_not_count(matcher):
    assert "EXP001" not in evidence(matcher, "- A/A test, kill switch, shadow -> not discussed.\n")
    assert "EXP001" not in evidence(matcher, "# Doc\n\n## A/A test\n\n_Both arms get the same model. How long should it run?_\n")
    assert "EXP001" in evidence(matcher, "# Doc\n\n## A/A test\n\n_One week, both arms on the current model._\n")


def test_the_document_title_is_not_a_topic_heading(matcher):
    text = "# A/A test platform\n\nThis service stores experiment results for the analytics team.\n"
    assert "EXP001" not in evidence(matcher, text)


def test_future_work_and_not_covered_sections_do_not_count(matcher):
    for heading in ("Future work", "Not covered yet"):
        text = f"# Doc\n\n## Design\n\nText here.\n\n## {heading}\n\nAn A/B test on 5% of users for two weeks.\n"
        assert "EXP002" not in evidence(matcher, text), heading


def test_a_rules_excludes_read_the_whole_labelled_block(matcher):
    from mlsd_lint.matching import Matcher
    from mlsd_lint.rules import build_ruleset

    pack = """\
step: 8
title: Ops
rules:
  - code: TST003
    name: rollback-test
    title: t
    message: m.
    match:
      headings: [rollback]
      exclude: [price drop]
    explanation: {what: w, why: y, how: h}
"""
    m = Matcher(build_ruleset([("t.yaml", pack)]))
    assert "TST003" in m.evidence(parse("- **Rollback**: revert to the previous model in one step.\n"))
    assert "TST003" not in m.evidence(parse("- **is_rollback**: the product is in a price drop promotion this week.\n"))
